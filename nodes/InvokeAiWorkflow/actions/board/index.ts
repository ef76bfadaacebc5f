import type { INodeProperties } from 'n8n-workflow';

import type { Operations } from '../../../shared/n8n/router.ts';
import type { InvokeAI } from '../../../shared/providers/invokeai/api.ts';

import * as create from './create.operation.ts';
import * as deleteOperation from './delete.operation.ts';
import * as getImageNames from './getImageNames.operation.ts';
import * as getMany from './getMany.operation.ts';

export const operations: Operations<InvokeAI> = { create, delete: deleteOperation, getImageNames, getMany };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['board'] } },
		options: [
			{ name: 'Create', value: 'create', description: 'Create a board', action: 'Create a board' },
			{ name: 'Delete', value: 'delete', description: 'Delete a board', action: 'Delete a board' },
			{ name: 'Get Image Names', value: 'getImageNames', description: "List the names of a board's images", action: 'Get the image names of a board' },
			{ name: 'Get Many', value: 'getMany', description: 'List the boards', action: 'Get many boards' },
		],
		default: 'getMany',
	},
	...getMany.description,
	...create.description,
	...deleteOperation.description,
	...getImageNames.description,
];
