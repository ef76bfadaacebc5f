import type { FormEncoding } from '../shared/formBody.ts';
import type { Faults, RequestRecord } from '../shared/types.ts';

export type { Fault, FaultRule, Faults, RequestRecord } from '../shared/types.ts';

// Public types of the Flowscale simulator (a per-deployment pod API plus the storage host its
// pre-signed download URLs point at). Where the reference lists variants, an option picks one.

/** A request as one of the simulator's servers received it, with its headers (names lower-cased). */
export interface LoggedRequest extends RequestRecord {
	headers: Record<string, string | string[] | undefined>;
}

export interface OutputSpec {
	/** The name before the per-run suffix: output_names holds `${prefix}_${10 random [A-Z0-9]}` (like "filename_prefix_58358_5WWF7GQUYF"). */
	prefix: string;
	/** File extension without the dot; default png. */
	extension?: string;
	/** When the name shows in `output_names`: 'create' (already in the create answer) or a fraction (0..1) of the running time. Default 0: as the run starts. */
	namedAt?: 'create' | number;
	/** How long after the run completes the file becomes downloadable, ms (default 0); until then the output answers "not ready". */
	readyDelayMs?: number;
}

export interface WorkflowSpec {
	/** e.g. "bncu0a1kipv" */
	id: string;
	name: string;
	description?: string;
	/** Input names and their types as the workflows listing shows them, e.g. { text_51536: 'string', image_35728: 'image' }. */
	inputs: Record<string, string>;
	outputs: OutputSpec[];
}

export type RunState = 'queued' | 'running' | 'completed' | 'failed' | 'timeout' | 'cancelled';

/** How a run ends once its running time is over. */
export type RunOutcome = 'complete' | 'timeout' | { error: string };

/** What a run was asked: its workflow and its text fields (the last value of each name). */
export interface RunRequest {
	workflowId: string;
	groupId: string | null;
	texts: Record<string, string>;
}

export interface FlowscaleSimulatorOptions {
	/** The deployment's API key (`X-API-KEY`); default DEFAULT_API_KEY. */
	apiKey?: string;
	/** Answer to a missing or wrong key. Default { status: 401, shape: 'envelope' } (see options.ts). */
	authError?: { status?: 401 | 403; shape?: 'envelope' | 'fastapi' };
	/** Deployed workflows; default DEFAULT_WORKFLOWS. */
	workflows?: WorkflowSpec[];
	/** ComfyUI containers; each runs one run at a time, the others wait in its queue (default 2). */
	containers?: number;
	/** Least time a run stays queued, ms (default 100). */
	queueMs?: number | ((run: RunRequest) => number);
	/** Running time, ms (default 1000). */
	runMs?: number | ((run: RunRequest) => number);
	/** Default: a text input containing "FAIL" fails the run, one containing "TIMEOUT" times it out, others complete. */
	outcome?: (run: RunRequest) => RunOutcome;
	/** Run `status` strings the API shows per state; default each state's own name. Only completed/failed/error/cancelled are confirmed. */
	statusNames?: Partial<Record<RunState, string>>;
	/** Health and queue entries: SDK 1.1.4 (`container`), OpenAPI (`url` / `comfy_uri`) or both keys. Default 'container'. */
	containerShape?: 'container' | 'url' | 'both';
	/** `POST /api/v1/runs` data: see options.ts. Default 'combined'. */
	createShape?: 'combined' | 'current' | 'legacy' | 'array';
	/** `GET /api/v1/runs`: 'paged' (1.1.4, with meta) or 'grouped' (OpenAPI / JS docs / 1.0.x). Default 'paged'. */
	listShape?: 'paged' | 'grouped';
	/** `GET /api/v1/runs/output` while an output is not ready. Default 204. */
	notReady?: 204 | 404 | 504;
	/** `GET /api/v1/comfy/workflows`: the JS docs' array, the 1.1.0b `{workflows}` object, or absent (404). Default 'js'. */
	workflowsListing?: 'js' | 'beta' | 'absent';
	/** Fields no client knows (updated_at, container, prompt_id, a failed run's error, ...) in run details. Default true. */
	unknownFields?: boolean;
	/** Lifetime of a pre-signed download URL, seconds (default 3600, boto3's default). */
	presignTtlSeconds?: number;
	/** Storage serves unsigned URLs (those in a run's `outputs[].url`) too. Default false: a private bucket, 403. */
	publicBucket?: boolean;
}

export interface SimRunInput {
	/** The form field name as sent (e.g. `image_35728_0` from SDK 1.1.4, or a repeated name from 1.1.0b). */
	name: string;
	value?: string;
	file?: { fileName: string; contentType: string; size: number };
}

export interface SimRunOutput {
	/** As in output_names (no extension). */
	name: string;
	/** With its extension, as the download serves it. */
	fileName: string;
	contentType: string;
	/** Shown in output_names yet. */
	named: boolean;
	/** Downloadable yet. */
	ready: boolean;
}

export interface SimRun {
	id: string;
	workflowId: string;
	groupId: string | null;
	state: RunState;
	/** The `status` string the API shows. */
	status: string;
	/** Failure text of a failed run, else null. */
	error: string | null;
	container: string;
	/** The ComfyUI prompt id the queue endpoint shows. */
	promptId: string;
	/** How the create body came: 'none' for an empty body or one that is not a form (the server then sees no inputs). */
	encoding: FormEncoding | 'none';
	contentType: string | null;
	inputs: SimRunInput[];
	/** As `GET /api/v1/runs/{id}` shows it now. */
	outputNames: string[];
	outputs: SimRunOutput[];
	createdAt: number;
	startedAt: number | null;
	finishedAt: number | null;
}

export interface SimStorage {
	/** The storage origin (the bucket's host), e.g. http://127.0.0.1:PORT. */
	url: string;
	/** Every request it received, headers included. */
	requests: LoggedRequest[];
	faults: Faults;
	/** Moves the storage host's clock forward, so URLs issued before expire without waiting. */
	advanceClock(ms: number): void;
}

export interface FlowscaleSimulator {
	/** The deployment URL, e.g. http://127.0.0.1:PORT (no trailing slash). */
	url: string;
	apiKey: string;
	/** Stops the run clock, closes both servers and their sockets. */
	close(): Promise<void>;
	/** Faults of the API server; the storage host has its own (storage.faults). */
	faults: Faults;
	/** Every request the API server received, in arrival order, headers included. */
	requests: LoggedRequest[];
	storage: SimStorage;
	/** Snapshots of every run, in creation order. */
	runs(): SimRun[];
	run(id: string): SimRun | undefined;
	/** Resolves with the run once predicate holds; rejects on timeout (default 10 s). */
	waitFor(id: string, predicate: (run: SimRun) => boolean, timeoutMs?: number): Promise<SimRun>;
	/** Runs ever created. */
	createdCount(): number;
	/** The bytes the storage host serves for an output (name with or without extension); throws when it is not ready. */
	outputBytes(runId: string, outputName: string): Uint8Array;
	/** The bytes of an uploaded input file, by its form field name; throws when there is none. */
	inputBytes(runId: string, fieldName: string): Uint8Array;
}
