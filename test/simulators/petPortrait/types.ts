import type { Faults, RequestRecord } from '../shared/types.ts';

export type { Fault, FaultRule, Faults, RequestRecord, SocketFault } from '../shared/types.ts';

// Public types of the Pet Portrait simulator: the "Pet Portrait Generator" Express wrapper around a
// ComfyUI (uploads, sessions, generate/regenerate, status, image proxy, a WebSocket of progress).
// Where the reference (pet-portrait.md) lists variants, an option picks one.

/** A node of an API-format ComfyUI workflow. */
export interface WorkflowNode {
	class_type: string;
	inputs: Record<string, unknown>;
	_meta?: { title?: string };
}

export type ApiWorkflow = Record<string, WorkflowNode>;

/** An entry of `/api/workflow-info`'s `userInputs`. */
export interface UserInputSpec {
	nodeId: string;
	type: 'text';
	title: string;
	description: string;
	defaultValue: string;
}

/** `/api/workflow-info`: the doc's endpoint section, its TypeScript type, or both merged (nodeTypes as the array). */
export type WorkflowInfoShape = 'union' | 'doc' | 'typescript';
/** `status` after an upload: the doc's enum or the sibling's word. */
export type UploadedStatus = 'uploaded' | 'image_uploaded';
/** `progress` while running: the sibling's `round(id / highest id * 100)`, or executed nodes / all nodes * 100. */
export type ProgressFormula = 'node-id' | 'executed';
/**
 * A file part that is not `image/*`: 'json400' `{error: "Only image files are allowed"}`,
 * 'skipped400' (the filter skips it: 400 `No image file provided`), 'html500' (the filter's error
 * reaches Express's default handler: its HTML 500 page with the stack).
 */
export type NonImageUpload = 'json400' | 'skipped400' | 'html500';
/** `userInputs` values understood: the doc's scalar (`{"229": "dog"}` → `inputs.text`), the sibling's `{nodeId: {input: value}}`, or both. */
export type UserInputsForm = 'both' | 'scalar' | 'object';
/** WebSocket message shapes: the doc's, or the sibling's (`progress` with the detailed payload, `executing` without prompt_id). */
export type MessageShapes = 'doc' | 'sibling';
/** `/api/status` bookkeeping: the doc's (messages, fields reset per run) or the sibling's (see options.ts). */
export type StatusStyle = 'doc' | 'sibling';
/** When the wrapper looks for a finished prompt's image: whenever ComfyUI's queue empties (sibling), or as its own prompt ends. */
export type ResultCheck = 'queue-empty' | 'own-job';
/** After a prompt fails: nothing more, or ComfyUI's `executing {node: null}` too, which the sibling takes for "completed". */
export type AfterError = 'stop' | 'executing-null';

/** A prompt as queued on the simulated ComfyUI. */
export interface PromptRequest {
	promptId: string;
	sessionId: string;
	route: 'generate' | 'regenerate';
	/** `userInputs` as received (undefined when absent). */
	userInputs: unknown;
	/** `inputs.text` of every CLIPTextEncode node of the queued workflow, by node id. */
	texts: Record<string, string>;
	/** The KSampler seed the wrapper drew for it. */
	seed: number;
}

/** How a prompt ends: undefined to complete, or a failure (ComfyUI `execution_error`) at a node (default the KSampler, "3"). */
export type PromptOutcome = undefined | { error: string; atNode?: string };

export interface PetPortraitSimulatorOptions {
	/** Default 'union'. */
	workflowInfoShape?: WorkflowInfoShape;
	/** Default 'uploaded' (the doc). */
	uploadedStatus?: UploadedStatus;
	/** Default 'node-id' (the sibling's code; the doc's example fits neither). */
	progressFormula?: ProgressFormula;
	/** Default 'json400' (the doc: "400 ... not an image"). */
	nonImageUpload?: NonImageUpload;
	/** Default 'both'. */
	userInputsForm?: UserInputsForm;
	/** Default 'doc'. */
	messageShapes?: MessageShapes;
	/** Default 'doc'. */
	statusStyle?: StatusStyle;
	/** Time each node runs, ms (default 20). */
	nodeMs?: number | ((node: { id: string; type: string }, prompt: { texts: Record<string, string> }) => number);
	/** Nodes in the workflow, 10..124 (default 46); see workflow.ts. */
	nodeCount?: number;
	/**
	 * From queueing to the first node, ms (default 50: a client that opens the socket on the generate
	 * answer misses nothing). 0 runs the first node before the generate answer is sent, so its
	 * messages reach no socket (lost), as with a client that connects late.
	 */
	startDelayMs?: number;
	/** Default: a text input containing "FAIL" fails at the KSampler with DEFAULT_FAILURE_TEXT. */
	outcome?: (prompt: PromptRequest) => PromptOutcome;
	/** Inactivity after which a session is forgotten, ms (default 24 h). A processing session never expires. */
	sessionTtlMs?: number;
	/** The server loaded its workflow at start-up (default true); false: 500 on generate, regenerate and workflow-info. */
	workflowLoaded?: boolean;
	/** Accept WebSocket upgrades (default true); false answers them as Express does a route it lacks (404 `Cannot GET /ws`). */
	wsEnabled?: boolean;
	/**
	 * The wrapper hears ComfyUI's per-node events (default true). false is the sibling's caveat (its
	 * ComfyUI socket has no clientId): no executing/progress/error messages, status stays processing
	 * at 0 % until the result, a failed prompt leaves the session processing for ever.
	 */
	perNodeEvents?: boolean;
	/** Which sockets of a clientId get messages: 'last' (the sibling's Map, see socketShell.ts) or 'all'. Default 'last'. */
	wsRouting?: 'last' | 'all';
	/** From the end of a prompt to the result (the /history look-up), ms (default 10); meanwhile status says completed without the new image. */
	resultLagMs?: number;
	/** Default 'queue-empty' (the sibling: results come only once ComfyUI's queue is empty, and again each time it empties). */
	resultCheck?: ResultCheck;
	/** Default 'stop'. */
	afterError?: AfterError;
	/** Size of the result pictures (default 832×1216, the workflow's portrait). */
	imageSize?: { width: number; height: number };
}

