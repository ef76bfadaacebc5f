import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import type { Visionatrix } from '../shared/providers/visionatrix/api.ts';
import { runForEachItem } from '../shared/n8n/items.ts';
import { visionatrixFor } from '../shared/n8n/visionatrix.ts';
import * as flow from './actions/flow/index.ts';
import * as task from './actions/task/index.ts';
import * as byCallback from './actions/task/runAndWaitByCallback.ts';
import { parameterNames } from './descriptions.ts';
import { searchFlows } from './methods/listSearch.ts';
import { getFlowInputs } from './methods/resourceMapping.ts';

const resources = { flow: flow.operations, task: task.operations } as const;

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
		properties: [
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
		],
	};

	methods = {
		listSearch: { searchFlows },
		resourceMapping: { getFlowInputs },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const resource = this.getNodeParameter('resource', 0) as keyof typeof resources;
		const operation = this.getNodeParameter('operation', 0) as string;
		const handler = (resources[resource] as Record<string, { execute: (typeof task.operations)['get']['execute'] }> | undefined)?.[operation];
		if (!handler) {
			throw new NodeOperationError(this.getNode(), `The operation "${operation}" of resource "${resource}" is not supported.`);
		}
		// Made on first use, inside the item loop, so a bad credential fails like any item does.
		let visionatrix: Promise<Visionatrix> | undefined;
		const client = async () => await (visionatrix ??= visionatrixFor(this));
		if (handler === task.operations.runAndWait && byCallback.waitsByCallback(this)) return await byCallback.park.call(this, client);
		return await runForEachItem(this, async (itemIndex) => handler.execute.call(this, itemIndex, await client()), parameterNames);
	}

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await byCallback.resume.call(this);
	}
}
