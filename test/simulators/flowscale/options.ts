// The simulator's options with their defaults. Where the reference (flowscale.md) lists variants,
// the default is the one most likely to be the live server's, for the reason given beside it.
import type { FlowscaleSimulatorOptions, RunOutcome, RunRequest, RunState, WorkflowSpec } from './types.ts';

// A word the secret scanners know for a placeholder: this key guards nothing but a test server.
export const DEFAULT_API_KEY = 'fs-sim-dummy-api-key-0001';

export const DEFAULT_FAILURE_TEXT = 'CUDA error: out of memory';

/** A text-to-image workflow with two outputs (the second named halfway through the run) and an image-to-image one. */
export const DEFAULT_WORKFLOWS: WorkflowSpec[] = [
	{
		id: 'bncu0a1kipv',
		name: 'Text to Image',
		description: 'SDXL text to image, with an upscaled copy',
		inputs: { text_51536: 'string', seed_456: 'number' },
		outputs: [
			{ prefix: 'filename_prefix_58358', namedAt: 'create' },
			{ prefix: 'filename_prefix_58402', namedAt: 0.5 },
		],
	},
	{
		id: '550e8400-e29b-41d4-a716-446655440000',
		name: 'Pet Portrait',
		description: 'A portrait from a photo',
		inputs: { image_35728: 'image', text_51536: 'string' },
		outputs: [{ prefix: 'portrait_77120' }],
	},
];

export interface ResolvedOptions {
	apiKey: string;
	authStatus: 401 | 403;
	authShape: 'envelope' | 'fastapi';
	workflows: WorkflowSpec[];
	containers: number;
	queueMs(run: RunRequest): number;
	runMs(run: RunRequest): number;
	outcome(run: RunRequest): RunOutcome;
	statusOf(state: RunState): string;
	containerShape: 'container' | 'url' | 'both';
	createShape: 'combined' | 'current' | 'legacy' | 'array';
	listShape: 'paged' | 'grouped';
	notReady: 204 | 404 | 504;
	workflowsListing: 'js' | 'beta' | 'absent';
	unknownFields: boolean;
	presignTtlSeconds: number;
	publicBucket: boolean;
}

function defaultOutcome(run: RunRequest): RunOutcome {
	const texts = Object.values(run.texts);
	if (texts.some((text) => /\bFAIL\b/.test(text))) return { error: DEFAULT_FAILURE_TEXT };
	if (texts.some((text) => /\bTIMEOUT\b/.test(text))) return 'timeout';
	return 'complete';
}

function perRun(value: number | ((run: RunRequest) => number) | undefined, fallback: number): (run: RunRequest) => number {
	if (typeof value === 'function') return value;
	return () => value ?? fallback;
}

export function resolveOptions(options: FlowscaleSimulatorOptions): ResolvedOptions {
	const containers = options.containers ?? 2;
	if (!Number.isInteger(containers) || containers < 1) throw new Error(`Flowscale simulator: containers must be a whole number >= 1, got ${containers}`);
	return {
		apiKey: options.apiKey ?? DEFAULT_API_KEY,
		// The issue asks for 401 in the SDK's error envelope; the docs say "401 or 403" without a
		// body. 'fastapi' is what FastAPI's own APIKeyHeader sends: 403 {"detail": "Not authenticated"}.
		authStatus: options.authError?.status ?? 401,
		authShape: options.authError?.shape ?? 'envelope',
		workflows: options.workflows ?? DEFAULT_WORKFLOWS,
		containers,
		queueMs: perRun(options.queueMs, 100),
		runMs: perRun(options.runMs, 1000),
		outcome: options.outcome ?? defaultOutcome,
		// No source names a queued/running status, or what a timed-out run shows: the simulator uses
		// the state's own name, so a client that treats unknown values as "still running" is tested.
		statusOf: (state) => options.statusNames?.[state] ?? state,
		// SDK 1.1.4's ContainerStatus type (`container`) rather than OpenAPI (`url`), as the
		// reference advises: the SDK's README examples are answers someone saw.
		containerShape: options.containerShape ?? 'container',
		// run_id + workflow_id (1.1.4 requires both) + output_names (1.0.x / 1.1.0b require it):
		// the reference's recommendation, the one shape every client generation accepts.
		createShape: options.createShape ?? 'combined',
		// 1.1.4 is the current SDK and always sends the paging parameters this shape answers.
		listShape: options.listShape ?? 'paged',
		// 204 is what every SDK generation reads as "not ready"; 404 and 504 are the variants.
		notReady: options.notReady ?? 204,
		// The JS SDK (npm 2.0, the newest client) documents the array of JSON-string inputs/outputs.
		workflowsListing: options.workflowsListing ?? 'js',
		unknownFields: options.unknownFields ?? true,
		presignTtlSeconds: options.presignTtlSeconds ?? 3600,
		publicBucket: options.publicBucket ?? false,
	};
}
