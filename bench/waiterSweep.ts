// The waiter on a simulated clock (bench/virtualClock.ts): jobs of 2 s to an hour whose length
// varies from run to run by a given spread, with and without a history of past run times, against
// fixed pollers; and 50 jobs queued on one GPU. Only the waiter's schedule is measured: a "server"
// answers each read at once with the job's state at that moment, as the Visionatrix simulator
// reports it (progress in uneven steps at even intervals, up to 80-95 %, then 100 at the end).
import type { JobStatus, PollingPlan } from '../nodes/shared/core/waiter.ts';
import { waitForJob } from '../nodes/shared/core/waiter.ts';
import { RunTimeHistory } from '../nodes/shared/core/runTimes.ts';
import { VISIONATRIX_POLLING } from '../nodes/shared/providers/visionatrix/job.ts';
import { seededRandom as seeded } from './chaos/faults.ts';
import { percentile } from './stats.ts';
import { VirtualClock } from './virtualClock.ts';

export const SWEEP_DURATIONS_MS = [2_000, 10_000, 60_000, 600_000, 3_600_000];
export const SWEEP_SPREADS = [0, 0.05, 0.2];
const HISTORY_SAMPLES = 12;
const STEPS = 20;

type Random = () => number;

const drawLength = (nominalMs: number, spread: number, random: Random) => nominalMs * (1 + spread * (2 * random() - 1));

/** One simulated job: when it starts and ends, and the progress it reports on the way. */
export class SimulatedJob {
	readonly progressAt: number[];

	constructor(
		readonly startsAt: number,
		readonly lengthMs: number,
		random: Random,
	) {
		// Uneven steps that add up to where the jump to 100 % starts (80-95 %).
		const steps = Array.from({ length: STEPS }, () => 0.4 + 1.2 * random());
		const scale = (80 + 15 * random()) / steps.reduce((sum, step) => sum + step, 0);
		let progress = 0;
		const values: number[] = [];
		for (const step of steps) {
			progress += step * scale;
			values.push(progress);
		}
		this.progressAt = values;
	}

	get endsAt(): number {
		return this.startsAt + this.lengthMs;
	}

	status(now: number): JobStatus {
		if (now < this.startsAt) return { phase: 'queued' };
		if (now >= this.endsAt) return { phase: 'succeeded', progress: 100 };
		const step = Math.floor(((now - this.startsAt) / this.lengthMs) * (STEPS + 1));
		return { phase: 'running', progress: step === 0 ? 0 : this.progressAt[step - 1] };
	}
}

export interface SweepStrategy {
	name: string;
	plan?: Partial<PollingPlan>;
	history: boolean;
}

const fixed = (ms: number): Partial<PollingPlan> => ({ initialMs: ms, minMs: ms, maxMs: ms, queuedMaxMs: ms, growth: 1 });

export const SWEEP_STRATEGIES: SweepStrategy[] = [
	{ name: 'genflows, with history', history: true },
	{ name: "genflows, no history (today's waiter)", history: false },
	{ name: 'fixed 1 s poller', plan: fixed(1_000), history: false },
	{ name: 'fixed 5 s poller', plan: fixed(5_000), history: false },
];

export interface SweepRow {
	durationMs: number;
	spread: number;
	strategy: string;
	jobs: number;
	medianLatencyMs: number;
	p90LatencyMs: number;
	medianRequests: number;
	meanRequests: number;
}

function historyOf(nominalMs: number, spread: number, random: Random): RunTimeHistory {
	const history = new RunTimeHistory();
	for (let run = 0; run < HISTORY_SAMPLES; run++) history.record('flow', drawLength(nominalMs, spread, random), 0);
	return history;
}

/**
 * One job submitted at time 0 to a free GPU, which picks it up within a second (a random moment,
 * so that a fixed poller's phase against the job's end is random, as it is for real jobs), waited
 * for by one strategy.
 */
async function oneJob(nominalMs: number, spread: number, strategy: SweepStrategy, random: Random, plan?: Partial<PollingPlan>) {
	const clock = new VirtualClock();
	const job = new SimulatedJob(1_000 * random(), drawLength(nominalMs, spread, random), random);
	const history = strategy.history ? historyOf(nominalMs, spread, random) : undefined;
	let reads = 0;
	await clock.run(
		waitForJob<JobStatus>({
			label: 'job',
			jobId: '1',
			env: clock.env(),
			timeoutMs: nominalMs * 3 + 60_000,
			submittedAt: 0,
			plan: { ...VISIONATRIX_POLLING, ...strategy.plan, ...plan },
			read: async () => {
				reads++;
				return job.status(clock.now);
			},
			status: (status) => status,
			runTimes: history ? () => history.expect('flow', clock.now) : undefined,
		}),
	);
	// The create request counts too, as in the real-socket rows.
	return { latencyMs: clock.now - job.endsAt, requests: reads + 1 };
}

