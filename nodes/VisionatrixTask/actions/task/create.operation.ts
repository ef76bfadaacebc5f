import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { Visionatrix } from '../../../shared/providers/visionatrix/api.ts';
import type { ItemContext } from '../../../shared/n8n/router.ts';
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
		options: submitOptions,
	},
];

export const description = updateDisplayOptions({ show: { resource: ['task'], operation: ['create'] } }, properties);

/** Submits without waiting: one item per created task, to look up later with Get Task or Get Results. */
export async function execute(this: IExecuteFunctions, { itemIndex, client: visionatrix, signal }: ItemContext<Visionatrix>): Promise<INodeExecutionData[]> {
	const options = this.getNodeParameter('options', itemIndex, {}) as SubmitOptions;
	const { flow, input } = await readSubmission(this, itemIndex, visionatrix, options, signal);
	const created = await visionatrix.createTask(flow, input, signal);
	return created.tasks_ids.map((taskId) => ({
		json: { task_id: taskId, flow: flow.name, tasks_ids: created.tasks_ids, outputs: created.outputs },
	}));
}
