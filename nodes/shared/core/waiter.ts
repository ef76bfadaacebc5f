// Runtime-neutral: web-standard APIs only (no node:, Deno, process), so n8n, Node and Deno share it.
import type { Env } from './env.ts';
import type { RemoteCancelOutcome } from './errors.ts';
import {
	describeCancel,
	isAbortError,
	isApiError,
	isConnectionError,
	isGenflowsError,
	JobAbortedError,
	JobFailedError,
	JobTimeoutError,
	GenflowsError,
} from './errors.ts';
import { ProgressEstimator } from './eta.ts';
import type { JobAdapter } from './job.ts';
import { jobLabel } from './job.ts';

export type JobPhase = 'queued' | 'running' | 'succeeded' | 'failed';

/** A backend's job state, mapped to what the waiter understands. */
export interface JobStatus {
	phase: JobPhase;
	/** Percent, 0..100, when the backend reports it. */
	progress?: number;
	/** The server's error text for a failed job. */
	error?: string;
	/** What the job is doing now, in the server's words (e.g. the node being run), for a progress line. */
	stage?: string;
}

export interface WaitProgress extends JobStatus {
	elapsedMs: number;
	/** Estimated milliseconds until the job finishes, when progress allows a guess. */
	etaMs?: number;
}

export interface PollingPlan {
	/** Wait before the first read, and the first interval while the job is queued. */
	initialMs: number;
	/** Densest polling at all. */
	minMs: number;
	/** Sparsest polling, used in the middle of a long job. */
	maxMs: number;
	/** Sparsest polling while the job is queued: it may start, and end, any moment. */
	queuedMaxMs: number;
	/** Factor by which the interval grows while nothing tells us when the job ends. */
	growth: number;
	/** Poll after this share of the time left until the earliest likely finish. */
	etaFraction: number;
	/**
	 * How much sooner than the linear estimate a job may end, as a share of the time it has run
	 * (a backend whose progress jumps to 100 % from 80-95 % sets it in its adapter's `polling`).
	 */
	earlyFinishShare: number;
	/** Polling interval near the end, as a share of the time the job has run (between min and denseMaxMs). */
	denseShare: number;
	denseMaxMs: number;
}

export const defaultPollingPlan: PollingPlan = {
	initialMs: 500,
	minMs: 200,
	maxMs: 10_000,
	queuedMaxMs: 2_000,
	growth: 1.5,
	etaFraction: 0.5,
	earlyFinishShare: 0.25,
	denseShare: 0.01,
	denseMaxMs: 1_000,
};

/**
 * How a push channel tells the waiter: `wake()` when the job may have changed state, so it is read
 * at once; `wake(status)` with news of a job still queued or running (progress, the node it runs),
 * reported as progress without a request. News that the job ended only wakes a read: the server's
 * state is the truth, the socket a hint.
 */
export type PushWake = (news?: JobStatus) => void;

export interface WaitForJobOptions<Job> {
	/** How the job is named in messages, e.g. "Visionatrix task 42". */
	label: string;
	jobId: string;
	env: Env;
	read(signal?: AbortSignal): Promise<Job>;
	status(job: Job): JobStatus;
	timeoutMs: number;
	/** The limit to name in a timeout message when `timeoutMs` is what was left of a longer one. */
	limitMs?: number;
	signal?: AbortSignal;
	onProgress?(progress: WaitProgress, job: Job): void;
	/** Cancels the job on the server; called when the wait is aborted or times out. */
	cancel?(): Promise<void>;
	/**
	 * A push channel (WebSocket, Socket.IO): call `wake()` whenever the job may have changed, and
	 * the waiter reads it at once instead of sleeping on. Returns an unsubscribe function.
	 */
	subscribe?(wake: PushWake): () => void;
	plan?: Partial<PollingPlan>;
	/** Consecutive failed reads (each already retried by the client) tolerated before giving up. */
	maxReadFailures?: number;
}

/**
 * Waits until a job succeeds (returning its last state) or fails (JobFailedError). On abort or
 * timeout it cancels the remote job where the backend can and says in the error whether it did.
 */
