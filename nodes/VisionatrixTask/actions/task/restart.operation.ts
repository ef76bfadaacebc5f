import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { Visionatrix } from '../../../shared/providers/visionatrix/api.ts';
import type { ItemContext } from '../../../shared/n8n/router.ts';
import { readTaskId } from '../../readParameters.ts';
import { taskIdField } from '../../descriptions.ts';

const properties: INodeProperties[] = [
	taskIdField,
	{
		displayName: 'Force',
		name: 'force',
		type: 'boolean',
		default: false,
		description: 'Whether to restart a task that has no error (one that is stuck); a finished task cannot be restarted',
	},
];

export const description = updateDisplayOptions({ show: { resource: ['task'], operation: ['restart'] } }, properties);

export async function execute(this: IExecuteFunctions, { itemIndex, client: visionatrix, signal }: ItemContext<Visionatrix>): Promise<INodeExecutionData[]> {
	const taskId = readTaskId(this, itemIndex);
	const force = this.getNodeParameter('force', itemIndex, false) as boolean;
	await visionatrix.restartTask(taskId, force, signal);
	return [{ json: { task_id: taskId, restarted: true } }];
}
