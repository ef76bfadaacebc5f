import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { Visionatrix } from '../../../shared/providers/visionatrix/api.ts';
import type { ItemContext } from '../../../shared/n8n/router.ts';
import { readTaskId } from '../../readParameters.ts';
import { taskIdField } from '../../descriptions.ts';

const properties: INodeProperties[] = [
	taskIdField,
	{
		displayName: 'Priority',
		name: 'priority',
		type: 'number',
		default: 0,
		required: true,
		typeOptions: { minValue: 0, maxValue: 15 },
		description: 'New priority from 0 to 15; only a task that has not started can change',
	},
];

export const description = updateDisplayOptions({ show: { resource: ['task'], operation: ['setPriority'] } }, properties);

export async function execute(this: IExecuteFunctions, { itemIndex, client: visionatrix, signal }: ItemContext<Visionatrix>): Promise<INodeExecutionData[]> {
	const taskId = readTaskId(this, itemIndex);
	const priority = this.getNodeParameter('priority', itemIndex) as number;
	await visionatrix.setPriority(taskId, priority, signal);
	return [{ json: { task_id: taskId, priority } }];
}
