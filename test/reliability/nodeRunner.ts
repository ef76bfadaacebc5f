// Runs a provider's action node (its real class, from the integration tests' setups) with any
// credential, parameters and items, and returns the node error it ends with, or its output.
import type { ICredentialDataDecryptedObject, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { ContextOptions, ParameterValue } from '../helpers/n8nContext.ts';
import { executeContext } from '../helpers/n8nContext.ts';
import { nodeTypeOf } from '../helpers/registry.ts';
import { node as flowscaleNode } from '../integration/flowscale/nodeSetup.ts';
import { node as invokeaiNode } from '../integration/invokeai/nodeSetup.ts';
import { node as petPortraitNode } from '../integration/petPortrait/nodeSetup.ts';
import { node as visionatrixNode } from '../integration/visionatrix/setup.ts';
import type { Provider } from './world.ts';

const NODES = { visionatrix: visionatrixNode, flowscale: flowscaleNode, petPortrait: petPortraitNode, invokeai: invokeaiNode };

export interface NodeCall {
	credentials: ICredentialDataDecryptedObject;
	parameters: Record<string, ParameterValue>;
	items?: INodeExecutionData[];
	extra?: Partial<ContextOptions>;
}

export interface NodeOutcome {
	output?: INodeExecutionData[];
	error?: NodeApiError | NodeOperationError;
	/** Anything else the node threw: never right, n8n would show it as an unexplained failure. */
	unexpected?: unknown;
	/** Every line the node logged through n8n's logger. */
	logs: string[];
}

export async function callNode(provider: Provider, call: NodeCall): Promise<NodeOutcome> {
	const node = NODES[provider];
	const { context, recorder } = executeContext({
		nodeType: nodeTypeOf(node.constructor as Parameters<typeof nodeTypeOf>[0]),
		credentials: call.credentials,
		parameters: call.parameters,
		items: call.items,
		...call.extra,
	});
	try {
		const [output] = await node.execute.call(context);
		return { output, logs: recorder.logs };
	} catch (error) {
		if (error instanceof NodeApiError || error instanceof NodeOperationError) return { error, logs: recorder.logs };
		return { unexpected: error, logs: recorder.logs };
	}
}
