import type { INodeProperties } from 'n8n-workflow';

import * as getMany from './getMany.operation.ts';

export const operations = { getMany };

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
