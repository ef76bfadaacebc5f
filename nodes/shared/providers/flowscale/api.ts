// Runtime-neutral: web-standard APIs only (no node:, Deno, process), so n8n, Node and Deno share it.
// Everything this package knows about a Flowscale deployment's HTTP API (`/api/v1`, X-API-KEY).
// The key is the transport's business (the n8n credential, or the CLI's flag): nothing here sees it.
import { z } from 'zod';

import { ApiClient, serverMessageFrom } from '../../core/client.ts';
import type { Env } from '../../core/env.ts';
import type { GenflowsError } from '../../core/errors.ts';
import { ApiError, ConnectionError, InputError, isApiError, isConnectionError } from '../../core/errors.ts';
import type { StreamedFile } from '../../core/files.ts';
import { streamedFile } from '../../core/files.ts';
import type { ApiRequest, TransportResponse } from '../../core/http.ts';
import type { JobFile } from '../../core/job.ts';
import { jobLabel } from '../../core/job.ts';
import { lookAgainUntilFound } from '../../core/lostJob.ts';
import type { RetryPolicy } from '../../core/retry.ts';
import { mayHaveBeenCarriedOut } from '../../core/retry.ts';
import type { FinishedJob } from '../../core/run.ts';
import { waitForAll } from '../../core/run.ts';
import type { BaseUrlRules } from '../../core/urls.ts';
import { parseJsonResponse, parseValue } from '../../core/validate.ts';
import type { PollingPlan, WaitProgress } from '../../core/waiter.ts';
import { FLOWSCALE_JOB_WORDS, flowscaleJobs } from './job.ts';
import type { Submission } from './lostRun.ts';
import { isLostRun, lostRunError } from './lostRun.ts';
import { checkLink, expiredLinkError } from './outputs.ts';
import type { OutputState } from './outputs.ts';
import { OUTPUT_READY_LIMIT_MS, outputFileName, outputNamesOf, waitForOutput } from './outputs.ts';
import type { RunInput } from './runInput.ts';
import { buildRunForm, runTarget } from './runInput.ts';
import type { ContainerQueue, ContainerStatus, CreatedRun, Run, Workflow } from './schemas.ts';
import {
	containerQueueSchema,
	containerStatusSchema,
	createdRunSchema,
	envelopeSchema,
	errorEnvelopeSchema,
	outputSchema,
	runListMetaSchema,
	runListSchema,
	runSchema,
	workflowListSchema,
} from './schemas.ts';

/** How a Flowscale address is checked; `parameter` is the core's name, which each surface maps to its own. */
export const FLOWSCALE_ADDRESS_RULES: BaseUrlRules = {
	parameter: 'baseUrl',
	service: 'Flowscale',
	// Every path starts with /api/v1: an address ending in /api would ask for /api/api/v1/… and get 404s.
	apiPrefix: '/api',
	example: 'https://my-deployment.pod.flowscale.ai',
};

export interface FlowscaleOptions {
	/** The deployment's API URL, checked by FLOWSCALE_ADDRESS_RULES. */
	baseUrl: string;
	/** `transport` sends the API key (X-API-KEY); `plainTransport` (no credential) fetches the pre-signed download links. */
	env: Env;
	retry?: Partial<RetryPolicy>;
	requestTimeoutMs?: number;
}

export const RUN_SORT_FIELDS = ['created_at', 'started_at', 'completed_at'] as const;
export type RunSortField = (typeof RUN_SORT_FIELDS)[number];

export interface RunListQuery {
	groupId?: string;
	/** Default `created_at`. */
	sortBy?: RunSortField;
	/** Default `desc`. */
	sortOrder?: 'asc' | 'desc';
	/** From 1 (default 1). */
	page?: number;
	/** 1..100 (default 10, as the SDK). */
	pageSize?: number;
}

/** One page of runs. */
export interface RunPage {
	runs: Run[];
	page: number;
	totalPages: number;
	totalCount: number;
	/** False for the older servers that list every run at once: the page was cut here, sorted here. */
	pagedByServer: boolean;
}

/** A started run: its id, and the output names when the server says them at once. */
export type StartedRun = CreatedRun & { workflow_id: string };

/** A result file of a run, with where it came from. */
export interface OutputFile extends JobFile {
	details: { runId: string; outputName: string };
}

