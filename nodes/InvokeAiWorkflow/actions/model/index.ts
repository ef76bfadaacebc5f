import type { INodeProperties } from 'n8n-workflow';

import type { Operations } from '../../../shared/n8n/router.ts';
import type { InvokeAI } from '../../../shared/providers/invokeai/api.ts';

import * as getMany from './getMany.operation.ts';

export const operations: Operations<InvokeAI> = { getMany };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['model'] } },
		options: [{ name: 'Get Many', value: 'getMany', description: 'List the installed models', action: 'Get many models' }],
		default: 'getMany',
	},
	...getMany.description,
];
