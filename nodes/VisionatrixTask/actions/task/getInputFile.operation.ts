import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { Visionatrix } from '../../../shared/providers/visionatrix/api.ts';
import { toBinaryData } from '../../../shared/n8n/binary.ts';
import { binaryPropertyName, readTaskId } from '../../readParameters.ts';
import { cancelSignalOf } from '../../../shared/n8n/env.ts';
import { binaryPropertyField, taskIdField } from '../../descriptions.ts';

const properties: INodeProperties[] = [
	taskIdField,
	{
		displayName: 'Input Index',
		name: 'inputIndex',
		type: 'number',
		default: 0,
		typeOptions: { minValue: 0 },
		description: 'Which of the task\'s input files, counting from 0',
	},
	binaryPropertyField,
];

export const description = updateDisplayOptions({ show: { resource: ['task'], operation: ['getInputFile'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number, visionatrix: Visionatrix): Promise<INodeExecutionData[]> {
	const taskId = readTaskId(this, itemIndex);
	const inputIndex = this.getNodeParameter('inputIndex', itemIndex, 0) as number;
	const binaryProperty = binaryPropertyName(this.getNodeParameter('binaryPropertyName', itemIndex, 'data'));
	const file = await visionatrix.getInputFile(taskId, inputIndex, cancelSignalOf(this));
	return [
		{
			json: { task_id: taskId, inputIndex, fileName: file.fileName, mimeType: file.mimeType, fileSize: file.data.byteLength },
			binary: { [binaryProperty]: await toBinaryData(this, file) },
		},
	];
}
