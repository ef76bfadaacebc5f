import type { IDataObject } from 'n8n-workflow';

import { VisionatrixApi } from '../../../credentials/VisionatrixApi.credentials.ts';
import { InputError } from '../core/errors.ts';
import { Visionatrix } from '../providers/visionatrix/api.ts';
import type { TaskDetails, TaskShort } from '../providers/visionatrix/schemas.ts';
import { n8nEnv } from './env.ts';
import type { RequestContext } from './transport.ts';

export const VISIONATRIX_CREDENTIAL = 'visionatrixApi';
const credentialType = new VisionatrixApi();

/** A Visionatrix client that sends through the node's credential. */
export async function visionatrixFor(context: RequestContext): Promise<Visionatrix> {
	const credentials = await context.getCredentials(VISIONATRIX_CREDENTIAL);
	const baseUrl = String(credentials.baseUrl ?? '').trim();
	if (!/^https?:\/\/[^/]+/i.test(baseUrl)) {
		throw new InputError('baseUrl', `The credential's Base URL must start with http:// or https://; got "${baseUrl}".`);
	}
	const env = n8nEnv(context, VISIONATRIX_CREDENTIAL, {
		skipSslCertificateValidation: credentials.ignoreSslIssues === true,
		authenticate: async (requestOptions) => await credentialType.authenticate(credentials, requestOptions),
	});
	return new Visionatrix({ baseUrl, env });
}

/** A task as n8n JSON; the generated ComfyUI graph (`flow_comfy`, often 10+ KB) only on request. */
export function taskJson(task: TaskDetails | TaskShort, includeWorkflow = false): IDataObject {
	const { flow_comfy: workflowGraph, ...rest } = task as TaskDetails;
	return (includeWorkflow && workflowGraph ? { ...rest, flow_comfy: workflowGraph } : rest) as IDataObject;
}
