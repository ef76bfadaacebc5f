// The Visionatrix client both Visionatrix nodes use, and the task as their JSON.
import type { IDataObject } from 'n8n-workflow';

import type { TaskDetails, TaskShort } from '../shared/providers/visionatrix/schemas.ts';
import { Visionatrix, VISIONATRIX_ADDRESS_RULES } from '../shared/providers/visionatrix/api.ts';
import { taskSummary } from '../shared/providers/visionatrix/job.ts';
import { connectWithCredential } from '../shared/n8n/connect.ts';
import type { RequestContext } from '../shared/n8n/transport.ts';

export const VISIONATRIX_CREDENTIAL = 'visionatrixApi';

/** A Visionatrix client that sends through the node's credential. */
export async function visionatrixFor(context: RequestContext): Promise<Visionatrix> {
	const { baseUrl, env } = await connectWithCredential(context, VISIONATRIX_CREDENTIAL, VISIONATRIX_ADDRESS_RULES);
	return new Visionatrix({ baseUrl, env });
}

/** A task as n8n JSON; the generated ComfyUI graph (`flow_comfy`, often 10+ KB) only on request. */
export function taskJson(task: TaskDetails | TaskShort, includeWorkflow = false): IDataObject {
	const { flow_comfy: workflowGraph } = task as TaskDetails;
	return (includeWorkflow && workflowGraph ? { ...taskSummary(task), flow_comfy: workflowGraph } : taskSummary(task)) as IDataObject;
}
