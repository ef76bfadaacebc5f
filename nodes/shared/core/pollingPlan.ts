// Runtime-neutral: web-standard APIs only (no node:, Deno, process), so n8n, Node and Deno share it.
//
// How often the waiter reads a job: the tuning a provider may adjust, and the interval it picks
// from progress alone (finishForecast.ts picks it from the flow's past run times where known).
import type { JobStatus } from './waiter.ts';

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
	/** Reads spread over the window in which past run times say the job ends (between minMs and denseMaxMs apart). */
	priorReadsPerWindow: number;
	/** The sparsest polling inside that window: below denseMaxMs, so that knowing the run time never makes us later than without it. */
	priorDenseMaxMs: number;
	/** Before that window, read at least every this share of the typical run time (never denser than maxMs), to see a failure. */
	priorSafetyShare: number;
	/** Queued with a known place in the queue: sleep this share of the time until the job likely starts, then look again. */
	queueSleepShare: number;
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
	priorReadsPerWindow: 20,
	priorDenseMaxMs: 500,
	priorSafetyShare: 0.2,
	queueSleepShare: 0.95,
};

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

export function clamp(value: number, min: number, max: number): number {
	return Math.min(max, Math.max(min, Math.round(value)));
}

