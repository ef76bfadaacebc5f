// A "Pet Portrait Generator" server simulator for tests: the Express wrapper around ComfyUI that
// the project's reference (pet-portrait.md) describes from its API document and a sibling server's
// code, on real HTTP and WebSocket sockets on 127.0.0.1. The ComfyUI behind it is simulated too
// (comfy.ts): one queue, node-by-node runs, files served back through the wrapper.
import { FaultList } from '../shared/faults.ts';
import { TimerSet } from '../shared/timers.ts';
import { Bridge } from './bridge.ts';
import { Comfy } from './comfy.ts';
import { ComfyFiles } from './comfyFiles.ts';
import { renderPortrait } from './images.ts';
import { resolveOptions } from './options.ts';
import { createServer } from './server.ts';
import { SessionStore } from './sessions.ts';
import type { StatusContext } from './status.ts';
import { snapshot } from './status.ts';
import type { PetPortraitSimulator, PetPortraitSimulatorOptions, RequestRecord, SimPrompt } from './types.ts';
import { buildWorkflow } from './workflow.ts';

export type {
	AfterError,
	ApiWorkflow,
	Fault,
	FaultRule,
	Faults,
	MessageShapes,
	NonImageUpload,
	PetPortraitSimulator,
	PetPortraitSimulatorOptions,
	PetPortraitWs,
	ProgressFormula,
	PromptOutcome,
	PromptRequest,
	PromptState,
	RequestRecord,
	ResultCheck,
	SimGenerate,
	SimPrompt,
	SimSession,
	SimUpload,
	SocketFault,
	StatusStyle,
	UploadedStatus,
	UserInputSpec,
	UserInputsForm,
	WorkflowInfoShape,
	WorkflowNode,
	WsMessageRecord,
} from './types.ts';
export { DEFAULT_FAILURE_TEXT, DEFAULT_SESSION_TTL_MS } from './options.ts';
export { CLIENT_ID_PREFIX } from './sessions.ts';
export { ASPECT_RATIO, DEFAULT_NODE_COUNT, KSAMPLER_NODE, PET_TYPE_NODE, SAVE_IMAGE_NODE, STYLE_NODE, USER_INPUTS } from './workflow.ts';

export async function startPetPortraitSimulator(options: PetPortraitSimulatorOptions = {}): Promise<PetPortraitSimulator> {
	const resolved = resolveOptions(options);
	const loaded = buildWorkflow(resolved.nodeCount);
	const status: StatusContext = { loaded, style: resolved.statusStyle };
	const timers = new TimerSet();
	const files = new ComfyFiles();
	const store = new SessionStore(resolved.sessionTtlMs, (session) => snapshot(session, status));
	const faults = new FaultList();
	const requests: RequestRecord[] = [];
	let workflowLoaded = resolved.workflowLoaded;
	let wsEnabled = resolved.wsEnabled;

	// The bridge and the ComfyUI refer to each other; the sockets come with the server.
	let send: (clientId: string, message: unknown) => number = () => 0;
	const bridge: Bridge = new Bridge({ options: resolved, status, store, timers, comfy: (): Comfy => comfy, send: (clientId, message) => send(clientId, message) });
	const comfy: Comfy = new Comfy({
		timers,
		files,
		events: bridge,
		nodeMs: resolved.nodeMs,
		outcome: resolved.outcome,
		startDelayMs: resolved.startDelayMs,
		executingNullAfterError: resolved.afterError === 'executing-null',
		render: (prompt) => renderPortrait(prompt, resolved.imageSize),
	});
	const { http, sockets } = createServer({
		options: resolved,
		loaded,
		store,
		comfy,
		files,
		status,
		faults,
		requests,
		workflowLoaded: () => workflowLoaded,
		wsEnabled: () => wsEnabled,
	});
	send = (clientId, message) => sockets.send(clientId, message);
	const url = await http.listen();

	const promptView = (id: string): SimPrompt => {
		const prompt = comfy.prompts.get(id)!;
		return structuredClone({
			promptId: prompt.promptId,
			sessionId: prompt.sessionId,
			route: prompt.route,
			userInputs: prompt.userInputs,
			texts: prompt.texts,
			seed: prompt.seed,
			state: prompt.state,
			outputFile: prompt.output?.filename ?? null,
			error: prompt.error,
			queuedAt: prompt.queuedAt,
			startedAt: prompt.startedAt,
			finishedAt: prompt.finishedAt,
		});
	};

	return {
		url,
		requests,
		faults,
		sessions: {
			get: (id) => {
				const session = store.get(id);
				return session && snapshot(session, status);
			},
			all: () => store.all().map((session) => snapshot(session, status)),
		},
		generateCount: () => comfy.count(),
		prompts: () => [...comfy.prompts.keys()].map(promptView),
		waitFor: (sessionId, predicate, timeoutMs) => store.waitFor(sessionId, predicate, timeoutMs),
		restart() {
			store.clear();
			sockets.drop();
		},
		expire: (sessionId) => store.forget(sessionId),
		setWorkflowLoaded(loaded) {
			workflowLoaded = loaded;
		},
		imageBytes(fileName, type = 'output') {
			const found = files.view(fileName, '', type);
			return typeof found === 'string' ? undefined : new Uint8Array(found.bytes);
		},
		ws: {
			get enabled() {
				return wsEnabled;
			},
			set enabled(value: boolean) {
				wsEnabled = value;
			},
			get perNodeEvents() {
				return bridge.perNodeEvents;
			},
			set perNodeEvents(value: boolean) {
				bridge.perNodeEvents = value;
			},
			dropNextResult: (count = 1) => bridge.dropNextResult(count),
			dropSockets: (clientId) => sockets.drop(clientId),
			connected: (clientId) => sockets.count(clientId),
			messages: bridge.messages,
		},
		async close() {
			timers.stop();
			store.close();
			sockets.close();
			await http.close();
		},
	};
}
