import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { Visionatrix } from '../../../shared/providers/visionatrix/api.ts';
import type { ItemContext } from '../../../shared/n8n/router.ts';
import { toBinaryData } from '../../../shared/n8n/binary.ts';
import { readTaskId } from '../../readParameters.ts';
import { binaryPropertyField, binaryPropertyName } from '../../../shared/n8n/fields.ts';
import { taskIdField } from '../../descriptions.ts';

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

export async function execute(this: IExecuteFunctions, { itemIndex, client: visionatrix, signal }: ItemContext<Visionatrix>): Promise<INodeExecutionData[]> {
	const taskId = readTaskId(this, itemIndex);
	const inputIndex = this.getNodeParameter('inputIndex', itemIndex, 0) as number;
	const binaryProperty = binaryPropertyName(this.getNodeParameter('binaryPropertyName', itemIndex, 'data'));
	const file = await visionatrix.getInputFile(taskId, inputIndex, signal);
	return [
		{
			json: { task_id: taskId, inputIndex, fileName: file.fileName, mimeType: file.mimeType, fileSize: file.data.byteLength },
			binary: { [binaryProperty]: await toBinaryData(this, file) },
		},
	];
}
