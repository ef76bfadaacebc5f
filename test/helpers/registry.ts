// Every provider's credentials and nodes, written once: the n8n context helper looks credentials
// up here, and the end-to-end harness can take type names from here too. Plain TypeScript, no jest,
// so the harness and the Node-side tools (compiled by tsconfig.tools.json) can import it.
// test/unit/n8n/registry.test.ts checks it against package.json's `n8n` section.
import type { ICredentialType, INodeType } from 'n8n-workflow';

import { FlowscaleApi } from '../../credentials/FlowscaleApi.credentials.ts';
import { InvokeAiApi } from '../../credentials/InvokeAiApi.credentials.ts';
import { PetPortraitApi } from '../../credentials/PetPortraitApi.credentials.ts';
import { VisionatrixApi } from '../../credentials/VisionatrixApi.credentials.ts';
import { FlowscaleRun } from '../../nodes/FlowscaleRun/FlowscaleRun.node.ts';
import { FlowscaleTrigger } from '../../nodes/FlowscaleTrigger/FlowscaleTrigger.node.ts';
import { InvokeAiTrigger } from '../../nodes/InvokeAiTrigger/InvokeAiTrigger.node.ts';
import { InvokeAiWorkflow } from '../../nodes/InvokeAiWorkflow/InvokeAiWorkflow.node.ts';
import { PetPortrait } from '../../nodes/PetPortrait/PetPortrait.node.ts';
import { PetPortraitTrigger } from '../../nodes/PetPortraitTrigger/PetPortraitTrigger.node.ts';
import { VisionatrixTask } from '../../nodes/VisionatrixTask/VisionatrixTask.node.ts';
import { VisionatrixTrigger } from '../../nodes/VisionatrixTrigger/VisionatrixTrigger.node.ts';

/** package.json's `name`, which n8n puts before a node's name to make its type. */
export const PACKAGE_NAME = 'n8n-nodes-genflows';

export type CredentialClass = new () => ICredentialType;
export type NodeClass = new () => INodeType;

/** The classes n8n loads for one provider (package.json's `n8n.credentials` and `n8n.nodes`). */
export interface ProviderClasses {
	credentials: CredentialClass[];
	nodes: NodeClass[];
}

/** A new provider adds its line here. */
export const PROVIDERS = {
	visionatrix: { credentials: [VisionatrixApi], nodes: [VisionatrixTask, VisionatrixTrigger] },
	flowscale: { credentials: [FlowscaleApi], nodes: [FlowscaleRun, FlowscaleTrigger] },
	petPortrait: { credentials: [PetPortraitApi], nodes: [PetPortrait, PetPortraitTrigger] },
	invokeai: { credentials: [InvokeAiApi], nodes: [InvokeAiWorkflow, InvokeAiTrigger] },
} satisfies Record<string, ProviderClasses>;

export type ProviderId = keyof typeof PROVIDERS;

export interface RegisteredCredential {
	provider: ProviderId;
	/** The credential type name nodes ask for, e.g. `visionatrixApi`. */
	name: string;
	credentialClass: CredentialClass;
	credential: ICredentialType;
}

export interface RegisteredNode {
	provider: ProviderId;
	/** The node type as n8n names it in a workflow, e.g. `n8n-nodes-genflows.visionatrixTask`. */
	type: string;
	nodeClass: NodeClass;
	node: INodeType;
}

const providerIds = Object.keys(PROVIDERS) as ProviderId[];

export const CREDENTIALS: RegisteredCredential[] = providerIds.flatMap((provider) =>
	PROVIDERS[provider].credentials.map((credentialClass) => {
		const credential = new credentialClass();
		return { provider, name: credential.name, credentialClass, credential };
	}),
);

export const NODES: RegisteredNode[] = providerIds.flatMap((provider) =>
	PROVIDERS[provider].nodes.map((nodeClass) => {
		const node = new nodeClass();
		return { provider, type: `${PACKAGE_NAME}.${node.description.name}`, nodeClass, node };
	}),
);

/** The credential registered under `name` (any provider's); throws naming the known ones. */
export function registeredCredential(name: string): RegisteredCredential {
	const found = CREDENTIALS.find((entry) => entry.name === name);
	if (!found) throw new Error(`unknown credential type ${name} (registered: ${CREDENTIALS.map((entry) => entry.name).join(', ')})`);
	return found;
}

/** The node registered as `type` (`n8n-nodes-genflows.<name>`); throws naming the known ones. */
export function registeredNode(type: string): RegisteredNode {
	const found = NODES.find((entry) => entry.type === type);
	if (!found) throw new Error(`unknown node type ${type} (registered: ${NODES.map((entry) => entry.type).join(', ')})`);
	return found;
}

/** The type name n8n gives a node class of this package. */
export function nodeTypeOf(nodeClass: NodeClass): string {
	const found = NODES.find((entry) => entry.nodeClass === nodeClass);
	if (!found) throw new Error(`${nodeClass.name} is not in test/helpers/registry.ts`);
	return found.type;
}