/** A finished run with its output files, downloaded as they are read. */
export interface FinishedRun extends FinishedJob<Run> {
	files: AsyncIterable<OutputFile>;
}

export interface RunOptions {
	/** Bounds the whole run: the start, the wait, the downloads, retries included. */
	timeoutMs: number;
	signal?: AbortSignal;
	onProgress?(progress: WaitProgress, run: Run): void;
	plan?: Partial<PollingPlan>;
	/** Cancel the run on the server when the wait is aborted or times out (default true). */
	cancelOnStop?: boolean;
	/** Called once the server has accepted the run, before the wait: the id to look up or cancel later. */
	onSubmitted?(started: StartedRun): void;
}

/** How long a cancel request may take: it runs after the caller's own signal has fired. */
const CANCEL_TIMEOUT_MS = 15_000;

/** How long the look-up after a lost start answer may take; it runs even when the run's limit is over. */
const RECOVERY_TIMEOUT_MS = 15_000;

/** Runs listed to find a lost start: the newest of its workflow's group, created seconds ago. */
const RECOVERY_PAGE_SIZE = 50;

/** The server's own limit for `page_size`. */
const MAX_PAGE_SIZE = 100;

export class Flowscale {
	readonly http: ApiClient;

	constructor(options: FlowscaleOptions | { http: ApiClient }) {
		this.http =
			'http' in options
				? options.http
				: new ApiClient({
						service: 'Flowscale',
						baseUrl: options.baseUrl,
						env: options.env,
						retry: options.retry,
						requestTimeoutMs: options.requestTimeoutMs,
						hintFor: flowscaleHint,
					});
	}

	/** The same client with every request bounded by a limit that starts now (see `ApiClient.withDeadline`). */
	withDeadline(limitMs: number): Flowscale {
		return new Flowscale({ http: this.http.withDeadline(limitMs) });
	}

	/** Every ComfyUI container of the deployment and its state (idle, running, …). */
	async health(signal?: AbortSignal): Promise<ContainerStatus[]> {
		return (await this.envelope({ method: 'GET', path: '/api/v1/comfy/health', signal }, z.array(containerStatusSchema))).data;
	}

	/** Each container's ComfyUI queue. */
	async queue(signal?: AbortSignal): Promise<ContainerQueue[]> {
		return (await this.envelope({ method: 'GET', path: '/api/v1/comfy/queue', signal }, z.array(containerQueueSchema))).data;
	}

	/** The deployed workflows, or undefined where the deployment has no listing (404): callers then ask for an id. */
	async listWorkflows(signal?: AbortSignal): Promise<Workflow[] | undefined> {
		try {
			return (await this.envelope({ method: 'GET', path: '/api/v1/comfy/workflows', signal }, workflowListSchema)).data;
		} catch (error) {
			if (isApiError(error) && error.status === 404) return undefined;
			throw error;
		}
	}

	/**
	 * Starts a run: the inputs as form fields (multipart), the workflow and group in the query
	 * string. Sent again only if it certainly never reached the server. When the answer is lost
	 * after the request may have reached the server, the run is looked for instead of being
	 * started again; if it cannot be found the error says it may exist.
	 */
	async startRun(input: RunInput, signal?: AbortSignal): Promise<StartedRun> {
		const target = runTarget(input);
		const form = buildRunForm(input);
		const sentAt = this.http.env.now();
		try {
			const { data } = await this.envelope(
				{ method: 'POST', path: '/api/v1/runs', query: target, form, retry: 'unsent-only', signal, mustFinish: signal === undefined },
				createdRunSchema,
			);
			return { ...data, workflow_id: data.workflow_id ?? target.workflow_id };
		} catch (error) {
			if (isApiError(error) && error.status === 404 && error.serverMessage !== 'Not Found') {
				throw new InputError('workflowId', `Flowscale has no workflow "${target.workflow_id}" on this deployment (404: ${error.serverMessage}).`);
			}
			if (!mayHaveBeenCarriedOut(error)) throw error;
			const submission = { workflowId: target.workflow_id, groupId: target.group_id, form, sentAt, lostAt: this.http.env.now() };
			return await this.findLostRun(submission, error as GenflowsError);
		}
	}

