import type { INodeProperties } from 'n8n-workflow';

import type { Operations } from '../../../shared/n8n/router.ts';
import type { InvokeAI } from '../../../shared/providers/invokeai/api.ts';

import * as get from './get.operation.ts';
import * as getInputs from './getInputs.operation.ts';
import * as getMany from './getMany.operation.ts';
import * as runAndWait from './runAndWait.operation.ts';

export const operations: Operations<InvokeAI> = { get, getInputs, getMany, runAndWait };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['workflow'] } },
		options: [
			{ name: 'Get', value: 'get', description: 'Get a workflow of the library', action: 'Get a workflow' },
			{ name: 'Get Inputs', value: 'getInputs', description: "List a workflow's inputs, with their types", action: 'Get the inputs of a workflow' },
			{ name: 'Get Many', value: 'getMany', description: "List the library's workflows", action: 'Get many workflows' },
			{ name: 'Run and Wait', value: 'runAndWait', description: 'Queue a workflow, wait for it and return its images', action: 'Run a workflow and wait for the result' },
		],
		default: 'runAndWait',
	},
	...runAndWait.description,
	...get.description,
	...getInputs.description,
	...getMany.description,
];
