import type { IExecuteFunctions, INodeExecutionData, INodeProperties, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import type { Flowscale } from '../shared/providers/flowscale/api.ts';
import type { Router } from '../shared/n8n/router.ts';
import { parameterNamesOf, route } from '../shared/n8n/router.ts';
import { flowscaleFor } from './client.ts';
import * as run from './actions/run/index.ts';
import * as system from './actions/system/index.ts';
import { coreParameterAliases } from './descriptions.ts';
import { searchWorkflows } from './methods/workflows.ts';

const properties: INodeProperties[] = [
	{
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Run', value: 'run' },
			{ name: 'System', value: 'system' },
		],
		default: 'run',
	},
	...run.description,
	...system.description,
];

const router: Router<Flowscale> = {
	resources: { run: run.operations, system: system.operations },
	connect: flowscaleFor,
	parameterNames: parameterNamesOf(properties, coreParameterAliases),
};

export class FlowscaleRun implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Flowscale Run',
		name: 'flowscaleRun',
		icon: { light: 'file:../../icons/flowscale.svg', dark: 'file:../../icons/flowscale.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Run ComfyUI workflows deployed on Flowscale',
		defaults: { name: 'Flowscale Run' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'flowscaleApi', required: true }],
		properties,
	};

	methods = {
		listSearch: { searchWorkflows },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await route(this, router);
	}
}
