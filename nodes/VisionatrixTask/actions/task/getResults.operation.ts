import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { Visionatrix } from '../../../shared/providers/visionatrix/api.ts';
import type { ItemContext } from '../../../shared/n8n/router.ts';
import { visionatrixJobs } from '../../../shared/providers/visionatrix/job.ts';
import { jobItems } from '../../../shared/n8n/jobItems.ts';
import { readTaskId } from '../../readParameters.ts';
import { binaryPropertyField, binaryPropertyName } from '../../../shared/n8n/fields.ts';
import { taskIdField } from '../../descriptions.ts';

const properties: INodeProperties[] = [taskIdField, binaryPropertyField];

export const description = updateDisplayOptions({ show: { resource: ['task'], operation: ['getResults'] } }, properties);

/** One item per file, every output node and batch index (the shared convention, see jobItems). The task must have finished. */
export async function execute(this: IExecuteFunctions, { itemIndex, client: visionatrix, signal }: ItemContext<Visionatrix>): Promise<INodeExecutionData[]> {
	const taskId = readTaskId(this, itemIndex);
	const binaryProperty = binaryPropertyName(this.getNodeParameter('binaryPropertyName', itemIndex, 'data'));
	const jobs = visionatrixJobs(visionatrix);
	const task = await visionatrix.getTask(taskId, signal);
	return await jobItems(this, jobs, [{ job: task, files: await jobs.results(task, signal) }], { binaryProperty });
}
