import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { Visionatrix } from '../../../shared/providers/visionatrix/api.ts';
import { readTaskId } from '../../readParameters.ts';
import { cancelSignalOf } from '../../../shared/n8n/env.ts';
import { taskIdField } from '../../descriptions.ts';

export const description = updateDisplayOptions({ show: { resource: ['task'], operation: ['delete'] } }, [taskIdField]);

/** Deleting is also how Visionatrix cancels: the worker stops at its next progress write. */
export async function execute(this: IExecuteFunctions, itemIndex: number, visionatrix: Visionatrix): Promise<INodeExecutionData[]> {
	const taskId = readTaskId(this, itemIndex);
	await visionatrix.deleteTask(taskId, cancelSignalOf(this));
	return [{ json: { task_id: taskId, deleted: true } }];
}