function row(durationMs: number, spread: number, strategy: string, samples: Array<{ latencyMs: number; requests: number }>): SweepRow {
	const latencies = samples.map((sample) => sample.latencyMs);
	const requests = samples.map((sample) => sample.requests);
	return {
		durationMs,
		spread,
		strategy,
		jobs: samples.length,
		medianLatencyMs: percentile(latencies, 0.5),
		p90LatencyMs: percentile(latencies, 0.9),
		medianRequests: percentile(requests, 0.5),
		meanRequests: requests.reduce((sum, value) => sum + value, 0) / requests.length,
	};
}

export async function sweep(jobsPerRow: number): Promise<SweepRow[]> {
	const rows: SweepRow[] = [];
	for (const durationMs of SWEEP_DURATIONS_MS) {
		for (const spread of SWEEP_SPREADS) {
			for (const strategy of SWEEP_STRATEGIES) {
				// The same jobs for every strategy of a row.
				const random = seeded(durationMs + spread * 1000);
				const samples = [];
				for (let job = 0; job < jobsPerRow; job++) samples.push(await oneJob(durationMs, spread, strategy, random));
				rows.push(row(durationMs, spread, strategy.name, samples));
			}
		}
	}
	return rows;
}

/** Requests against latency for a few settings of the reads spread over the window (±5 %, with history). */
export async function tradeOffCurve(jobsPerPoint: number): Promise<Array<SweepRow & { readsPerWindow: number }>> {
	const points: Array<SweepRow & { readsPerWindow: number }> = [];
	for (const durationMs of [60_000, 600_000]) {
		for (const readsPerWindow of [3, 5, 10, 20, 40, 80]) {
			const random = seeded(durationMs + 50);
			const samples = [];
			// The reads alone set the interval here (no 500 ms cap), so that the whole curve shows.
			const plan = { priorReadsPerWindow: readsPerWindow, priorDenseMaxMs: durationMs };
			for (let job = 0; job < jobsPerPoint; job++) samples.push(await oneJob(durationMs, 0.05, SWEEP_STRATEGIES[0], random, plan));
			points.push({ ...row(durationMs, 0.05, `${readsPerWindow} reads per window`, samples), readsPerWindow });
		}
		const random = seeded(durationMs + 50);
		const samples = [];
		for (let job = 0; job < jobsPerPoint; job++) samples.push(await oneJob(durationMs, 0.05, SWEEP_STRATEGIES[0], random));
		points.push({ ...row(durationMs, 0.05, 'the default: 20 reads, at most 500 ms apart', samples), readsPerWindow: 20 });
	}
	return points;
}

export interface QueueRow {
	strategy: string;
	jobs: number;
	jobMs: number;
	totalRequests: number;
	requestsPerJob: number;
	medianLatencyMs: number;
	p90LatencyMs: number;
}

/**
 * `jobs` jobs of `jobMs` (±5 %) submitted at once to a server that runs one at a time, in order;
 * each waited for by its own waiter. The server tells how many jobs are ahead of one (one request).
 */
export async function queueOnOneGpu(jobs: number, jobMs: number, strategy: SweepStrategy, withPosition: boolean, sameFlow: boolean): Promise<QueueRow> {
	const random = seeded(jobs * jobMs);
	const clock = new VirtualClock();
	const queue: SimulatedJob[] = [];
	let startsAt = 0;
	for (let index = 0; index < jobs; index++) {
		const job = new SimulatedJob(startsAt, drawLength(jobMs, 0.05, random), random);
		queue.push(job);
		startsAt = job.endsAt;
	}
	const history = strategy.history ? historyOf(jobMs, 0.05, random) : undefined;
	let requests = jobs; // the creates
	const latencies: number[] = [];
	await clock.run(
		Promise.all(
			queue.map(async (job, index) => {
				await waitForJob<JobStatus>({
					label: `job ${index}`,
					jobId: String(index),
					env: clock.env(),
					timeoutMs: jobs * jobMs * 3,
					submittedAt: 0,
					plan: { ...VISIONATRIX_POLLING, ...strategy.plan },
					read: async () => {
						requests++;
						return job.status(clock.now);
					},
					status: (status) => status,
					runTimes: history ? () => history.expect('flow', clock.now) : undefined,
					jobsAhead: withPosition
						? async () => {
								requests++;
								return { ahead: queue.slice(0, index).filter((other) => other.endsAt > clock.now).length, sameFlow };
							}
						: undefined,
				});
				latencies.push(clock.now - job.endsAt);
			}),
		),
	);
	return {
		strategy: `${strategy.name}${withPosition ? `, with queue position${sameFlow ? ' (same flow)' : ''}` : ''}`,
		jobs,
		jobMs,
		totalRequests: requests,
		requestsPerJob: requests / jobs,
		medianLatencyMs: percentile(latencies, 0.5),
		p90LatencyMs: percentile(latencies, 0.9),
	};
}