export async function waitForJob<Job>(options: WaitForJobOptions<Job>): Promise<Job> {
	const { env, signal } = options;
	const plan = { ...defaultPollingPlan, ...options.plan };
	const startedAt = env.now();
	const deadline = startedAt + options.timeoutMs;
	const estimator = new ProgressEstimator();
	const alarm = new WakeAlarm();
	let delay = Math.min(plan.initialMs, options.timeoutMs);
	let lastState = 'not read yet';
	let lastPhase: JobPhase | undefined;
	let lastJob: { job: Job } | undefined;
	let lastPushAt: number | undefined;
	let readFailures = 0;
	const unsubscribe = options.subscribe?.((news) => {
		lastPushAt = env.now();
		if (!news || news.phase === 'succeeded' || news.phase === 'failed') return alarm.ring();
		// Progress by push: reported as it comes, once the job has been read (onProgress passes the job).
		if (!lastJob) return;
		const now = env.now();
		if (news.progress !== undefined) estimator.record(now, news.progress);
		lastState = describeState(news);
		options.onProgress?.({ ...news, elapsedMs: now - startedAt, etaMs: estimator.remainingMs(now) }, lastJob.job);
	});

	try {
		for (;;) {
			await alarm.sleep(env, delay, signal);
			if (signal?.aborted) throw await stopped(options, 'aborted', lastState);

			let job: Job;
			try {
				job = await options.read(signal);
				readFailures = 0;
			} catch (error) {
				if (signal?.aborted || isAbortError(error)) throw await stopped(options, 'aborted', lastState);
				if (isGenflowsError(error) && error.kind === 'deadline') throw await stopped(options, 'timeout', lastState);
				if (isApiError(error) && error.status === 404) {
					throw new JobFailedError(options.label, options.jobId, `it no longer exists on the server (${error.serverMessage})`);
				}
				readFailures++;
				if (!isPassingFault(error) || readFailures > (options.maxReadFailures ?? 5)) {
					throw await stopped(options, 'lost', lastState, error);
				}
				if (env.now() >= deadline) throw await stopped(options, 'timeout', lastState);
				delay = Math.min(plan.maxMs, Math.max(delay, plan.initialMs) * plan.growth, Math.max(0, deadline - env.now()));
				continue;
			}

			lastJob = { job };
			const status = options.status(job);
			const now = env.now();
			if (status.progress !== undefined) estimator.record(now, status.progress);
			const etaMs = estimator.remainingMs(now);
			const runningMs = estimator.runningMs(now);
			lastState = describeState(status);
			options.onProgress?.({ ...status, elapsedMs: now - startedAt, etaMs }, job);

			if (status.phase === 'succeeded') return job;
			if (status.phase === 'failed') {
				throw new JobFailedError(options.label, options.jobId, status.error || 'the server reported an error without a message');
			}
			const left = deadline - now;
			if (left <= 0) throw await stopped(options, 'timeout', lastState);
			const startedNow = status.phase === 'running' && lastPhase !== 'running';
			lastPhase = status.phase;
			// While the push channel speaks, it says when to look: reads are only its safety net, at the sparsest interval.
			const pushSpeaks = lastPushAt !== undefined && now - lastPushAt <= plan.maxMs;
			delay = Math.min(pushSpeaks ? plan.maxMs : nextDelay(status, { etaMs, runningMs, startedNow }, delay, plan), left);
		}
	} finally {
		unsubscribe?.();
	}
}

export interface WaitOptions<Job> {
	env: Env;
	timeoutMs: number;
	/** The limit to name in a timeout message when `timeoutMs` is what was left of a longer one. */
	limitMs?: number;
	signal?: AbortSignal;
	onProgress?(progress: WaitProgress, job: Job): void;
	plan?: Partial<PollingPlan>;
	/** Cancel the job on the server when the wait is aborted or times out (default true, where the adapter can). */
	cancelOnStop?: boolean;
}

/** Waits for one job of a provider, through its adapter: its label, reads, cancel, push channel and tuning. */
export function waitFor<Job>(adapter: JobAdapter<Job>, id: string, options: WaitOptions<Job>): Promise<Job> {
	const cancel = adapter.cancel;
	const subscribe = adapter.subscribe;
	return waitForJob<Job>({
		label: jobLabel(adapter, id),
		jobId: id,
		env: options.env,
		read: (signal) => adapter.read(id, signal),
		status: (job) => adapter.status(job),
		timeoutMs: options.timeoutMs,
		limitMs: options.limitMs,
		signal: options.signal,
		onProgress: options.onProgress,
		cancel: options.cancelOnStop === false || !cancel ? undefined : () => cancel.call(adapter, id),
		subscribe: subscribe ? (wake) => subscribe.call(adapter, id, wake) : undefined,
		plan: { ...adapter.polling, ...options.plan },
	});
}