	/** The run a start request made although its answer was lost: the one run that matches what was sent. */
	private async findLostRun(submission: Submission, lost: GenflowsError): Promise<StartedRun> {
		let candidates: Run[] | undefined;
		try {
			const query = { groupId: submission.groupId, sortBy: 'created_at' as const, sortOrder: 'desc' as const, page: 1, pageSize: RECOVERY_PAGE_SIZE };
			// The server may still be starting it: a look that finds nothing is made again (lostJob.ts).
			candidates = await lookAgainUntilFound(this.http.env, async () => {
				const { runs } = await this.readRunList(query, { timeoutMs: RECOVERY_TIMEOUT_MS, ignoresDeadline: true, mustFinish: true });
				const matching = runs.filter((run) => isLostRun(run, submission));
				return matching.length > 0 ? matching : undefined;
			});
		} catch (error) {
			throw lostRunError(submission, lost, `looking for it failed too (${error instanceof Error ? error.message : String(error)})`);
		}
		if (!candidates) throw lostRunError(submission, lost, 'no run with these inputs was found');
		// Two runs of the same inputs started around then (ours and another of this workflow's users,
		// or an earlier identical one): taking the newest could wait for, or cancel, someone else's run.
		if (candidates.length > 1) {
			const ids = candidates.map((run) => run.run_id).join(', ');
			throw lostRunError(submission, lost, `${candidates.length} runs with these inputs were found (${ids}), and which this request made cannot be told`);
		}
		const [found] = candidates;
		this.http.env.logger?.info(`Flowscale: the answer to starting a run of "${submission.workflowId}" was lost; found run ${found.run_id} on the server`);
		return { run_id: found.run_id, workflow_id: found.workflow_id ?? submission.workflowId, output_names: found.output_names };
	}

	async getRun(runId: string, signal?: AbortSignal): Promise<Run> {
		return (await this.envelope({ method: 'GET', path: `/api/v1/runs/${encodeURIComponent(checkRunId(runId))}`, signal }, runSchema)).data;
	}

	/** One page of runs, sorted as asked (an older server that lists every run at once is paged and sorted here). */
	async listRuns(query: RunListQuery = {}, signal?: AbortSignal): Promise<RunPage> {
		const { page, pageSize } = pagingOf(query);
		const list = await this.readRunList(query, { signal });
		if (list.pagedByServer) return list;
		const runs = list.runs.slice((page - 1) * pageSize, page * pageSize);
		return { ...list, runs, page, totalPages: Math.ceil(list.runs.length / pageSize) };
	}

	/** Every run (or the first `limit`), page by page; a run that moves to the next page while listing is listed once. */
	async listAllRuns(query: Omit<RunListQuery, 'page' | 'pageSize'> = {}, options: { limit?: number; signal?: AbortSignal } = {}): Promise<Run[]> {
		const limit = options.limit ?? Infinity;
		const byId = new Map<string, Run>();
		for (let page = 1; byId.size < limit; page++) {
			const list = await this.readRunList({ ...query, page, pageSize: MAX_PAGE_SIZE }, { signal: options.signal });
			for (const run of list.runs) if (!byId.has(run.run_id)) byId.set(run.run_id, run);
			if (!list.pagedByServer || list.runs.length === 0 || page >= list.totalPages) break;
		}
		return [...byId.values()].slice(0, limit);
	}

	/** `GET /api/v1/runs` as the server answers it; `pagedByServer` false when it sent every run (then sorted here). */
	private async readRunList(query: RunListQuery, extra: Partial<ApiRequest>): Promise<RunPage> {
		const sortBy = query.sortBy ?? 'created_at';
		const sortOrder = query.sortOrder ?? 'desc';
		const { page, pageSize } = pagingOf(query);
		if (!RUN_SORT_FIELDS.includes(sortBy)) throw new InputError('sortBy', `Runs can be sorted by ${RUN_SORT_FIELDS.join(', ')}; got "${sortBy}".`);
		if (sortOrder !== 'asc' && sortOrder !== 'desc') throw new InputError('sortOrder', `The sort order is asc or desc; got "${String(sortOrder)}".`);
		// SDK 1.1.4 always sends the sort and paging parameters, and group_id only when set.
		const params = { sort_by: sortBy, sort_order: sortOrder, page, page_size: pageSize, group_id: query.groupId?.trim() || undefined };
		const request: ApiRequest = { method: 'GET', path: '/api/v1/runs', query: params, ...extra };
		const { data, meta: rawMeta } = await this.envelope(request, runListSchema);
		const meta = parseValue(runListMetaSchema.nullish(), rawMeta, `Flowscale GET /api/v1/runs (meta)`);
		if (meta?.total_pages !== undefined) {
			return { runs: data.runs, page, totalPages: meta.total_pages, totalCount: meta.total_count ?? data.runs.length, pagedByServer: true };
		}
		const runs = sortRuns(data.runs, sortBy, sortOrder);
		return { runs, page: 1, totalPages: 1, totalCount: runs.length, pagedByServer: false };
	}

