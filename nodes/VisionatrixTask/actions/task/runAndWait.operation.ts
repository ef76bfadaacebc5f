import type { IExecuteFunctions, INodeExecutionData, INodeProperties, IWebhookFunctions } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { FinishedTask, Visionatrix } from '../../../shared/providers/visionatrix/api.ts';
import type { ItemContext } from '../../../shared/n8n/router.ts';
import { visionatrixJobs } from '../../../shared/providers/visionatrix/job.ts';
import { jobItems } from '../../../shared/n8n/jobItems.ts';
import { taskJson } from '../../client.ts';
import { binaryPropertyField, binaryPropertyName, readTimeoutMs, timeoutField } from '../../../shared/n8n/fields.ts';
import { includeWorkflowField } from '../../descriptions.ts';
import type { SubmitOptions } from '../../taskInputParameters.ts';
import { readSubmission, submitOptions, taskInputProperties } from '../../taskInputParameters.ts';

const properties: INodeProperties[] = [
	...taskInputProperties,
	{
		displayName: 'Wait By',
		name: 'waitMode',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Polling',
				value: 'poll',
				description: 'Check the task from n8n until it finishes; the execution holds a worker all that time',
			},
			{
				name: 'Callback (Frees the Worker)',
				value: 'callback',
				description: 'The execution is parked until Visionatrix calls n8n back; one input item per execution',
			},
		],
		default: 'poll',
	},
	{
		displayName:
			'The Visionatrix server must reach this n8n\'s webhook URL (set N8N_WEBHOOK_URL / WEBHOOK_URL if n8n sits behind a proxy). While parked the execution holds no worker and survives a restart of n8n.',
		name: 'callbackNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { waitMode: ['callback'] } },
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			...submitOptions,
			{
				displayName: 'Delete Task After Download',
				name: 'deleteAfterDownload',
				type: 'boolean',
				default: false,
				description: 'Whether to delete the task and its files on the server once its results are downloaded (Visionatrix never cleans up by itself)',
			},
			includeWorkflowField,
			binaryPropertyField,
			timeoutField('task', 'is deleted on the server'),
		],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['task'], operation: ['runAndWait'] } }, properties);

export interface RunOptions extends SubmitOptions {
	deleteAfterDownload?: boolean;
	includeWorkflow?: boolean;
	binaryPropertyName?: string;
	timeout?: number;
}

export async function execute(this: IExecuteFunctions, { itemIndex, client: visionatrix, signal }: ItemContext<Visionatrix>): Promise<INodeExecutionData[]> {
	const options = this.getNodeParameter('options', itemIndex, {}) as RunOptions;
	const timeoutMs = readTimeoutMs(options.timeout);

	// The timeout bounds the whole run: the flow look-up, the submission, the wait and the downloads.
	const bounded = visionatrix.withDeadline(timeoutMs);
	const { flow, input } = await readSubmission(this, itemIndex, bounded, options, signal);
	const finished = await bounded.runFlow(flow, input, {
		timeoutMs,
		signal,
		onProgress: (progress, task) =>
			this.logger.debug(`Visionatrix task ${task.task_id}: ${progress.phase} ${progress.progress?.toFixed(1) ?? ''} %`),
	});
	return await finishedTaskItems(this, visionatrix, finished, options, signal);
}


/** One item per output file (the shared convention, see jobItems); the same for both wait modes. */
export async function finishedTaskItems(
	context: IExecuteFunctions | IWebhookFunctions,
	visionatrix: Visionatrix,
	finished: FinishedTask[],
	options: RunOptions,
	signal?: AbortSignal,
): Promise<INodeExecutionData[]> {
	const items = await jobItems(context, visionatrixJobs(visionatrix), finished, {
		binaryProperty: binaryPropertyName(options.binaryPropertyName),
		json: (task) => taskJson(task, options.includeWorkflow),
	});
	if (options.deleteAfterDownload) {
		for (const { job } of finished) await visionatrix.deleteTask(job.task_id, signal);
	}
	return items;
}
