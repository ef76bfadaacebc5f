// Workflow and credential JSON for the CLI imports: the examples exactly as users import them,
// bound to the test's credential, plus small ad-hoc workflows for the failure cases.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { FlowscaleApi } from '../../../credentials/FlowscaleApi.credentials.ts';
import { InvokeAiApi } from '../../../credentials/InvokeAiApi.credentials.ts';
import { PetPortraitApi } from '../../../credentials/PetPortraitApi.credentials.ts';
import { VisionatrixApi } from '../../../credentials/VisionatrixApi.credentials.ts';
import { VisionatrixTask } from '../../../nodes/VisionatrixTask/VisionatrixTask.node.ts';
import { nodeTypeOf } from '../../helpers/registry.ts';
import { PROJECT_ROOT } from './install.ts';

export const CREDENTIAL_ID = 'e2eVisionatrix';
const CREDENTIAL_NAME = 'Visionatrix account';
/** Type names as n8n knows them, from the registry the unit tests check against package.json. */
const VISIONATRIX_CREDENTIAL = new VisionatrixApi().name;
const VISIONATRIX_TASK = nodeTypeOf(VisionatrixTask);
const FLOWSCALE_CREDENTIAL = new FlowscaleApi().name;
const PET_PORTRAIT_CREDENTIAL = new PetPortraitApi().name;
const INVOKEAI_CREDENTIAL = new InvokeAiApi().name;

/** Credential to put into each slot of an example, by credential type (e.g. `visionatrixApi`). */
export type CredentialBindings = Record<string, { id: string; name: string }>;

export interface CredentialJson {
	id: string;
	name: string;
	type: string;
	data: Record<string, unknown>;
}

export interface WorkflowJson {
	id: string;
	name: string;
	nodes: NodeJson[];
	connections: Record<string, unknown>;
	settings?: Record<string, unknown>;
}

export interface NodeJson {
	id: string;
	name: string;
	type: string;
	typeVersion: number;
	position: [number, number];
	parameters: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
	onError?: 'stopWorkflow' | 'continueRegularOutput' | 'continueErrorOutput';
	webhookId?: string;
}

/** A Visionatrix credential for a server (a simulator or a real one) at `server.url`. */
export function visionatrixCredential(
	server: { url: string },
	auth?: { user: string; password: string },
	id = CREDENTIAL_ID,
	name = id === CREDENTIAL_ID ? CREDENTIAL_NAME : id,
): CredentialJson {
	return {
		id,
		name,
		type: VISIONATRIX_CREDENTIAL,
		data: auth
			? { baseUrl: server.url, authentication: 'basicAuth', user: auth.user, password: auth.password, ignoreSslIssues: false }
			: { baseUrl: server.url, authentication: 'none', ignoreSslIssues: false },
	};
}

/** A Flowscale credential for a deployment (a simulator or a real one) at `server.url`. */
export function flowscaleCredential(server: { url: string }, apiKey: string, id: string, name = id): CredentialJson {
	return { id, name, type: FLOWSCALE_CREDENTIAL, data: { baseUrl: server.url, apiKey, ignoreSslIssues: false } };
}

/** A Pet Portrait credential for a server (a simulator or a real one) at `server.url`, without auth. */
export function petPortraitCredential(server: { url: string }, id: string, name = id): CredentialJson {
	return { id, name, type: PET_PORTRAIT_CREDENTIAL, data: { baseUrl: server.url, authentication: 'none', ignoreSslIssues: false } };
}

/** An InvokeAI credential for a single-user server (a simulator or a real one) at `server.url`. */
export function invokeAiCredential(server: { url: string }, id: string, name = id): CredentialJson {
	return { id, name, type: INVOKEAI_CREDENTIAL, data: { baseUrl: server.url, authentication: 'none', ignoreSslIssues: false } };
}

/**
 * An example from `examples/` with a workflow id and the test's credential (or `credentials`, by
 * type); `replacements` swap the values a user is told to set (a folder, a URL) in the JSON text.
 */
export function loadExample(
	fileName: string,
	id: string,
	replacements: Array<[string, string]> = [],
	credentials: CredentialBindings = { [VISIONATRIX_CREDENTIAL]: { id: CREDENTIAL_ID, name: CREDENTIAL_NAME } },
): WorkflowJson {
	let text = readFileSync(join(PROJECT_ROOT, 'examples', fileName), 'utf8');
	for (const [from, to] of replacements) {
		if (!text.includes(from)) throw new Error(`examples/${fileName} does not contain "${from}"`);
		text = text.split(from).join(to);
	}
	const workflow = { ...(JSON.parse(text) as Omit<WorkflowJson, 'id'>), id };
	for (const node of workflow.nodes) {
		for (const type of Object.keys(node.credentials ?? {})) {
			if (credentials[type]) node.credentials![type] = { ...credentials[type] };
		}
	}
	return workflow;
}

/** A linear workflow: the nodes in order, each feeding the next. */
export function linearWorkflow(id: string, nodes: Array<Omit<NodeJson, 'id' | 'position'>>): WorkflowJson {
	const placed = nodes.map((node, index) => ({ ...node, id: `${id}-${index}`, position: [index * 220, 0] as [number, number] }));
	const connections = Object.fromEntries(
		placed.slice(0, -1).map((node, index) => [node.name, { main: [[{ node: placed[index + 1].name, type: 'main', index: 0 }]] }]),
	);
	return { id, name: id, nodes: placed, connections, settings: { executionOrder: 'v1' } };
}

export const manualTrigger = { name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, parameters: {} };

/** A Run Flow and Wait node on the simulator's `sdxl_lighting` flow. */
export function generateImageNode(prompt: string, extra: Partial<NodeJson> = {}, options: Record<string, unknown> = {}): Omit<NodeJson, 'id' | 'position'> {
	return {
		name: 'Generate Image',
		type: VISIONATRIX_TASK,
		typeVersion: 1,
		parameters: {
			resource: 'task',
			operation: 'runAndWait',
			flow: { __rl: true, mode: 'list', value: 'sdxl_lighting' },
			flowInputs: {
				mappingMode: 'defineBelow',
				value: { prompt },
				matchingColumns: [],
				schema: [{ id: 'prompt', displayName: 'Prompt', required: true, defaultMatch: false, canBeUsedToMatch: false, display: true, type: 'string' }],
			},
			options,
		},
		credentials: { [VISIONATRIX_CREDENTIAL]: { id: CREDENTIAL_ID, name: CREDENTIAL_NAME } },
		...extra,
	};
}

/** A Set node that proves the workflow went on after our node (and what it saw). */
export function afterNode(name = 'After'): Omit<NodeJson, 'id' | 'position'> {
	return {
		name,
		type: 'n8n-nodes-base.set',
		typeVersion: 3.4,
		parameters: {
			assignments: { assignments: [{ id: 'seen', name: 'sawError', value: '={{ $json.error !== undefined }}', type: 'boolean' }] },
			includeOtherFields: true,
			options: {},
		},
	};
}
