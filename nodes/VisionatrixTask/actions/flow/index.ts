import type { INodeProperties } from 'n8n-workflow';

import type { Visionatrix } from '../../../shared/providers/visionatrix/api.ts';
import type { Operations } from '../../../shared/n8n/router.ts';
import * as getMany from './getMany.operation.ts';

export const operations: Operations<Visionatrix> = { getMany };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['flow'] } },
		options: [{ name: 'Get Many', value: 'getMany', description: 'List the installed flows and their inputs', action: 'Get many flows' }],
		default: 'getMany',
	},
	...getMany.description,
];