/** An image the session uploaded. */
export interface SimUpload {
	/** The name the client sent. */
	originalName: string;
	/** The ComfyUI input name: `<Date.now()>-<originalName>`. */
	storedName: string;
	/** The part's declared Content-Type. */
	contentType: string;
	bytes: Uint8Array;
	at: number;
}

/** One generate/regenerate call that got past the session check. */
export interface SimGenerate {
	route: 'generate' | 'regenerate';
	/** null when ComfyUI refused the prompt (500 `Failed to queue prompt: Bad Request`). */
	promptId: string | null;
	/** As received (a copy). */
	userInputs: unknown;
	/** `inputs.text` of the CLIPTextEncode nodes after userInputs were applied. */
	texts: Record<string, string>;
	/** Every input of every node the userInputs touched, after applying them, by node id. */
	touched: Record<string, Record<string, unknown>>;
	seed: number;
	at: number;
}

export type PromptState = 'queued' | 'running' | 'completed' | 'failed';

export interface SimPrompt extends PromptRequest {
	state: PromptState;
	/** The SaveImage file once written. */
	outputFile: string | null;
	error: string | null;
	queuedAt: number;
	startedAt: number | null;
	finishedAt: number | null;
}

export interface SimSession {
	id: string;
	clientId: string;
	/** As `/api/status` shows it. */
	status: string;
	progress: number;
	currentNode: string | null;
	message: string;
	promptId: string | null;
	resultImage: string | null;
	startTime: number | null;
	endTime: number | null;
	executedNodesCount: number;
	totalNodes: number;
	uploads: SimUpload[];
	/** The image the next prompt uses (the last upload), null before any. */
	upload: SimUpload | null;
	generates: SimGenerate[];
	lastActivity: number;
}

/** A message the server meant for a clientId. */
export interface WsMessageRecord {
	clientId: string;
	type: string;
	data: unknown;
	at: number;
	/** Sockets it was written to; 0 = lost (nobody connected) or dropped. */
	delivered: number;
	/** Withheld by ws.dropNextResult(). */
	dropped: boolean;
}

export interface PetPortraitWs {
	/** Upgrades accepted; false answers 404 like a server without WebSocket support. */
	enabled: boolean;
	/** See PetPortraitSimulatorOptions.perNodeEvents; applies to events from now on. */
	perNodeEvents: boolean;
	/** The next `count` result messages (default 1) are not sent; the session still gets its result. */
	dropNextResult(count?: number): void;
	/** Cuts the open sockets of a clientId (of everyone without one), no close frame; returns how many. */
	dropSockets(clientId?: string): number;
	/** Open sockets of a clientId, or in all. */
	connected(clientId?: string): number;
	/** Every message the server meant to send, in order. */
	messages: WsMessageRecord[];
}

export interface PetPortraitSimulator {
	/** http://127.0.0.1:PORT (no trailing slash); the WebSocket is ws://127.0.0.1:PORT/ws?clientId=... */
	url: string;
	/** Every HTTP request, WebSocket upgrades included, in arrival order. */
	requests: RequestRecord[];
	/** HTTP faults on every route, and socket faults (socket-drop, socket-refuse) on upgrades. */
	faults: Faults;
	sessions: {
		get(id: string): SimSession | undefined;
		all(): SimSession[];
	};
	/** Prompts queued on ComfyUI in all (survives restart): a job submitted twice shows here. */
	generateCount(): number;
	prompts(): SimPrompt[];
	/** Resolves with the session once predicate holds; rejects on timeout (default 10 s). */
	waitFor(sessionId: string, predicate: (session: SimSession) => boolean, timeoutMs?: number): Promise<SimSession>;
	/** The wrapper restarts: every session forgotten, every socket cut. ComfyUI (its queue, its files) keeps going. */
	restart(): void;
	/** Forgets a session as the 24 h clean-up would; false when there was none. */
	expire(sessionId: string): boolean;
	/** Switches "Workflow data not loaded". */
	setWorkflowLoaded(loaded: boolean): void;
	/** Bytes ComfyUI holds for a file (type 'output' by default), undefined when none. */
	imageBytes(fileName: string, type?: 'input' | 'output'): Uint8Array | undefined;
	ws: PetPortraitWs;
	close(): Promise<void>;
}
