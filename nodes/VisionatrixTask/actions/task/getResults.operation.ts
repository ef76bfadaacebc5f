import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { Visionatrix } from '../../../shared/providers/visionatrix/api.ts';
import { toBinaryData } from '../../../shared/n8n/binary.ts';
import { binaryPropertyName, readTaskId } from '../../readParameters.ts';
import { cancelSignalOf } from '../../../shared/n8n/env.ts';
import { binaryPropertyField, taskIdField } from '../../descriptions.ts';

const properties: INodeProperties[] = [taskIdField, binaryPropertyField];

export const description = updateDisplayOptions({ show: { resource: ['task'], operation: ['getResults'] } }, properties);

/** One item per file: every output node, every batch index. The task must have finished. */
export async function execute(this: IExecuteFunctions, itemIndex: number, visionatrix: Visionatrix): Promise<INodeExecutionData[]> {
	const taskId = readTaskId(this, itemIndex);
	const binaryProperty = binaryPropertyName(this.getNodeParameter('binaryPropertyName', itemIndex, 'data'));
	const signal = cancelSignalOf(this);
	const task = await visionatrix.getTask(taskId, signal);
	const files = await visionatrix.downloadAllResults(task, signal);
	const results: INodeExecutionData[] = [];
	for (const file of files) {
		results.push({
			json: {
				task_id: task.task_id,
				flow: task.name,
				fileName: file.fileName,
				mimeType: file.mimeType,
				fileSize: file.data.byteLength,
				nodeId: file.nodeId,
				batchIndex: file.batchIndex,
				outputType: file.outputType,
			},
			binary: { [binaryProperty]: await toBinaryData(this, file) },
		});
	}
	return results;
}
