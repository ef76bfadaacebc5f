import type { IExecuteFunctions, INodeExecutionData, INodeProperties, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import type { InvokeAI } from '../shared/providers/invokeai/api.ts';
import type { Router } from '../shared/n8n/router.ts';
import { parameterNamesOf, route } from '../shared/n8n/router.ts';
import { invokeaiFor } from './client.ts';
import * as board from './actions/board/index.ts';
import * as image from './actions/image/index.ts';
import * as model from './actions/model/index.ts';
import * as queue from './actions/queue/index.ts';
import * as workflow from './actions/workflow/index.ts';
import { coreParameterAliases } from './descriptions.ts';
import { getWorkflowInputs, searchWorkflows } from './methods/workflows.ts';

const properties: INodeProperties[] = [
	{
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Board', value: 'board' },
			{ name: 'Image', value: 'image' },
			{ name: 'Model', value: 'model' },
			{ name: 'Queue', value: 'queue' },
			{ name: 'Workflow', value: 'workflow' },
		],
		default: 'workflow',
	},
	...workflow.description,
	...queue.description,
	...image.description,
	...board.description,
	...model.description,
];

const router: Router<InvokeAI> = {
	resources: { board: board.operations, image: image.operations, model: model.operations, queue: queue.operations, workflow: workflow.operations },
	connect: invokeaiFor,
	parameterNames: parameterNamesOf(properties, coreParameterAliases),
};

export class InvokeAiWorkflow implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'InvokeAI Workflow',
		name: 'invokeAiWorkflow',
		icon: { light: 'file:../../icons/invokeai.svg', dark: 'file:../../icons/invokeai.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Run InvokeAI workflows and manage its queue, images, boards and models',
		defaults: { name: 'InvokeAI Workflow' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'invokeAiApi', required: true }],
		properties,
	};

	methods = {
		listSearch: { searchWorkflows },
		loadOptions: { getWorkflowInputs },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await route(this, router);
	}
}
