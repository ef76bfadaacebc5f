import type { ILoadOptionsFunctions, INodeExecutionData, INodePropertyOptions, INodeType, INodeTypeDescription, IPollFunctions } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { visionatrixJobs } from '../shared/providers/visionatrix/job.ts';
import { toNodeError } from '../shared/n8n/errors.ts';
import { pollFinishedJobs } from '../shared/n8n/trigger.ts';
import { visionatrixFor } from '../VisionatrixTask/client.ts';
import { flowOptions } from '../VisionatrixTask/methods/flows.ts';
import { binaryPropertyName } from '../shared/n8n/fields.ts';

interface TriggerOptions {
	allGroups?: boolean;
	groupScope?: number;
	downloadResults?: boolean;
	binaryPropertyName?: string;
}

export class VisionatrixTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Visionatrix Trigger',
		name: 'visionatrixTrigger',
		icon: { light: 'file:../../icons/visionatrix.svg', dark: 'file:../../icons/visionatrix.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["flowName"] ? "Tasks of " + $parameter["flowName"] : "All tasks"}}',
		description: 'Starts the workflow when a Visionatrix task finishes',
		defaults: { name: 'Visionatrix Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'visionatrixApi', required: true }],
		properties: [
			{
				displayName: 'Flow Name or ID',
				name: 'flowName',
				type: 'options',
				typeOptions: { loadOptionsMethod: 'getFlowNames' },
				default: '',
				description:
					'Only tasks of this flow. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
			},
			{
				displayName: 'Include Failed Tasks',
				name: 'includeFailures',
				type: 'boolean',
				default: false,
				description: 'Whether to fire for tasks that ended with an error too (their "error" field says why)',
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{
						displayName: 'All Groups',
						name: 'allGroups',
						type: 'boolean',
						default: false,
						description: 'Whether to watch the tasks of every group scope instead of only one',
					},
					{
						displayName: 'Download Results',
						name: 'downloadResults',
						type: 'boolean',
						default: false,
						description: 'Whether to attach the result files of each finished task as binary data, one item per file',
					},
					{
						displayName: 'Group Scope',
						name: 'groupScope',
						type: 'number',
						default: 1,
						typeOptions: { minValue: 1, maxValue: 255 },
						description: 'Only tasks of this group scope',
					},
					{
						displayName: 'Put Output File in Field',
						name: 'binaryPropertyName',
						type: 'string',
						default: 'data',
						description: 'The binary field that holds the file, one item per file',
					},
				],
			},
		],
	};

	methods = {
		loadOptions: {
			async getFlowNames(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
				try {
					const flows = await flowOptions(await visionatrixFor(this));
					return [{ name: 'All Flows', value: '' }, ...flows];
				} catch (error) {
					throw toNodeError(this.getNode(), error, 0);
				}
			},
		},
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const flowName = (this.getNodeParameter('flowName', '') as string).trim();
		const options = this.getNodeParameter('options', {}) as TriggerOptions;
		const visionatrix = await visionatrixFor(this);
		const tasks = visionatrixJobs(visionatrix, { name: flowName || undefined, groupScope: options.allGroups ? 0 : options.groupScope });
		return await pollFinishedJobs(this, tasks, {
			includeFailures: this.getNodeParameter('includeFailures', false) as boolean,
			downloadResults: options.downloadResults === true,
			binaryProperty: binaryPropertyName(options.binaryPropertyName),
		});
	}
}