	/** What the server says of one output (by its name in `output_names`, or a stored file name). */
	async getOutput(name: string, signal?: AbortSignal): Promise<OutputState> {
		const filename = name.trim();
		if (!filename) throw new InputError('outputName', 'No output name was given: use one of the run\'s output_names.');
		let response: TransportResponse;
		const request: ApiRequest = { method: 'GET', path: '/api/v1/runs/output', query: { filename }, headers: { accept: 'application/json' }, signal };
		try {
			response = await this.http.send(request);
		} catch (error) {
			if (isApiError(error) && error.status === 408) return { state: 'timed-out' };
			if (isApiError(error) && (error.status === 404 || error.status === 504)) return { state: 'not-ready', httpStatus: error.status };
			throw error;
		}
		if (response.status === 204 || response.body.byteLength === 0) return { state: 'not-ready', httpStatus: response.status };
		return { state: 'ready', link: readEnvelope(request, response, outputSchema).data };
	}

	/**
	 * Downloads an output from its pre-signed link. The link is on another host (S3): it goes
	 * through the Env's plain transport, so neither the API key nor any credential reaches it.
	 */
	async downloadOutput(downloadUrl: string, options: { signal?: AbortSignal; outputName?: string; run?: Pick<Run, 'outputs'> } = {}): Promise<StreamedFile> {
		const url = checkLink(downloadUrl);
		const path = url.pathname;
		try {
			const response = await this.http.send({ method: 'GET', path, externalUrl: url.href, responseType: 'stream', signal: options.signal });
			return streamedFile(response, outputFileName(options.outputName ?? '', url.href, options.run));
		} catch (error) {
			if (isApiError(error) && error.status === 403 && /request has expired/i.test(error.serverMessage)) throw expiredLinkError(path, error);
			if (isConnectionError(error) && !error.hint) throw storageHostError(error);
			throw error;
		}
	}

	/**
	 * Every output of a finished run, in `output_names` order, each opened when the caller reaches
	 * it. An output the server has not stored yet is asked for again until the client's deadline
	 * (or OUTPUT_READY_LIMIT_MS when it has none).
	 */
	async *results(run: Run, signal?: AbortSignal): AsyncIterable<OutputFile> {
		const { env } = this.http;
		const end = this.http.deadline ?? { at: env.now() + OUTPUT_READY_LIMIT_MS, limitMs: OUTPUT_READY_LIMIT_MS };
		const label = jobLabel(FLOWSCALE_JOB_WORDS, run.run_id);
		for (const name of outputNamesOf(run)) {
			const link = await waitForOutput((readSignal) => this.getOutput(name, readSignal), { env, label, runId: run.run_id, name, end, signal });
			const file = await this.downloadOutput(link.download_url, { signal, outputName: name, run });
			yield { ...file, details: { runId: run.run_id, outputName: name } };
		}
	}

	/**
	 * Cancels a queued or running run. `afterStop`: sent after the caller stopped (a wait aborted
	 * or timed out), so it takes no signal, must reach the server, and has its own short limit.
	 */
	async cancelRun(runId: string, options: { signal?: AbortSignal; afterStop?: boolean } = {}): Promise<void> {
		const request: ApiRequest = { method: 'POST', path: `/api/v1/runs/${encodeURIComponent(checkRunId(runId))}/cancel`, retry: 'safe' };
		const bounds: Partial<ApiRequest> = options.afterStop ? { timeoutMs: CANCEL_TIMEOUT_MS, mustFinish: true, ignoresDeadline: true } : { signal: options.signal };
		await this.envelope({ ...request, ...bounds }, z.unknown());
	}

