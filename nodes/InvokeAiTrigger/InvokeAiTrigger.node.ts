import type { IDataObject, ILoadOptionsFunctions, INodeExecutionData, INodePropertyOptions, INodeType, INodeTypeDescription, IPollFunctions } from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { boardImageJobs } from '../shared/providers/invokeai/boardImages.ts';
import { invokeaiJobs } from '../shared/providers/invokeai/job.ts';
import { itemSummary } from '../shared/providers/invokeai/queueItem.ts';
import type { OutputSelection } from '../shared/providers/invokeai/outputs.ts';
import { binaryPropertyField, binaryPropertyName } from '../shared/n8n/fields.ts';
import { pollFinishedJobs } from '../shared/n8n/trigger.ts';
import { invokeaiFor } from '../InvokeAiWorkflow/client.ts';

type Watch = 'queueItems' | 'boardImages';

interface BoardOptions {
	downloadResults?: boolean;
	binaryPropertyName?: string;
}

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
		subtitle:
			'={{$parameter["watch"] === "boardImages" ? "New images on a board" : $parameter["options"]["origin"] ? "Items from " + $parameter["options"]["origin"] : "All queue items"}}',
		description: 'Starts the workflow when an InvokeAI queue item finishes or a new image lands on a board',
		defaults: { name: 'InvokeAI Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'invokeAiApi', required: true }],
		properties: [
			{
				displayName: 'Watch',
				name: 'watch',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Completed Queue Items', value: 'queueItems', description: 'Fire once per queue item that finished' },
					{ name: 'New Board Images', value: 'boardImages', description: 'Fire once per new image on a board' },
				],
				default: 'queueItems',
			},
			{
				displayName: 'Board Name or ID',
				name: 'boardId',
				type: 'options',
				typeOptions: { loadOptionsMethod: 'getBoards' },
				required: true,
				default: '',
				displayOptions: { show: { watch: ['boardImages'] } },
				description:
					'The board whose new images fire the trigger ("none" for images on no board). Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
			},
			{
				displayName: 'Options',
				name: 'boardOptions',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				displayOptions: { show: { watch: ['boardImages'] } },
				options: [
					{
						displayName: 'Download Images',
						name: 'downloadResults',
						type: 'boolean',
						default: false,
						description: 'Whether to attach each new image as binary data',
					},
					binaryPropertyField,
				],
			},
			{
				displayName: 'Include Failed Items',
				name: 'includeFailures',
				type: 'boolean',
				default: false,
				displayOptions: { show: { watch: ['queueItems'] } },
				description: 'Whether to fire for queue items that failed or were cancelled too ("status" is then "failed", and "queueStatus" says "failed" or "canceled")',
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				displayOptions: { show: { watch: ['queueItems'] } },
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

	methods = {
		loadOptions: {
			/** The server's boards (archived ones too), by name, and "none" for images on no board. */
			async getBoards(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
				const invokeai = await invokeaiFor(this);
				const boards = await invokeai.listBoards({ includeArchived: true });
				return [
					...boards
						.map((board) => ({ name: board.archived ? `${board.board_name} (archived)` : board.board_name, value: board.board_id }))
						.sort((a, b) => a.name.localeCompare(b.name)),
					{ name: '(No Board)', value: 'none' },
				];
			},
		},
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		if ((this.getNodeParameter('watch', 'queueItems') as Watch) === 'boardImages') {
			const boardId = String(this.getNodeParameter('boardId', '') ?? '').trim();
			if (!boardId) throw new NodeOperationError(this.getNode(), 'Choose the board whose new images fire the trigger.');
			const options = this.getNodeParameter('boardOptions', {}) as BoardOptions;
			const invokeai = await invokeaiFor(this);
			return await pollFinishedJobs(this, boardImageJobs(invokeai, { boardId }), {
				includeFailures: false,
				downloadResults: options.downloadResults === true,
				binaryProperty: binaryPropertyName(options.binaryPropertyName),
			});
		}
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
