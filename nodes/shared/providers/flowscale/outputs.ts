// Runtime-neutral: web-standard APIs only (no node:, Deno, process), so n8n, Node and Deno share it.
// A run's outputs: which there are, and waiting for one the server has not stored yet.
import type { Deadline } from '../../core/client.ts';
import type { Env } from '../../core/env.ts';
import { ApiError, formatSeconds, GenflowsError, InputError, JobFailedError } from '../../core/errors.ts';
import { extensionOf, safeFileName } from '../../core/files.ts';
import { redactUrl } from '../../core/redact.ts';
import type { OutputLink, Run } from './schemas.ts';

/** What `GET /api/v1/runs/output` says of one output. */
export type OutputState =
	| { state: 'ready'; link: OutputLink }
	/** 204 (every SDK), 404 (third-party code) or 504 (SDK 1.1.0b): not stored yet, or no such output. */
	| { state: 'not-ready'; httpStatus: number }
	/** 408: the run timed out on the server. */
	| { state: 'timed-out' };

/** How long a completed run's output may stay "not ready" when the caller set no limit. */
export const OUTPUT_READY_LIMIT_MS = 120_000;

const FIRST_LOOK_MS = 500;
const LATEST_LOOK_MS = 5_000;

/** A run's output names: `output_names`, or where a server left that empty, the names of its stored files. */
export function outputNamesOf(run: Pick<Run, 'output_names' | 'outputs'>): string[] {
	if (run.output_names.length > 0) return run.output_names;
	return run.outputs.map((output) => output.filename);
}

/**
 * A downloaded output's name: the link's last path segment (the stored file, with its extension),
 * or the run's stored file of that name, or the output name itself.
 */
export function outputFileName(name: string, downloadUrl: string, run?: Pick<Run, 'outputs'>): string {
	let fromLink = '';
	try {
		fromLink = decodeURIComponent(new URL(downloadUrl).pathname.split('/').pop() ?? '');
	} catch {
		// Not a URL or a bad escape: fall back to the names the run gives.
	}
	if (extensionOf(fromLink)) return safeFileName(fromLink);
	const stored = run?.outputs.find((output) => output.filename === name || output.filename.startsWith(`${name}.`));
	return safeFileName(stored?.filename ?? name);
}

export interface OutputWait {
	env: Env;
	/** "Flowscale run <id>", for messages. */
	label: string;
	runId: string;
	name: string;
	/** When to give up; the caller's deadline, or OUTPUT_READY_LIMIT_MS from now. */
	end: Deadline;
	signal?: AbortSignal;
}

/**
 * Asks for an output until it is ready. A completed run's files may be stored a moment after the
 * status says so; the wait backs off from half a second to five and ends at `end`.
 */
export async function waitForOutput(read: (signal?: AbortSignal) => Promise<OutputState>, wait: OutputWait): Promise<OutputLink> {
	const { env, signal } = wait;
	let delay = FIRST_LOOK_MS;
	for (;;) {
		const output = await read(signal);
		if (output.state === 'ready') return output.link;
		if (output.state === 'timed-out') {
			throw new JobFailedError(wait.label, wait.runId, `it timed out on the server (its output "${wait.name}" answered 408 Run Timeout)`);
		}
		const left = wait.end.at - env.now();
		if (left <= 0) throw notReadyError(wait, output.httpStatus);
		await env.sleep(Math.min(delay, left), signal);
		signal?.throwIfAborted();
		if (env.now() >= wait.end.at) throw notReadyError(wait, output.httpStatus);
		delay = Math.min(LATEST_LOOK_MS, delay * 1.5);
	}
}

function notReadyError(wait: OutputWait, httpStatus: number): GenflowsError {
	return new GenflowsError(
		'job-timeout',
		`${wait.label} completed, but its output "${wait.name}" was still not ready for download (the server answered ${httpStatus}) when the ${formatSeconds(wait.end.limitMs)} limit ran out.`,
		{ hint: `The run's files stay on the server: fetch them later by the run id (${wait.runId}), or raise the timeout.` },
	);
}

/** A pre-signed link must be absolute: it is fetched as it is, on its own host. */
export function checkLink(downloadUrl: string): URL {
	let url: URL | undefined;
	try {
		url = new URL(downloadUrl.trim());
	} catch {
		url = undefined;
	}
	if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
		throw new InputError('downloadUrl', `The download link "${redactUrl(downloadUrl)}" is not an absolute http:// or https:// URL.`);
	}
	return url;
}

/** What the storage host's "Request has expired" means, in words. */
export function expiredLinkError(path: string, error: ApiError): ApiError {
	return new ApiError({
		service: 'The Flowscale storage host',
		status: error.status,
		method: 'GET',
		path,
		serverMessage: 'the pre-signed download link has expired ("Request has expired")',
		hint: 'Ask Flowscale for the output again (Get Output, or the run\'s results) for a fresh link: links are valid for a limited time.',
	});
}