/**
 * The next polling interval. With a progress rate it heads for the earliest likely finish
 * (the linear estimate less a margin that grows with the time the job has run): sparse in the
 * middle of a long job, dense from there on, the dense interval scaled to the job's length.
 * Queued, it backs off gently up to a short cap; running without a rate yet, it reads again soon
 * after the start and then backs off gently.
 */
export function nextDelay(
	status: JobStatus,
	estimate: { etaMs?: number; runningMs: number; startedNow?: boolean },
	previousMs: number,
	plan: PollingPlan,
): number {
	if (status.phase === 'queued') return clamp(previousMs * plan.growth, plan.minMs, Math.max(plan.minMs, plan.queuedMaxMs));
	// Just started: read again soon, to learn how fast it goes (a short job may be done quickly).
	if (estimate.startedNow && estimate.etaMs === undefined) return clamp(plan.initialMs, plan.minMs, plan.maxMs);
	if (status.phase === 'running' && estimate.etaMs !== undefined) {
		const dense = clamp(estimate.runningMs * plan.denseShare, plan.minMs, Math.max(plan.minMs, plan.denseMaxMs));
		const untilEarliestFinish = estimate.etaMs - estimate.runningMs * plan.earlyFinishShare;
		if (untilEarliestFinish <= 0) return dense;
		// A rate seen over a short stretch is a poor guess: sleep no longer than the job has been watched.
		const trusted = Math.max(plan.initialMs, estimate.runningMs);
		return clamp(untilEarliestFinish * plan.etaFraction, dense, Math.max(dense, Math.min(plan.maxMs, trusted)));
	}
	return clamp(previousMs * plan.growth, plan.minMs, plan.maxMs);
}

function clamp(value: number, min: number, max: number): number {
	return Math.min(max, Math.max(min, Math.round(value)));
}

/** "running, 42.0 %" (and the stage, where the server names one): how a job stood, for messages. */
export function describeState(status: JobStatus): string {
	const stage = status.stage ? `, ${status.stage}` : '';
	if (status.progress === undefined) return `${status.phase}${stage}`;
	return `${status.phase}, ${status.progress.toFixed(1)} %${stage}`;
}

function isPassingFault(error: unknown): boolean {
	return isConnectionError(error) || (isApiError(error) && (error.status === 429 || error.status >= 500));
}

/**
 * Ends a wait that will not see the job finish, cancelling the job on the server first (where the
 * backend can) so that nothing keeps running that nobody collects.
 */
async function stopped(
	options: WaitForJobOptions<unknown>,
	why: 'aborted' | 'timeout' | 'lost',
	lastState: string,
	cause?: unknown,
): Promise<GenflowsError> {
	const outcome = await cancelRemote(options);
	const detail = outcome.status === 'failed' ? ` (${outcome.reason})` : '';
	options.env.logger?.info(`${options.label}: stopped waiting (${why}); remote cancel: ${outcome.status}${detail}`);
	if (why === 'aborted') return new JobAbortedError(options.label, options.jobId, outcome);
	if (why === 'timeout') return new JobTimeoutError(options.label, options.jobId, options.limitMs ?? options.timeoutMs, lastState, outcome);
	const reason = cause instanceof Error ? cause.message : String(cause);
	return new GenflowsError('connection', `Lost contact while waiting for ${options.label}: ${reason}. ${describeCancel(options.label, outcome)}`, {
		hint: `Look the job up by its ID (${options.jobId}) once the server answers again.`,
		cause,
	});
}

async function cancelRemote(options: WaitForJobOptions<unknown>): Promise<RemoteCancelOutcome> {
	if (!options.cancel) return { status: 'not-supported' };
	try {
		await options.cancel();
		return { status: 'cancelled' };
	} catch (error) {
		return { status: 'failed', reason: error instanceof Error ? error.message : String(error) };
	}
}

/** A sleep that a push event can cut short. */
class WakeAlarm {
	private controller = new AbortController();
	private rang = false;

	ring(): void {
		this.rang = true;
		this.controller.abort();
	}

	async sleep(env: Env, ms: number, signal?: AbortSignal): Promise<void> {
		if (this.rang || signal?.aborted) {
			this.reset();
			return;
		}
		const signals = signal ? [signal, this.controller.signal] : [this.controller.signal];
		try {
			await env.sleep(ms, AbortSignal.any(signals));
		} catch (error) {
			// An aborted sleep may reject; the caller checks the signal itself.
			if (!isAbortError(error) && !signal?.aborted && !this.rang) throw error;
		}
		this.reset();
	}

	private reset(): void {
		if (this.rang) {
			this.rang = false;
			this.controller = new AbortController();
		}
	}
}
