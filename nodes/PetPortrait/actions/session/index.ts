import type { INodeProperties } from 'n8n-workflow';

import type { PetPortrait } from '../../../shared/providers/petPortrait/api.ts';
import type { Operations } from '../../../shared/n8n/router.ts';

import * as getStatus from './getStatus.operation.ts';

export const operations: Operations<PetPortrait> = { getStatus };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['session'] } },
		options: [
			{
				name: 'Get Status',
				value: 'getStatus',
				description: "A session's status: progress while it generates, the result image once completed",
				action: 'Get the status of a session',
			},
		],
		default: 'getStatus',
	},
	...getStatus.description,
];
