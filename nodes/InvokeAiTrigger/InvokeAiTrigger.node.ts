import type { IDataObject, INodeExecutionData, INodeType, INodeTypeDescription, IPollFunctions } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { invokeaiJobs } from '../shared/providers/invokeai/job.ts';
import { itemSummary } from '../shared/providers/invokeai/queueItem.ts';
import type { OutputSelection } from '../shared/providers/invokeai/outputs.ts';
import { binaryPropertyField, binaryPropertyName } from '../shared/n8n/fields.ts';
import { pollFinishedJobs } from '../shared/n8n/trigger.ts';
import { invokeaiFor } from '../InvokeAiWorkflow/client.ts';

interface TriggerOptions {
	origin?: string;
	destination?: string;
	downloadResults?: boolean;
	outputs?: OutputSelection;
	binaryPropertyName?: string;
}

export class InvokeAiTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'InvokeAI Trigger',
		name: 'invokeAiTrigger',
		icon: { light: 'file:../../icons/invokeai.svg', dark: 'file:../../icons/invokeai.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["options"]["origin"] ? "Items from " + $parameter["options"]["origin"] : "All queue items"}}',
		description: 'Starts the workflow when an InvokeAI queue item finishes',
		defaults: { name: 'InvokeAI Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'invokeAiApi', required: true }],
		properties: [
			{
				displayName: 'Include Failed Items',
				name: 'includeFailures',
				type: 'boolean',
				default: false,
				description: 'Whether to fire for queue items that failed or were cancelled too ("status" is then "failed", and "queueStatus" says "failed" or "canceled")',
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{
						displayName: 'Destination',
						name: 'destination',
						type: 'string',
						default: '',
						placeholder: 'e.g. gallery',
						description: 'Only items of batches with this destination',
					},
					{
						displayName: 'Download Images',
						name: 'downloadResults',
						type: 'boolean',
						default: false,
						description: 'Whether to attach the output images of each completed item as binary data, one item per image',
					},
					{
						displayName: 'Origin',
						name: 'origin',
						type: 'string',
						default: '',
						placeholder: 'e.g. workflows',
						description: 'Only items of batches from this origin (InvokeAI\'s UI queues "workflows", "canvas" …; the InvokeAI node "n8n")',
					},
					{
						displayName: 'Outputs',
						name: 'outputs',
						type: 'options',
						options: [
							{ name: 'All Images', value: 'all', description: 'Every image the item made' },
							{ name: 'Output Nodes', value: 'output-nodes', description: 'The images of the workflow\'s output nodes' },
						],
						default: 'output-nodes',
						description: 'Which images to download',
					},
					binaryPropertyField,
				],
			},
		],
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const options = this.getNodeParameter('options', {}) as TriggerOptions;
		const invokeai = await invokeaiFor(this);
		const filter = { origin: options.origin?.trim() || undefined, destination: options.destination?.trim() || undefined };
		return await pollFinishedJobs(this, invokeaiJobs(invokeai, { filter, outputs: options.outputs }), {
			includeFailures: this.getNodeParameter('includeFailures', false) as boolean,
			downloadResults: options.downloadResults === true,
			binaryProperty: binaryPropertyName(options.binaryPropertyName),
			// `status` is the shared succeeded/failed; InvokeAI's own (completed, failed, canceled) stays as `queueStatus`.
			json: (item) => ({ ...itemSummary(item), queueStatus: item.status }) as IDataObject,
		});
	}
}
