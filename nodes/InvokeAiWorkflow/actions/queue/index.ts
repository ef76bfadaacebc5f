import type { INodeProperties } from 'n8n-workflow';

import type { Operations } from '../../../shared/n8n/router.ts';
import type { InvokeAI } from '../../../shared/providers/invokeai/api.ts';

import * as cancelBatch from './cancelBatch.operation.ts';
import * as cancelItem from './cancelItem.operation.ts';
import * as getItem from './getItem.operation.ts';
import * as getStatus from './getStatus.operation.ts';
import * as retryItems from './retryItems.operation.ts';

export const operations: Operations<InvokeAI> = { cancelBatch, cancelItem, getItem, getStatus, retryItems };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['queue'] } },
		options: [
			{ name: 'Cancel Batch', value: 'cancelBatch', description: 'Cancel every item of one or more batches', action: 'Cancel batches' },
			{ name: 'Cancel Item', value: 'cancelItem', description: 'Cancel a queue item', action: 'Cancel a queue item' },
			{ name: 'Get Item', value: 'getItem', description: "Get a queue item's state", action: 'Get a queue item' },
			{ name: 'Get Status', value: 'getStatus', description: "Get the queue's counts and what it is processing", action: 'Get the queue status' },
			{ name: 'Retry Items', value: 'retryItems', description: 'Queue failed or cancelled items again', action: 'Retry queue items' },
		],
		default: 'getItem',
	},
	...getItem.description,
	...cancelItem.description,
	...cancelBatch.description,
	...getStatus.description,
	...retryItems.description,
];
