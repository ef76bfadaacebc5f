import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { InputError } from '../../../shared/core/errors.ts';
import type { Visionatrix } from '../../../shared/providers/visionatrix/api.ts';
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

interface RunOptions extends SubmitOptions {
	deleteAfterDownload?: boolean;
	includeWorkflow?: boolean;
	binaryPropertyName?: string;
	timeout?: number;
}

export async function execute(this: IExecuteFunctions, itemIndex: number, visionatrix: Visionatrix): Promise<INodeExecutionData[]> {
	const options = this.getNodeParameter('options', itemIndex, {}) as RunOptions;
	const signal = cancelSignalOf(this);
	const timeoutSeconds = options.timeout ?? 600;
	if (!(timeoutSeconds > 0)) throw new InputError('timeout', `The timeout must be more than 0 seconds; got ${timeoutSeconds}.`);
	const binaryProperty = binaryPropertyName(options.binaryPropertyName);

	const { flow, input } = await readSubmission(this, itemIndex, visionatrix, options, signal);
	const finished = await visionatrix.runFlow(flow, input, {
		timeoutMs: timeoutSeconds * 1000,
		signal,
		onProgress: (progress, task) =>
			this.logger.debug(`Visionatrix task ${task.task_id}: ${progress.phase} ${progress.progress?.toFixed(1) ?? ''} %`),
	});

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
				binary: { [binaryProperty]: await toBinaryData(this, file) },
			});
		}
		if (options.deleteAfterDownload) await visionatrix.deleteTask(task.task_id, signal);
	}
	return results;
}