	/**
	 * The main job: start, wait for the run, hand on its outputs, all within `timeoutMs` (requests,
	 * retries and downloads included). When the wait stops the run is cancelled on the server.
	 */
	async runWorkflow(input: RunInput, options: RunOptions): Promise<FinishedRun> {
		options.signal?.throwIfAborted();
		// A client that is already bounded (the caller listed workflows within the same limit) keeps its end.
		const bounded = this.http.deadline ? this : this.withDeadline(options.timeoutMs);
		const deadline = bounded.http.deadline ?? { at: this.http.env.now() + options.timeoutMs, limitMs: options.timeoutMs };
		// Not abortable once sent: aborting could leave a run that was started but whose id we never
		// learn. If the signal fires meanwhile, the wait below sees it and cancels the run.
		const submittedAt = this.http.env.now();
		const started = await bounded.startRun(input);
		options.onSubmitted?.(started);
		const [finished] = await waitForAll(flowscaleJobs(bounded), [started.run_id], {
			env: this.http.env,
			submittedAt,
			endsAt: deadline.at,
			limitMs: deadline.limitMs,
			signal: options.signal,
			onProgress: options.onProgress,
			plan: options.plan,
			cancelOnStop: options.cancelOnStop,
		});
		return finished as FinishedRun;
	}

	/** A request whose answer is the `{status, data, errors, meta}` envelope. */
	private async envelope<Data extends z.ZodTypeAny>(request: ApiRequest, data: Data): Promise<Envelope<Data>> {
		const response = await this.http.send({ ...request, headers: { accept: 'application/json', ...request.headers } });
		return readEnvelope(request, response, data);
	}
}

/** The answer's envelope, checked; a 2xx whose envelope says `status: "error"` is an error all the same. */
interface Envelope<Data extends z.ZodTypeAny> {
	status: string;
	data: z.infer<Data>;
	meta?: Record<string, unknown> | null;
}

function readEnvelope<Data extends z.ZodTypeAny>(request: ApiRequest, response: TransportResponse, data: Data): Envelope<Data> {
	const context = `Flowscale ${request.method} ${request.path}`;
	const body = parseJsonResponse(z.unknown(), response.body, context);
	if (errorEnvelopeSchema.safeParse(body).success) {
		throw new ApiError({ service: 'Flowscale', status: response.status, method: request.method, path: request.path, serverMessage: serverMessageFrom(response) });
	}
	return parseValue(envelopeSchema(data), body, context) as Envelope<Data>;
}

function pagingOf(query: RunListQuery): { page: number; pageSize: number } {
	const page = query.page ?? 1;
	const pageSize = query.pageSize ?? 10;
	if (!Number.isSafeInteger(page) || page < 1) throw new InputError('page', `The page must be a whole number of 1 or more; got ${page}.`);
	if (!Number.isSafeInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
		throw new InputError('pageSize', `The page size must be a whole number from 1 to ${MAX_PAGE_SIZE}; got ${pageSize}.`);
	}
	return { page, pageSize };
}

/** Sorted as the paged server sorts: a missing time before every time. */
function sortRuns(runs: Run[], field: RunSortField, order: 'asc' | 'desc'): Run[] {
	const sign = order === 'asc' ? 1 : -1;
	const timeOf = (run: Run) => Date.parse(run[field] ?? '') || -Infinity;
	return [...runs].sort((a, b) => sign * (timeOf(a) - timeOf(b) || 0));
}

function checkRunId(runId: string): string {
	const id = String(runId ?? '').trim();
	if (!id) throw new InputError('runId', 'No run id was given.');
	return id;
}

function flowscaleHint(status: number, path: string): string | undefined {
	if ((status === 401 || status === 403) && path.startsWith('/api/')) {
		return "Check the API key: Flowscale wants the deployment's key in the X-API-KEY header of every request (the credential's API Key, or --api-key / FLOWSCALE_API_KEY).";
	}
	if (status === 404 && path.startsWith('/api/v1/comfy/')) {
		return "If every request gets 404, the address may not be the deployment's API URL (such as https://my-deployment.pod.flowscale.ai).";
	}
	return undefined;
}

/** A storage host that could not be reached: said so, so that no one goes to change the deployment's address. */
function storageHostError(error: ConnectionError): ConnectionError {
	const wrapped = new ConnectionError(error.phase, error.reason, {
		code: error.code,
		cause: error,
		retryable: error.retryable,
		message: error.message,
		hint: "The file is on Flowscale's storage host, not on the deployment: try again later, or get a fresh link with Get Output.",
	});
	wrapped.method = error.method;
	wrapped.path = error.path;
	return wrapped;
}
