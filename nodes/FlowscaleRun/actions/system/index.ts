import type { INodeProperties } from 'n8n-workflow';

import type { Flowscale } from '../../../shared/providers/flowscale/api.ts';
import type { Operations } from '../../../shared/n8n/router.ts';

import * as health from './health.operation.ts';
import * as queue from './queue.operation.ts';

export const operations: Operations<Flowscale> = { health, queue };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['system'] } },
		options: [
			{ name: 'Health', value: 'health', description: "The deployment's ComfyUI containers and their state", action: 'Get the health of the deployment' },
			{ name: 'Queue', value: 'queue', description: "Each container's queue of running and pending prompts", action: 'Get the queue of the deployment' },
		],
		default: 'health',
	},
];
