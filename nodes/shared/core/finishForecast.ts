// Runtime-neutral: web-standard APIs only (no node:, Deno, process), so n8n, Node and Deno share it.
//
// When one job will likely end, in our clock, from the run times of its flow (runTimes.ts) and
// what the waiter saw of it: when it was last known not started (submitted, or seen queued) and
// when it was first seen running. The window of a likely end is [last not started + shortest run,
// first seen running + longest run]; the waiter sleeps up to it and polls densely inside it. While
// the job is queued, the number of jobs ahead of it and how fast that number falls say when it
// will start.
import type { PollingPlan } from './pollingPlan.ts';
import { clamp } from './pollingPlan.ts';
import type { RunTimeExpectation } from './runTimes.ts';

export interface FinishWindow {
	from: number;
	to: number;
}

export class FinishForecast {
	private notStartedAt?: number;
	private seenRunningAt?: number;
	private expectation?: RunTimeExpectation;
	/** Set when the job proved the history wrong (it ran far faster or slower): the waiter does without it. */
	private dropped = false;
	private queue: Array<{ at: number; ahead: number; sameFlow: boolean }> = [];

	constructor(submittedAt?: number) {
		this.notStartedAt = submittedAt;
	}

	learn(expectation: RunTimeExpectation | undefined): void {
		this.expectation = expectation;
	}

	sawQueued(now: number): void {
		this.notStartedAt = now;
		this.seenRunningAt = undefined;
	}

	sawRunning(now: number): void {
		this.seenRunningAt ??= now;
	}

	/**
	 * Jobs ahead of ours in the queue, per job the server runs at once (JobAdapter.jobsAhead):
	 * 0 means ours has started.
	 */
	sawAhead(now: number, ahead: number, sameFlow = false): void {
		if (ahead > 0) {
			this.sawQueued(now);
			this.queue.push({ at: now, ahead, sameFlow });
		} else {
			this.sawRunning(now);
		}
	}

	/**
	 * Where the job's end likely lies, once its flow's run times are known and its start is
	 * bracketed: by the checks (last seen not started, first seen running) and by the queue readings.
	 */
	window(): FinishWindow | undefined {
		const expectation = this.expectation;
		if (this.dropped || !expectation) return undefined;
		const queued = this.startFromQueue(expectation);
		const start = { from: Math.max(this.notStartedAt ?? -Infinity, queued.from), to: Math.min(this.seenRunningAt ?? Infinity, queued.to) };
		if (!Number.isFinite(start.from) || !Number.isFinite(start.to) || start.from > start.to) return undefined;
		const window = { from: start.from + expectation.shortestMs, to: start.to + expectation.longestMs };
		// When the start is known only to within more than a few run times, the window tells little: poll as without it.
		return window.to - window.from > 4 * expectation.typicalMs ? undefined : window;
	}

	/**
	 * How long the job has run, from when it was first seen running. With run times known the
	 * waiter reads rarely mid-job, so the first progress reading comes late; polling on progress
	 * counts from the start instead (without run times it stays as it always was: 0 here).
	 */
	runningFor(now: number): number {
		return this.expectation && this.seenRunningAt !== undefined ? now - this.seenRunningAt : 0;
	}

	/** The queue readings pin the end down to within a run time: no more checks of the queue are needed, only reads of the job around its end. */
	get startIsKnown(): boolean {
		const window = this.window();
		return window !== undefined && this.expectation !== undefined && window.to - window.from <= this.expectation.typicalMs;
	}

	/**
	 * Progress says how long the job will run too: its linear estimate, or less by up to
	 * `earlyFinishShare` (progress may jump to 100 % from 80-95 %). If that span misses the
	 * expected run time by far (the job runs with other settings than the ones before: a bigger
	 * image, more steps), the history does not fit this job: drop it and poll on progress alone.
	 */
	checkProgress(linearTotal: number | undefined, runningMs: number, plan: PollingPlan): void {
		const expectation = this.expectation;
		if (!expectation || this.dropped || linearTotal === undefined || runningMs < expectation.typicalMs * 0.25) return;
		const slack = 0.15;
		if (linearTotal * (1 - plan.earlyFinishShare) > expectation.longestMs * (1 + slack) || linearTotal < expectation.shortestMs * (1 - slack)) {
			this.dropped = true;
		}
	}

