import type { Faults, RequestRecord } from '../shared/types.ts';

export type { Fault, FaultRule, Faults, RequestRecord } from '../shared/types.ts';

// Public types of the Visionatrix simulator.

export interface SimUser {
	password: string;
	/** Default false. */
	isAdmin?: boolean;
	/** Default "John Doe" (the `create-user` default). */
	fullName?: string;
	/** Default "user@example.com" (the `create-user` default). */
	email?: string;
}

export interface OutputSpec {
	nodeId: number;
	/** image | image-animated | video | audio | text | 3d-model */
	type: string;
	/** Files per run. Default: the task's `batch_size` input when it is a whole number >= 1, else 1. */
	batchSize?: number;
	/** Without the dot. Default by type: image png, image-animated webp, video mp4, audio flac, text txt, 3d-model glb. */
	extension?: string;
}

export interface VisionatrixSimulatorOptions {
	/** Omit for auth off (every request is the admin user). With it, HTTP Basic is required on every path. */
	auth?: { users: Record<string, SimUser> };
	/** `GET /vapi/flows/installed`; default: test/fixtures/visionatrix/flows-installed.json. */
	flows?: unknown[];
	/** Output nodes per flow name; flows without an entry get [{ nodeId: 9, type: 'image' }]. */
	outputs?: Record<string, OutputSpec[]>;
	/** Simulated run time of a task once started, ms (default 1500). */
	taskDurationMs?: number | ((flow: string, inputs: Record<string, unknown>) => number);
	/** Time a task stays queued (progress 0, not locked) before a worker takes it, ms (default 0). */
	queueDelayMs?: number | ((flow: string, inputs: Record<string, unknown>) => number);
	/** Progress writes per run before the final 100 (default 20). */
	progressSteps?: number;
	/** One worker (tasks run one at a time, highest priority first) instead of all at once (default false). */
	serial?: boolean;
	/** Return an error text to fail the task at ~30 % progress. Default: a text input containing "FAIL" fails with "Allocation on device ". */
	failWhen?: (flow: string, inputs: Record<string, unknown>) => string | undefined;
	/** .webp/.flac/.glb served as "text/plain; charset=utf-8" like a host without /etc/mime.types (default true). */
	hostLacksMimeTypes?: boolean;
}

export interface WebhookPost {
	taskId: number;
	/** Full URL posted to (`{webhook_url}/task-progress`). */
	url: string;
	/** Headers as sent, keys lower-cased. */
	headers: Record<string, string>;
	/** The JSON body: { task_id, progress, execution_time, error }. */
	body: unknown;
	/** Date.now() when sent. */
	at: number;
	/** Status of the receiver's answer; undefined until it answers or when it failed. */
	status?: number;
	/** Transport error (refused, timeout...), swallowed like the server does. */
	error?: string;
}

export type SimTaskState = 'queued' | 'running' | 'finished' | 'failed';

export interface ProgressWrite {
	progress: number;
	error: string;
	executionTime: number;
	at: number;
}

export interface SimTask {
	id: number;
	flow: string;
	userId: string;
	/** queued: waiting (locked or not); running: progress > 0 or locked; finished: progress 100; failed: error set. */
	state: SimTaskState;
	progress: number;
	error: string;
	/** `input_params` as stored (form strings; `seed` as an int). */
	inputs: Record<string, unknown>;
	/** 0..15 as the API returns it. */
	priority: number;
	groupScope: number;
	parentTaskId: number | null;
	parentTaskNodeId: number | null;
	/** Date.now() when a worker locked it, null when not locked. */
	lockedAt: number | null;
	workerId: string | null;
	executionTime: number;
	createdAt: number;
	/** Date.now() of the last (re)start. */
	startedAt?: number;
	/** Date.now() when progress became 100. */
	finishedAt?: number;
	outputs: { comfy_node_id: number; type: string; file_size: number; batch_size: number }[];
	inputFiles: { file_name: string; file_size: number }[];
	/** Every progress write (the same moments the webhook fires), across restarts. */
	progressWrites: ProgressWrite[];
	webhookUrl: string | null;
	webhookHeaders: unknown;
	webhookPosts: WebhookPost[];
	customWorker: string | null;
	hidden: boolean;
	restarts: number;
}

export interface VisionatrixSimulator {
	/** e.g. http://127.0.0.1:PORT (no trailing slash). */
	url: string;
	/** Stops timers and webhook posts, closes the server and its sockets. */
	close(): Promise<void>;
	faults: Faults;
	/** Every request received, in arrival order. */
	requests: RequestRecord[];
	/** Snapshots of all existing tasks, by id. */
	tasks(): SimTask[];
	task(id: number): SimTask | undefined;
	/** Snapshots of the tasks deleted so far (by the API or a cancel), by id. */
	removedTasks(): SimTask[];
	/** The exact bytes served for a result (deleted tasks included); throws when the task has no such file. */
	resultBytes(taskId: number, nodeId: number, batchIndex: number): Uint8Array;
	/** The exact bytes stored for an input file (`GET /inputs`, deleted tasks included); throws when missing. */
	inputBytes(taskId: number, inputIndex: number): Uint8Array;
	/** Resolves with the task once predicate holds; rejects on timeout (default 10 s) or when the task is deleted. */
	waitFor(id: number, predicate: (task: SimTask) => boolean, timeoutMs?: number): Promise<SimTask>;
	/** Tasks ever created (put in the queue), including deleted ones. */
	createdCount(): number;
	/** Every webhook post attempted, in order. */
	webhookPosts: WebhookPost[];
}
