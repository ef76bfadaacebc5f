import type { INodeExecutionData, INodeType, INodeTypeDescription, IPollFunctions } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { flowscaleJobs } from '../shared/providers/flowscale/job.ts';
import { binaryPropertyField, binaryPropertyName } from '../shared/n8n/fields.ts';
import { pollFinishedJobs } from '../shared/n8n/trigger.ts';
import { flowscaleFor } from '../FlowscaleRun/client.ts';

interface TriggerOptions {
	groupId?: string;
	downloadResults?: boolean;
	binaryPropertyName?: string;
}

export class FlowscaleTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Flowscale Trigger',
		name: 'flowscaleTrigger',
		icon: { light: 'file:../../icons/flowscale.svg', dark: 'file:../../icons/flowscale.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["options"]["groupId"] ? "Runs of group " + $parameter["options"]["groupId"] : "All runs"}}',
		description: 'Starts the workflow when a Flowscale run finishes',
		defaults: { name: 'Flowscale Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'flowscaleApi', required: true }],
		properties: [
			{
				displayName: 'Include Failed Runs',
				name: 'includeFailures',
				type: 'boolean',
				default: false,
				description: 'Whether to fire for runs that failed or were cancelled too (their "status" says which)',
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{
						displayName: 'Download Results',
						name: 'downloadResults',
						type: 'boolean',
						default: false,
						description: 'Whether to attach the output files of each completed run as binary data, one item per file',
					},
					{
						displayName: 'Group ID',
						name: 'groupId',
						type: 'string',
						default: '',
						description: 'Only runs started with this group ID',
					},
					binaryPropertyField,
				],
			},
		],
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const options = this.getNodeParameter('options', {}) as TriggerOptions;
		const flowscale = await flowscaleFor(this);
		return await pollFinishedJobs(this, flowscaleJobs(flowscale, { groupId: options.groupId?.trim() || undefined }), {
			includeFailures: this.getNodeParameter('includeFailures', false) as boolean,
			downloadResults: options.downloadResults === true,
			binaryProperty: binaryPropertyName(options.binaryPropertyName),
		});
	}
}
