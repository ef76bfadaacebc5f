import type { IDataObject } from 'n8n-workflow';

import { VisionatrixApi } from '../../../credentials/VisionatrixApi.credentials.ts';
import { InputError } from '../core/errors.ts';
import { checkBaseUrl } from '../core/urls.ts';
import { Visionatrix, VISIONATRIX_ADDRESS_RULES } from '../providers/visionatrix/api.ts';
import type { TaskDetails, TaskShort } from '../providers/visionatrix/schemas.ts';
import { n8nEnv } from './env.ts';
import type { RequestContext } from './transport.ts';

export const VISIONATRIX_CREDENTIAL = 'visionatrixApi';
const credentialType = new VisionatrixApi();

/** A Visionatrix client that sends through the node's credential. */
export async function visionatrixFor(context: RequestContext): Promise<Visionatrix> {
	const credentials = await context.getCredentials(VISIONATRIX_CREDENTIAL);
	const { url: baseUrl, userInfo } = checkBaseUrl(String(credentials.baseUrl ?? ''), VISIONATRIX_ADDRESS_RULES);
	if (userInfo) {
		// n8n stores the Base URL as plain text and shows it in the editor: a password belongs in the credential's own fields.
		throw new InputError('baseUrl', 'The credential\'s Base URL holds a user name or password: remove it and choose Authentication "Basic Auth" with User and Password instead.');
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
