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
import { FinishForecast } from './finishForecast.ts';
import type { JobAdapter, QueuePlace } from './job.ts';
import { jobLabel } from './job.ts';
import type { PollingPlan } from './pollingPlan.ts';
import { defaultPollingPlan, nextDelay } from './pollingPlan.ts';
import type { RunTimeExpectation, RunTimeHistory } from './runTimes.ts';
import { sharedRunTimeHistory } from './runTimes.ts';

export type { PollingPlan } from './pollingPlan.ts';
export { defaultPollingPlan, nextDelay } from './pollingPlan.ts';

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
	/** When the job was submitted (our clock), if the wait follows its submission: it cannot have started before. */
	submittedAt?: number;
	/** How long jobs like this one run (asked once, when the job is first seen queued or running). */
	runTimes?(job: Job, signal?: AbortSignal): Promise<RunTimeExpectation | undefined>;
	/** Told of the job that succeeded (to learn its run time). */
	finished?(job: Job): void;
	/** Jobs ahead of this one in the server's queue (0 once it has started); undefined when the server cannot tell. */
	jobsAhead?(job: Job, signal?: AbortSignal): Promise<QueuePlace | undefined>;
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

	const forecast = new FinishForecast(options.submittedAt);
	let askedRunTimes = false;
	// The interval polling on progress alone would use next; a long sleep the forecast chose does not make it grow.
	let progressDelay = delay;
	const pushSpeaks = (now: number) => lastPushAt !== undefined && now - lastPushAt <= plan.maxMs;
	// Where the job stands in the queue (one small request instead of reading the job); undefined when unknown.
	const askAhead = async (job: Job): Promise<number | undefined> => {
		try {
			const place = await options.jobsAhead?.(job, signal);
			if (place === undefined) return undefined;
			forecast.sawAhead(env.now(), place.ahead, place.sameFlow);
			return place.ahead;
		} catch (error) {
			if (signal?.aborted || isAbortError(error)) throw await stopped(options, 'aborted', lastState);
			return undefined;
		}
	};

	try {
		for (;;) {
			await alarm.sleep(env, delay, signal);
			if (signal?.aborted) throw await stopped(options, 'aborted', lastState);

			// Queued behind others: ask how many are still ahead, and read the job itself only once it has started.
			if (lastPhase === 'queued' && lastJob && options.jobsAhead && !forecast.startIsKnown && !pushSpeaks(env.now())) {
				const ahead = await askAhead(lastJob.job);
				const now = env.now();
				if (now >= deadline) throw await stopped(options, 'timeout', lastState);
				const stillQueued = () => forecast.queuedDelay(now, plan) ?? (progressDelay = nextDelay({ phase: 'queued' }, { runningMs: 0 }, progressDelay, plan));
				const untilNext = ahead === undefined ? undefined : ahead > 0 ? stillQueued() : forecast.runningDelay(now, plan, false);
				if (untilNext !== undefined) {
					if (ahead === 0) lastPhase = 'running';
					delay = Math.min(untilNext, deadline - now);
					continue;
				}
			}

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
			let now = env.now();
			if (status.progress !== undefined) estimator.record(now, status.progress);
			const etaMs = estimator.remainingMs(now);
			const runningMs = estimator.runningMs(now);
			lastState = describeState(status);
			options.onProgress?.({ ...status, elapsedMs: now - startedAt, etaMs }, job);

			if (status.phase === 'succeeded') {
				options.finished?.(job);
				return job;
			}
			if (status.phase === 'failed') {
				throw new JobFailedError(options.label, options.jobId, status.error || 'the server reported an error without a message');
			}
			if (status.phase === 'queued') forecast.sawQueued(now);
			else forecast.sawRunning(now);
			if (!askedRunTimes && options.runTimes) {
				askedRunTimes = true;
				forecast.learn(await options.runTimes(job, signal).catch(() => undefined));
			}
			if (status.phase === 'queued' && lastPhase !== 'queued' && options.jobsAhead && !pushSpeaks(now)) await askAhead(job);
			now = env.now();
			forecast.checkProgress(estimator.linearTotalMs(), runningMs, plan);

			const left = deadline - now;
			if (left <= 0) throw await stopped(options, 'timeout', lastState);
			const startedNow = status.phase === 'running' && lastPhase !== 'running';
			lastPhase = status.phase;
			const byProgress = () =>
				(progressDelay = nextDelay(status, { etaMs, runningMs: Math.max(runningMs, forecast.runningFor(now)), startedNow }, progressDelay, plan));
			// While the push channel speaks, it says when to look: reads are only its safety net.
			if (pushSpeaks(now)) delay = forecast.pushSafetyDelay(now, plan);
			else if (status.phase === 'queued') delay = forecast.queuedDelay(now, plan) ?? byProgress();
			else delay = forecast.runningDelay(now, plan, etaMs !== undefined) ?? byProgress();
			delay = Math.min(delay, left);
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
	/** When the job was submitted (our clock), if the wait follows its submission. */
	submittedAt?: number;
	/** Where run times are learnt and kept (default: the one history of this process). */
	runTimeHistory?: RunTimeHistory;
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
		submittedAt: options.submittedAt,
		...learningRunTimes(adapter, options.runTimeHistory ?? options.env.runTimeHistory ?? sharedRunTimeHistory, options.env),
		jobsAhead: adapter.jobsAhead ? (job, signal) => adapter.jobsAhead!(job, signal) : undefined,
	});
}

/** The waiter's run-time hooks for an adapter that knows its jobs' flows: ask the history, teach it. */
function learningRunTimes<Job>(adapter: JobAdapter<Job>, history: RunTimeHistory, env: Env): Pick<WaitForJobOptions<Job>, 'runTimes' | 'finished'> {
	const { flowKey, runTimeMs, recentRunTimes } = adapter;
	if (!flowKey) return {};
	return {
		runTimes(job, signal) {
			const flow = flowKey.call(adapter, job);
			if (flow === undefined) return Promise.resolve(undefined);
			return history.expect(flow, env.now(), recentRunTimes ? () => recentRunTimes.call(adapter, job, signal) : undefined);
		},
		finished(job) {
			const flow = flowKey.call(adapter, job);
			const ms = runTimeMs?.call(adapter, job);
			if (flow !== undefined && ms !== undefined) history.record(flow, ms, env.now());
		},
	};
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
