// `POST /api/generate` and `POST /api/regenerate`: the session check, the workflow copy with the
// userInputs applied, the sibling's modifyWorkflow (every LoadImage replaced by the upload, every
// KSampler given a fresh random seed), the prompt queued on ComfyUI. A call while the session's
// prompt still runs queues another prompt, as the sibling does: the wrapper follows only the newest,
// the older one still runs on ComfyUI (ahead of it in the queue) with nobody listening.
import type { Reply } from '../shared/httpShell.ts';
import type { Comfy } from './comfy.ts';
import { PromptRejected } from './comfy.ts';
import { apiError, json } from './express.ts';
import type { ResolvedOptions } from './options.ts';
import type { Session, SessionStore } from './sessions.ts';
import type { ApiWorkflow, PromptRequest, UserInputsForm } from './types.ts';
import type { LoadedWorkflow } from './workflow.ts';
import { KSAMPLER_NODE } from './workflow.ts';

export interface GenerateContext {
	options: ResolvedOptions;
	loaded: LoadedWorkflow;
	store: SessionStore;
	comfy: Comfy;
	workflowLoaded(): boolean;
}

type Route = 'generate' | 'regenerate';

const STARTED: Record<Route, string> = { generate: 'Portrait generation started', regenerate: 'Portrait regeneration started' };

/** Applies userInputs in place; returns the ids of the nodes it touched. Unknown node ids are skipped. */
export function applyUserInputs(workflow: ApiWorkflow, userInputs: unknown, form: UserInputsForm): string[] {
	if (!userInputs) return [];
	const touched: string[] = [];
	for (const [nodeId, value] of Object.entries(userInputs as object)) {
		const node = workflow[nodeId];
		if (!node) continue;
		node.inputs ??= {};
		const isObject = typeof value === 'object' && value !== null && !Array.isArray(value);
		if (form === 'object' || (form === 'both' && isObject)) {
			// The sibling's loop: Object.entries of a string spreads its characters, of null throws (a 500).
			if (value === null || value === undefined) throw new TypeError('Cannot convert undefined or null to object');
			for (const [key, inner] of Object.entries(value as object)) node.inputs[key] = inner;
		} else {
			node.inputs.text = value;
		}
		touched.push(nodeId);
	}
	return touched;
}

/** The sibling's modifyWorkflow; returns the seed drawn for the main KSampler. */
function useUpload(workflow: ApiWorkflow, image: NonNullable<Session['imageData']>): number {
	const timestamp = Date.now();
	let seed = 0;
	for (const [nodeId, node] of Object.entries(workflow)) {
		if (node.class_type === 'LoadImage') {
			workflow[nodeId] = {
				class_type: 'LoadImage',
				_meta: node._meta || { title: 'Load Image' },
				inputs: { image: image.filename, upload: image.filename, timestamp: timestamp + Number.parseInt(nodeId, 10), ...(image.subfolder ? { subfolder: image.subfolder } : {}) },
			};
		}
		if ((node.class_type === 'KSampler' || node.class_type === 'KSamplerAdvanced') && !node.inputs?.seed_override) {
			const drawn = Math.floor(Math.random() * 4294967295);
			node.inputs = node.inputs || {};
			node.inputs.seed = drawn;
			if (nodeId === KSAMPLER_NODE || !seed) seed = drawn;
		}
	}
	return seed;
}

function textsOf(workflow: ApiWorkflow): Record<string, string> {
	const texts: Record<string, string> = {};
	for (const [id, node] of Object.entries(workflow)) {
		const text = node.inputs?.text;
		if (node.class_type === 'CLIPTextEncode' && (typeof text === 'string' || typeof text === 'number' || typeof text === 'boolean')) texts[id] = String(text);
	}
	return texts;
}

/** The session's fields as a prompt is queued for it. */
function startRun(session: Session, promptId: string, nodeCount: number, options: ResolvedOptions): void {
	session.promptId = promptId;
	session.status = 'processing';
	session.startTime = Date.now();
	session.progress = 0;
	session.executedNodes = new Set();
	session.nodeCount = nodeCount;
	if (options.statusStyle === 'doc') {
		// The doc's processing example: no result, endTime null, nothing running yet.
		session.resultImage = null;
		session.endTime = null;
		session.currentNode = null;
		session.message = null;
	}
}

export function generate(context: GenerateContext, route: Route, body: unknown): Reply {
	const { options, loaded, store, comfy } = context;
	// Checked first: without its workflow the server can do nothing for any session.
	if (!context.workflowLoaded()) return apiError(500, 'Workflow data not loaded');
	const { sessionId, userInputs } = (typeof body === 'object' && body !== null ? body : {}) as { sessionId?: unknown; userInputs?: unknown };
	const session = store.get(sessionId);
	if (!session) return apiError(400, 'Invalid or expired session');
	store.touch(session);

	const workflow = structuredClone(loaded.workflow);
	let touched: string[];
	try {
		touched = applyUserInputs(workflow, userInputs, options.userInputsForm);
	} catch (error) {
		return apiError(500, error instanceof Error ? error.message : String(error));
	}
	const seed = session.imageData ? useUpload(workflow, session.imageData) : Number(workflow[KSAMPLER_NODE]?.inputs.seed ?? 0);
	const texts = textsOf(workflow);
	const record = {
		route,
		userInputs: userInputs === undefined ? undefined : structuredClone(userInputs),
		texts,
		touched: Object.fromEntries(touched.map((id) => [id, structuredClone(workflow[id].inputs)])),
		seed,
		at: Date.now(),
	};
	const request: Omit<PromptRequest, 'promptId'> = { sessionId: session.id, route, userInputs: record.userInputs, texts, seed };

	let promptId: string;
	try {
		promptId = comfy.queuePrompt({ ...request, clientId: session.clientId, workflow, order: loaded.order }, (prompt) => {
			session.generates.push({ ...record, promptId: prompt.promptId });
			startRun(session, prompt.promptId, Object.keys(loaded.workflow).length, options);
		}).promptId;
	} catch (error) {
		if (!(error instanceof PromptRejected)) return apiError(500, error instanceof Error ? error.message : String(error));
		session.generates.push({ ...record, promptId: null });
		return apiError(500, 'Failed to queue prompt: Bad Request');
	}
	store.changed(session);
	return json(200, {
		success: true,
		sessionId,
		promptId,
		message: STARTED[route],
		wsEndpoint: `/ws?clientId=${session.clientId}`,
		totalNodes: session.nodeCount,
	});
}
