import type { INodeProperties } from 'n8n-workflow';

import type { PetPortrait } from '../../../shared/providers/petPortrait/api.ts';
import type { Operations } from '../../../shared/n8n/router.ts';

import * as getWorkflowInfo from './getWorkflowInfo.operation.ts';
import * as health from './health.operation.ts';

export const operations: Operations<PetPortrait> = { getWorkflowInfo, health };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['server'] } },
		options: [
			{
				name: 'Get Workflow Info',
				value: 'getWorkflowInfo',
				description: "The server's workflow: node count, aspect ratio, and the user inputs a portrait may set",
				action: 'Get the workflow info of the server',
			},
			{ name: 'Health', value: 'health', description: 'Whether the server is up', action: 'Get the health of the server' },
		],
		default: 'getWorkflowInfo',
	},
];
