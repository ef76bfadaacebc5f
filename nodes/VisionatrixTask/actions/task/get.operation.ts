import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { Visionatrix } from '../../../shared/providers/visionatrix/api.ts';
import type { ItemContext } from '../../../shared/n8n/router.ts';
import { readTaskId } from '../../readParameters.ts';
import { taskJson } from '../../client.ts';
import { includeWorkflowField, taskIdField } from '../../descriptions.ts';

const properties: INodeProperties[] = [taskIdField, includeWorkflowField];

export const description = updateDisplayOptions({ show: { resource: ['task'], operation: ['get'] } }, properties);

export async function execute(this: IExecuteFunctions, { itemIndex, client: visionatrix, signal }: ItemContext<Visionatrix>): Promise<INodeExecutionData[]> {
	const taskId = readTaskId(this, itemIndex);
	const includeWorkflow = this.getNodeParameter('includeWorkflow', itemIndex, false) as boolean;
	const task = await visionatrix.getTask(taskId, signal);
	return [{ json: taskJson(task, includeWorkflow) }];
}
