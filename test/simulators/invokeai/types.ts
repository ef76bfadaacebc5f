import type { Faults, RequestRecord } from '../shared/types.ts';

export type { Fault, FaultRule, Faults, RequestRecord, SocketFault } from '../shared/types.ts';

// Public types of the InvokeAI simulator: a 5.x–6.14 server (queue, images, boards, models,
// workflow library, auth) with one GPU and a Socket.IO event stream, as the project's reference
// (invokeai.md) reads it from InvokeAI's source.

/** A queue item's status; `waiting` exists in 6.14 only (the simulator never enters it: no called workflows). */
export type QueueItemStatus = 'pending' | 'in_progress' | 'waiting' | 'completed' | 'failed' | 'canceled';

/** An account of multi-user mode. */
export interface SimUserSpec {
	email: string;
	password: string;
	/** Default: derived from the email. */
	userId?: string;
	displayName?: string;
	/** Default false. */
	isAdmin?: boolean;
}

/** What the outcome hook sees of an item about to run. */
export interface SimItemInfo {
	itemId: number;
	batchId: string;
	userId: string;
	/** The session graph's nodes (batch data applied), by node id. */
	nodes: Record<string, Record<string, unknown>>;
	/** Every string input of every node, for a quick "does a prompt say X" test. */
	texts: string[];
}

/** How an item fails: an `invocation_error` at a node, then `failed` with these fields. */
export interface SimFailure {
	/** Default `OutOfMemoryError`. */
	errorType?: string;
	/** Default DEFAULT_FAILURE_TEXT. */
	errorMessage?: string;
	/** Default: a Python traceback ending in `errorType: errorMessage`. */
	errorTraceback?: string;
	/** The source node id, or a node type, where it fails (its first prepared copy); default the first denoise node, else the last node. */
	atNode?: string;
}

/** undefined: the item completes (unless a runtime check fails it). */
export type SimOutcome = SimFailure | undefined;

/** A model record of `GET /api/v2/models/` (any AnyModelConfig fields). */
export type SimModel = Record<string, unknown> & { key: string; hash: string; name: string; base: string; type: string; format: string };

export interface InvokeAiSimulatorOptions {
	/** `GET /api/v1/app/version` and every version-dependent behaviour (default `6.13.8`). */
	version?: string;
	/** Multi-user mode (6.12+): Bearer tokens from `POST /api/v1/auth/login`, sockets need `auth: {token}`. Default false. */
	multiUser?: boolean;
	/** The accounts (default DEFAULT_USERS: an admin and a user). */
	users?: SimUserSpec[];
	/** Token lifetime, ms (default 1 day, 7 days with `remember_me`); both use this value when given. */
	tokenTtlMs?: number;
	/** Time each prepared node runs, ms (default 5). */
	nodeMs?: number | ((node: { id: string; type: string; sourceId: string }, item: SimItemInfo) => number);
	/** From enqueue (or the end of the previous item) to the next item's start, ms (default 10). */
	startDelayMs?: number;
	/** `invocation_progress` events per denoise node (default 3; each other node sends at most one, with `percentage: null`). */
	progressSteps?: number;
	/** Decides each item's fate as it starts. Default: a string input containing the word FAIL fails with an out-of-memory error. */
	outcome?: (item: SimItemInfo) => SimOutcome;
	/** The queue's `max_queue_size` (default 10000): enqueue cuts a batch to what fits (`enqueued < requested`). */
	maxQueueSize?: number;
	/** The installed models (default DEFAULT_MODELS). */
	models?: SimModel[];
	/** The session processor starts paused (default false). */
	paused?: boolean;
}

/** A queue item as the server holds it: `GET /api/v1/queue/default/i/{id}` for an admin, null fields kept. */
export type SimQueueItem = Record<string, unknown> & {
	item_id: number;
	status: QueueItemStatus;
	batch_id: string;
	session_id: string;
	priority: number;
	user_id?: string;
	error_type: string | null;
	error_message: string | null;
	session: {
		id: string;
		graph: { id: string; nodes: Record<string, Record<string, unknown>>; edges: unknown[] };
		results: Record<string, Record<string, unknown>>;
		errors: Record<string, string>;
		prepared_source_mapping: Record<string, string>;
		source_prepared_mapping: Record<string, string[]>;
		[key: string]: unknown;
	};
};

/** One accepted `enqueue_batch` call. */
export interface SimBatchRecord {
	batchId: string;
	userId: string;
	prepend: boolean;
	priority: number;
	requested: number;
	enqueued: number;
	/** In creation order (the reply lists them newest first). */
	itemIds: number[];
	origin: string | null;
	destination: string | null;
	at: number;
}

/** One Socket.IO event the server delivered to one socket. */
export interface SimSocketMessage {
	event: string;
	data: Record<string, unknown>;
	/** The Socket.IO id of the receiving socket. */
	socketId: string;
	/** The receiving socket's user. */
	userId: string;
	at: number;
}

export interface InvokeAiSockets {
	/** Connected sockets (of one user when given). */
	count(userId?: string): number;
	/** Cuts the transport of the matching sockets (all without a user) with no goodbye; clients see a transport close and reconnect. Returns how many. */
	drop(userId?: string): number;
	/** Disconnects them server-side (`io server disconnect`: clients do not reconnect on their own). */
	disconnect(userId?: string): number;
	/** Every event delivered, in order. */
	messages: SimSocketMessage[];
}

export interface InvokeAiSimulator {
	/** http://127.0.0.1:PORT (no trailing slash); Socket.IO at the same origin, path `/ws/socket.io`. */
	url: string;
	/** Every HTTP request and every Socket.IO connection attempt (its handshake), in arrival order. */
	requests: RequestRecord[];
	/** HTTP faults on every route; `socket-refuse` / `socket-drop` on Socket.IO handshakes (path `/ws/socket.io`). */
	faults: Faults;
	sockets: InvokeAiSockets;
	/** Every queue item, oldest first. */
	items(): SimQueueItem[];
	item(itemId: number): SimQueueItem | undefined;
	/** Queue items created by `enqueue_batch` (retries not counted): a batch enqueued twice shows here. */
	enqueuedCount(): number;
	/** Every accepted enqueue, in order. */
	batches(): SimBatchRecord[];
	/** Resolves with the item once predicate holds (checked at every change); rejects on timeout (default 10 s). */
	waitFor(itemId: number, predicate: (item: SimQueueItem) => boolean, timeoutMs?: number): Promise<SimQueueItem>;
	/** Someone else (another tab, an admin) cancels the item: as `PUT .../i/{id}/cancel`, without a request. */
	cancelFromServer(itemId: number): void;
	/** The next `count` items to start (default 1) fail as described (default: out of memory at the denoise node). */
	failNext(failure?: SimFailure, count?: number): void;
	/** PNG bytes of an image (generated or uploaded); undefined when unknown or deleted. */
	imageBytes(imageName: string): Uint8Array | undefined;
	/** Every image DTO held, newest first (as `GET /api/v1/images/` would list them for an admin). */
	images(): Record<string, unknown>[];
	/** Switches the played version (routes, payloads, socket rooms) from now on. */
	setVersion(version: string): void;
	/** The current version. */
	version(): string;
	/** Pauses / resumes the session processor (the running item finishes first). */
	pause(): void;
	resume(): void;
	/** A valid token for an account, as login would give it (multi-user mode). */
	tokenFor(email: string): string;
	/** Every token issued so far stops working (401 `Invalid or expired token`, sockets refused). */
	expireTokens(): void;
	close(): Promise<void>;
}
