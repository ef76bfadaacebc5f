// The four action nodes driven through their real classes with the n8n context stand-ins
// (n8nContext.ts): the credentials each provider's node takes for a simulator's address, and one
// execute() call. Shared by the integration tests (test/integration/<provider>/nodeSetup.ts), the
// reliability tests and the chaos run (bench/chaos/); no jest here.
import type { ICredentialDataDecryptedObject, IDataObject, IExecuteFunctions, IHttpRequestOptions, INodeExecutionData, IPollFunctions } from 'n8n-workflow';

import { FlowscaleRun } from '../../nodes/FlowscaleRun/FlowscaleRun.node.ts';
import { InvokeAiWorkflow } from '../../nodes/InvokeAiWorkflow/InvokeAiWorkflow.node.ts';
import { PetPortrait } from '../../nodes/PetPortrait/PetPortrait.node.ts';
import { VisionatrixTask } from '../../nodes/VisionatrixTask/VisionatrixTask.node.ts';
import type { ContextOptions, ParameterValue } from './n8nContext.ts';
import { executeContext, pollContext } from './n8nContext.ts';
import type { NodeClass } from './registry.ts';
import { nodeTypeOf } from './registry.ts';

export type ActionNodeName = 'visionatrix' | 'flowscale' | 'petPortrait' | 'invokeai';

interface ActionNode {
	execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]>;
}

const NODES: Record<ActionNodeName, { node: ActionNode; type: string }> = {
	visionatrix: { node: new VisionatrixTask(), type: nodeTypeOf(VisionatrixTask) },
	flowscale: { node: new FlowscaleRun(), type: nodeTypeOf(FlowscaleRun) },
	petPortrait: { node: new PetPortrait(), type: nodeTypeOf(PetPortrait) },
	invokeai: { node: new InvokeAiWorkflow(), type: nodeTypeOf(InvokeAiWorkflow) },
};

/** Visionatrix: no authentication, or HTTP Basic. */
export function visionatrixCredentials(url: string, auth?: { user: string; password: string }): ICredentialDataDecryptedObject {
	return auth ? { baseUrl: url, authentication: 'basicAuth', user: auth.user, password: auth.password } : { baseUrl: url, authentication: 'none' };
}

/** Flowscale: the deployment's API key; a trailing slash, as a user may paste it: it must not give `//api`. */
export function flowscaleCredentials(url: string, apiKey: string, extra: ICredentialDataDecryptedObject = {}): ICredentialDataDecryptedObject {
	return { baseUrl: `${url}/`, apiKey, ignoreSslIssues: false, ...extra };
}

/** Pet Portrait and InvokeAI: no authentication; a trailing slash, as a user may paste it: it must not give `//api`. */
export function openCredentials(url: string, extra: ICredentialDataDecryptedObject = {}): ICredentialDataDecryptedObject {
	return { baseUrl: `${url}/`, authentication: 'none', ignoreSslIssues: false, ...extra };
}

export interface ActionNodeRun {
	output: INodeExecutionData[];
	logs: string[];
	/** Every request the node sent through n8n's helpers, as the credential left it. */
	requests: IHttpRequestOptions[];
}

/** One execute() of a provider's action node with these credentials and parameters (first output). */
export async function runActionNode(
	name: ActionNodeName,
	credentials: ICredentialDataDecryptedObject,
	parameters: Record<string, ParameterValue>,
	extra: Partial<ContextOptions> = {},
): Promise<ActionNodeRun> {
	const { node, type } = NODES[name];
	const { context, recorder } = executeContext({ nodeType: type, credentials, parameters, ...extra });
	const [output] = await node.execute.call(context);
	return { output, logs: recorder.logs, requests: recorder.requests };
}

interface PollingNode {
	poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null>;
}

/**
 * One poll of a trigger node with the given static data (its cursor) and parameters: `fired` is
 * its first output, or null when nothing fired.
 */
export async function pollTriggerNode(
	trigger: PollingNode,
	credentials: ICredentialDataDecryptedObject,
	staticData: IDataObject,
	parameters: Record<string, unknown>,
	mode: 'trigger' | 'manual' = 'trigger',
): Promise<{ fired: INodeExecutionData[] | null; logs: string[] }> {
	const { context, recorder } = pollContext({
		nodeType: nodeTypeOf(trigger.constructor as NodeClass),
		credentials,
		parameters: { includeFailures: false, options: {}, ...parameters },
		staticData,
		mode,
	});
	const result = await trigger.poll.call(context);
	return { fired: result ? result[0] : null, logs: recorder.logs };
}

/** The bytes of a binary property of an output item (the context keeps them in the item, base64). */
export function binaryBytes(item: INodeExecutionData, property = 'data'): Buffer {
	return Buffer.from(item.binary![property].data, 'base64');
}
