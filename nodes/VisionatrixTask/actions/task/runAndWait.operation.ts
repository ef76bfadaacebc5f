import type { IExecuteFunctions, INodeExecutionData, INodeProperties, IWebhookFunctions } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { InputError } from '../../../shared/core/errors.ts';
import type { FinishedTask, Visionatrix } from '../../../shared/providers/visionatrix/api.ts';
import { toBinaryData } from '../../../shared/n8n/binary.ts';
import { cancelSignalOf } from '../../../shared/n8n/env.ts';
import { taskJson } from '../../../shared/n8n/visionatrix.ts';
import { binaryPropertyField, includeWorkflowField } from '../../descriptions.ts';
import { binaryPropertyName } from '../../readParameters.ts';
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
			{
				displayName: 'Timeout (Seconds)',
				name: 'timeout',
				type: 'number',
				default: 600,
				typeOptions: { minValue: 1 },
				description: 'How long to wait for the task; when it runs out the task is deleted on the server and the item fails',
			},
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

export async function execute(this: IExecuteFunctions, itemIndex: number, visionatrix: Visionatrix): Promise<INodeExecutionData[]> {
	const options = this.getNodeParameter('options', itemIndex, {}) as RunOptions;
	const signal = cancelSignalOf(this);
	const timeoutMs = readTimeoutMs(options);

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

export function readTimeoutMs(options: RunOptions): number {
	const timeoutSeconds = options.timeout ?? 600;
	if (!(timeoutSeconds > 0)) throw new InputError('timeout', `The timeout must be more than 0 seconds; got ${timeoutSeconds}.`);
	return timeoutSeconds * 1000;
}

/** One item per output file (the task JSON plus `file`, the file in the binary field); the same for both wait modes. */
export async function finishedTaskItems(
	context: IExecuteFunctions | IWebhookFunctions,
	visionatrix: Visionatrix,
	finished: FinishedTask[],
	options: RunOptions,
	signal?: AbortSignal,
): Promise<INodeExecutionData[]> {
	const binaryProperty = binaryPropertyName(options.binaryPropertyName);
	const results: INodeExecutionData[] = [];
	for (const { task, files } of finished) {
		const json = taskJson(task, options.includeWorkflow);
		if (files.length === 0) results.push({ json });
		for (const file of files) {
			results.push({
				json: {
					...json,
					file: {
						fileName: file.fileName,
						mimeType: file.mimeType,
						fileSize: file.data.byteLength,
						nodeId: file.nodeId,
						batchIndex: file.batchIndex,
						outputType: file.outputType,
					},
				},
				binary: { [binaryProperty]: await toBinaryData(context, file) },
			});
		}
		if (options.deleteAfterDownload) await visionatrix.deleteTask(task.task_id, signal);
	}
	return results;
}
