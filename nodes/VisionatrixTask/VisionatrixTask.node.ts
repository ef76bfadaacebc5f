import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import type { Visionatrix } from '../shared/providers/visionatrix/api.ts';
import type { Router } from '../shared/n8n/router.ts';
import { parameterNamesOf, route } from '../shared/n8n/router.ts';
import { visionatrixFor } from './client.ts';
import * as flow from './actions/flow/index.ts';
import * as task from './actions/task/index.ts';
import * as byCallback from './actions/task/runAndWaitByCallback.ts';
import { coreParameterAliases } from './descriptions.ts';
import { searchFlows } from './methods/flows.ts';
import { getFlowInputs } from './methods/resourceMapping.ts';

const properties: INodeProperties[] = [
	{
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Flow', value: 'flow' },
			{ name: 'Task', value: 'task' },
		],
		default: 'task',
	},
	...task.description,
	...flow.description,
];

const router: Router<Visionatrix> = {
	resources: { flow: flow.operations, task: task.operations },
	connect: visionatrixFor,
	parameterNames: parameterNamesOf(properties, coreParameterAliases),
};

export class VisionatrixTask implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Visionatrix Task',
		name: 'visionatrixTask',
		icon: { light: 'file:../../icons/visionatrix.svg', dark: 'file:../../icons/visionatrix.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Run image-generation flows on a self-hosted Visionatrix server',
		defaults: { name: 'Visionatrix Task' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'visionatrixApi', required: true }],
		// Run Flow and Wait "By Callback": Visionatrix POSTs to `{resume URL}/task-progress`; n8n
		// reads the appended path back out of the URL's signature and matches this path.
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				path: 'task-progress',
				restartWebhook: true,
				responseMode: 'onReceived',
				responseData: 'noData',
			},
		],
		waitingNodeTooltip: 'Waiting for Visionatrix to report that the task has finished',
		properties,
	};

	methods = {
		listSearch: { searchFlows },
		resourceMapping: { getFlowInputs },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await route(this, router);
	}

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await byCallback.resume.call(this);
	}
}

