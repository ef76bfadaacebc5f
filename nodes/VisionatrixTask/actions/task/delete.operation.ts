import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { Visionatrix } from '../../../shared/providers/visionatrix/api.ts';
import type { ItemContext } from '../../../shared/n8n/router.ts';
import { readTaskId } from '../../readParameters.ts';
import { taskIdField } from '../../descriptions.ts';

export const description = updateDisplayOptions({ show: { resource: ['task'], operation: ['delete'] } }, [taskIdField]);

/** Deleting is also how Visionatrix cancels: the worker stops at its next progress write. */
export async function execute(this: IExecuteFunctions, { itemIndex, client: visionatrix, signal }: ItemContext<Visionatrix>): Promise<INodeExecutionData[]> {
	const taskId = readTaskId(this, itemIndex);
	await visionatrix.deleteTask(taskId, signal);
	return [{ json: { task_id: taskId, deleted: true } }];
}