	/**
	 * The next wait for a running job, or undefined to poll on progress alone: before the window,
	 * sleep up to it (with a read now and then to see a failure); inside it, spread reads evenly,
	 * unless the window is wider than progress can narrow the end and progress has a rate (then
	 * progress decides).
	 */
	runningDelay(now: number, plan: PollingPlan, progressHasRate: boolean): number | undefined {
		const window = this.window();
		if (!window || !this.expectation) return undefined;
		const width = window.to - window.from;
		const narrow = width <= this.expectation.typicalMs * plan.earlyFinishShare;
		const cap = narrow ? plan.priorDenseMaxMs : plan.denseMaxMs;
		const interval = clamp(width / plan.priorReadsPerWindow, plan.minMs, Math.max(plan.minMs, cap));
		// The first dense read one interval into the window: a read at its very start finds the job running.
		const firstRead = window.from + interval;
		if (now < firstRead - plan.minMs) return Math.min(firstRead - now, this.safetyMs(plan));
		if (!narrow && progressHasRate) return undefined;
		if (now < window.to + interval) return interval;
		// Past the window and not done: this run is slower than every one before it.
		this.dropped = true;
		return undefined;
	}

	/**
	 * With a push channel, reads are a safety net: at the window's start (the push may have been
	 * missed) and no denser than the sparse interval, otherwise.
	 */
	pushSafetyDelay(now: number, plan: PollingPlan): number {
		const window = this.window();
		if (window && now < window.from) return Math.min(window.from - now, this.safetyMs(plan));
		return plan.maxMs;
	}

	/**
	 * The next wait for a queued job whose place in the queue is known: a share of the time until it
	 * likely starts, from how fast the jobs ahead leave (or, before that is seen, the flow's typical
	 * run time per job ahead), so that the checks get denser as the start nears and stay few.
	 */
	queuedDelay(now: number, plan: PollingPlan): number | undefined {
		const window = this.window();
		if (window && this.startIsKnown) return Math.max(plan.minMs, window.from - now);
		const last = this.queue.at(-1);
		if (!last) return undefined;
		const first = this.queue.find((reading) => reading.ahead > last.ahead);
		const perJobMs = first ? (last.at - first.at) / (first.ahead - last.ahead) : this.expectation?.typicalMs;
		if (perJobMs === undefined) return undefined;
		// The job now running is, on average, half done.
		const untilStart = (last.ahead - 0.5) * perJobMs;
		// Next in line: look when the one running likely ends (looking sooner only finds it still running).
		const share = last.ahead <= 1 ? 1 : plan.queueSleepShare;
		// Until the queue has been seen to move, a count of jobs of other flows says little of when
		// ours starts (a minute-long job may wait behind a few quick ones): look again within one run
		// time of ours, so that it cannot have ended unseen, and learn the real pace.
		const cap = first || last.sameFlow ? Infinity : Math.max(plan.minMs, perJobMs);
		return Math.max(plan.minMs, Math.min(untilStart * share, cap));
	}

	/**
	 * When the job started, as the queue readings tell: a reading of n jobs ahead says it starts
	 * after n - 1 and before n more run times (the one running may have just started or be about to
	 * end). Readings at different moments narrow this down, sharper than the moments of the checks.
	 */
	private startFromQueue(expectation: RunTimeExpectation): FinishWindow {
		let from = -Infinity;
		let to = Infinity;
		for (const { at, ahead } of this.queue) {
			from = Math.max(from, at + (ahead - 1) * expectation.shortestMs);
			to = Math.min(to, at + ahead * expectation.longestMs);
		}
		// Readings that contradict each other (jobs ahead were cancelled, or ran longer): trust only the checks.
		return from <= to ? { from, to } : { from: -Infinity, to: Infinity };
	}

	private safetyMs(plan: PollingPlan): number {
		return Math.max(plan.maxMs, (this.expectation?.typicalMs ?? 0) * plan.priorSafetyShare);
	}
}
