import type {
	IBinaryData,
	IDataObject,
	ILoadOptionsFunctions,
	INodeExecutionData,
	INodePropertyOptions,
	INodeType,
	INodeTypeDescription,
	IPollFunctions,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import type { FinishCursor } from '../shared/core/finishCursor.ts';
import { advanceCursor, startCursor } from '../shared/core/finishCursor.ts';
import type { Visionatrix } from '../shared/providers/visionatrix/api.ts';
import type { TaskShort } from '../shared/providers/visionatrix/schemas.ts';
import { taskStatus } from '../shared/providers/visionatrix/taskState.ts';
import { toBinaryData } from '../shared/n8n/binary.ts';
import { toNodeError } from '../shared/n8n/errors.ts';
import { taskJson, visionatrixFor } from '../shared/n8n/visionatrix.ts';

interface TriggerOptions {
	allGroups?: boolean;
	groupScope?: number;
	downloadResults?: boolean;
	binaryPropertyName?: string;
}

interface TriggerState {
	cursor?: FinishCursor;
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
						description: 'Whether to attach the result files of each finished task as binary data',
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
						displayName: 'Put Output Files in Field',
						name: 'binaryPropertyName',
						type: 'string',
						default: 'data',
						description: 'Binary field of the first file; further files go to the same name with _1, _2, …',
					},
				],
			},
		],
	};

	methods = {
		loadOptions: {
			async getFlowNames(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
				try {
					const flows = await (await visionatrixFor(this)).listInstalledFlows();
					return [
						{ name: 'All Flows', value: '' },
						...flows
							.map((flow) => ({ name: flow.display_name, value: flow.name }))
							.sort((a, b) => a.name.localeCompare(b.name)),
					];
				} catch (error) {
					throw toNodeError(this.getNode(), error, 0);
				}
			},
		},
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const flowName = (this.getNodeParameter('flowName', '') as string).trim();
		const includeFailures = this.getNodeParameter('includeFailures', false) as boolean;
		const options = this.getNodeParameter('options', {}) as TriggerOptions;
		const state = this.getWorkflowStaticData('node') as TriggerState;

		try {
			const visionatrix = await visionatrixFor(this);
			const tasks = (await visionatrix.listTasks({
				name: flowName || undefined,
				groupScope: options.allGroups ? 0 : options.groupScope,
				onlyParent: true,
			})) as TaskShort[];
			const jobs = tasks.map((task) => ({ id: task.task_id, phase: taskStatus(task).phase }));

			let finishedIds: number[] = [];
			let nextCursor = state.cursor;
			if (this.getMode() === 'manual') {
				// A sample for the editor: the newest finished task, without touching the cursor.
				const newest = jobs.filter((job) => job.phase === 'succeeded' || (includeFailures && job.phase === 'failed')).pop();
				finishedIds = newest ? [newest.id] : [];
			} else if (!state.cursor) {
				nextCursor = startCursor(jobs, includeFailures);
			} else {
				const advanced = advanceCursor(state.cursor, jobs, includeFailures);
				nextCursor = advanced.cursor;
				finishedIds = advanced.finished.map((job) => job.id);
			}

			const byId = new Map(tasks.map((task) => [task.task_id, task]));
			const items: INodeExecutionData[] = [];
			for (const taskId of finishedIds) {
				const task = byId.get(taskId) as TaskShort;
				items.push(await taskItem(this, visionatrix, task, options));
			}
			// Moved only once every item is built: a failed download leaves the tasks for the next poll.
			state.cursor = nextCursor;
			return items.length > 0 ? [items] : null;
		} catch (error) {
			throw toNodeError(this.getNode(), error, 0);
		}
	}
}

async function taskItem(
	context: IPollFunctions,
	visionatrix: Visionatrix,
	task: TaskShort,
	options: TriggerOptions,
): Promise<INodeExecutionData> {
	const json: IDataObject = { ...taskJson(task), status: taskStatus(task).phase };
	if (!options.downloadResults || taskStatus(task).phase !== 'succeeded') return { json };
	const prefix = options.binaryPropertyName?.trim() || 'data';
	const binary: Record<string, IBinaryData> = {};
	const files = await visionatrix.downloadAllResults(task);
	for (const [index, file] of files.entries()) {
		binary[index === 0 ? prefix : `${prefix}_${index}`] = await toBinaryData(context, file);
	}
	return { json: { ...json, files: files.map((file) => file.fileName) }, binary };
}
