// Workflow and credential JSON for the CLI imports: the examples exactly as users import them,
// bound to the test's credential, plus small ad-hoc workflows for the failure cases.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { VisionatrixSimulator } from '../../simulators/visionatrix/index.ts';
import { PROJECT_ROOT } from './install.ts';

export const CREDENTIAL_ID = 'e2eVisionatrix';
const CREDENTIAL_NAME = 'Visionatrix account';

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

export function visionatrixCredential(simulator: VisionatrixSimulator, auth?: { user: string; password: string }, id = CREDENTIAL_ID) {
	return {
		id,
		name: id === CREDENTIAL_ID ? CREDENTIAL_NAME : id,
		type: 'visionatrixApi',
		data: auth
			? { baseUrl: simulator.url, authentication: 'basicAuth', user: auth.user, password: auth.password, ignoreSslIssues: false }
			: { baseUrl: simulator.url, authentication: 'none', ignoreSslIssues: false },
	};
}

/**
 * An example from `examples/` with a workflow id and the test's credential; `replacements` swap
 * the values a user is told to set (a folder, a URL) in the JSON text.
 */
export function loadExample(fileName: string, id: string, replacements: Array<[string, string]> = []): WorkflowJson {
	let text = readFileSync(join(PROJECT_ROOT, 'examples', fileName), 'utf8');
	for (const [from, to] of replacements) {
		if (!text.includes(from)) throw new Error(`examples/${fileName} does not contain "${from}"`);
		text = text.split(from).join(to);
	}
	const workflow = { ...(JSON.parse(text) as Omit<WorkflowJson, 'id'>), id };
	for (const node of workflow.nodes) {
		if (node.credentials?.visionatrixApi) node.credentials.visionatrixApi = { id: CREDENTIAL_ID, name: CREDENTIAL_NAME };
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
		type: 'n8n-nodes-genflows.visionatrixTask',
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
		credentials: { visionatrixApi: { id: CREDENTIAL_ID, name: CREDENTIAL_NAME } },
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
