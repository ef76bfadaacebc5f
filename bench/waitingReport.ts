// The waiter's section of BENCHMARKS.md: the fake-clock sweep, the requests-against-latency curve,
// 50 jobs queued on one GPU, the real-socket check of the sweep, and the CPU of a status read.
import type { ReadCostRow } from './readCost.ts';
import { readCost } from './readCost.ts';
import type { WaitRow } from './stats.ts';
import { waitTableLine } from './stats.ts';
import type { QueueRow, SweepRow } from './waiterSweep.ts';
import { queueOnOneGpu, sweep, SWEEP_STRATEGIES, tradeOffCurve } from './waiterSweep.ts';

const SWEEP_JOBS_PER_ROW = 100;
const CURVE_JOBS_PER_POINT = 100;
const QUEUE_JOBS = 50;
const QUEUE_JOB_MS = 1_000;

export interface WaitingFigures {
	sweep: SweepRow[];
	curve: Array<SweepRow & { readsPerWindow: number }>;
	queue: QueueRow[];
	readCost: ReadCostRow[];
}

export async function waitingFigures(): Promise<WaitingFigures> {
	const [withHistory, withoutHistory] = SWEEP_STRATEGIES;
	const queue = [
		await queueOnOneGpu(QUEUE_JOBS, QUEUE_JOB_MS, withHistory, true, true),
		await queueOnOneGpu(QUEUE_JOBS, QUEUE_JOB_MS, withHistory, true, false),
		await queueOnOneGpu(QUEUE_JOBS, QUEUE_JOB_MS, withHistory, false, true),
		await queueOnOneGpu(QUEUE_JOBS, QUEUE_JOB_MS, withoutHistory, true, true),
		await queueOnOneGpu(QUEUE_JOBS, QUEUE_JOB_MS, withoutHistory, false, true),
	];
	return { sweep: await sweep(SWEEP_JOBS_PER_ROW), curve: await tradeOffCurve(CURVE_JOBS_PER_POINT), queue, readCost: await readCost() };
}

const ms = (value: number) => `${Math.round(value)} ms`;
const length = (durationMs: number) => (durationMs >= 60_000 ? `${durationMs / 60_000} min` : `${durationMs / 1000} s`);

export function waitingSection(figures: WaitingFigures, realSocket: WaitRow[]): string[] {
	return [
		'## The waiter on a simulated clock: run-time history and queue position',
		'',
		`\`bench/waiterSweep.ts\` drives the real waiter (\`waitForJob\`) on a virtual clock against a simulated job, ${SWEEP_JOBS_PER_ROW} jobs per row, the same seeded jobs for every strategy of a row. A job is submitted to a free GPU, which takes it up within a random 0-1 s (so a fixed poller's phase against the end is random); its length is the nominal one varied uniformly by the spread; its progress rises in 20 uneven steps at even intervals to 80-95 % and then jumps to 100 at the end, as the Visionatrix simulator reports it (the Visionatrix tuning is used). "With history": 12 earlier runs of the flow, drawn from the same spread, are known (as after one fetch of the server's list; that one request per flow and hour is not counted). "No history" is today's waiter: without run times the waiter takes exactly the schedule it took before this change (a unit test holds it to that). Latency: from the job's end to the waiter returning. Requests: the create plus every read.`,
		'',
		'| job length | spread | strategy | median latency | p90 latency | median requests | mean requests |',
		'| --- | --- | --- | --- | --- | --- | --- |',
		...figures.sweep.map(
			(row) =>
				`| ${length(row.durationMs)} | ±${row.spread * 100} % | ${row.strategy} | ${ms(row.medianLatencyMs)} | ${ms(row.p90LatencyMs)} | ${row.medianRequests} | ${row.meanRequests.toFixed(1)} |`,
		),
		'',
		'### Requests against latency',
		'',
		'Inside the window where past runs ended, the waiter spreads a number of reads (`priorReadsPerWindow`, 20 by default, no closer than 200 ms and, by default, no further than 500 ms apart: `priorDenseMaxMs`). Fewer reads cost latency, more cost requests; here the reads alone set the interval (no 500 ms cap). ±5 % spread, with history:',
		'',
		'| job length | setting | median latency | p90 latency | median requests |',
		'| --- | --- | --- | --- | --- |',
		...figures.curve.map((point) => `| ${length(point.durationMs)} | ${point.strategy} | ${ms(point.medianLatencyMs)} | ${ms(point.p90LatencyMs)} | ${point.medianRequests} |`),
		'',
		`### ${QUEUE_JOBS} jobs queued on one GPU`,
		'',
		`${QUEUE_JOBS} jobs of ${QUEUE_JOB_MS / 1000} s (±5 %) submitted at once to a simulated server that runs one at a time, in order, each waited for by its own waiter. With the queue position, a queued job asks how many jobs are ahead (one request, e.g. Visionatrix's task list, InvokeAI's queue status) instead of reading itself, and sleeps a share of the time until its likely start; "same flow" means the server says every job ahead runs the same flow (Visionatrix names them), so the flow's run times time the queue from the first look; otherwise the first look is followed by another within one run time, to learn the queue's pace.`,
		'',
		'| strategy | requests per job | total requests | median latency | p90 latency |',
		'| --- | --- | --- | --- | --- |',
		...figures.queue.map((row) => `| ${row.strategy} | ${row.requestsPerJob.toFixed(2)} | ${row.totalRequests} | ${ms(row.medianLatencyMs)} | ${ms(row.p90LatencyMs)} |`),
		'',
		'### The simulated clock against real sockets',
		'',
		`60 s Visionatrix tasks over HTTP against the simulator, ${realSocket[0]?.repetitions ?? 0} per row at once, after three earlier tasks of the flow ran on it; each job with a history of its own, read from the server's task list at its first read (counted). The tasks start at once and take exactly 60 s (0 % spread). Compare with the sweep's 60 s, 0 % rows.`,
		'',
		'| job length | strategy | median latency | p90 latency | median requests per job |',
		'| --- | --- | --- | --- | --- |',
		...realSocket.map(waitTableLine),
		'',
		'### CPU per status read (Visionatrix)',
		'',
		`Parsing one answer to \`GET /vapi/tasks/progress/{id}\`: before, the whole task was checked against its schema on every read; now, while the task runs, only the fields every task has are checked, and the whole task once it has ended. Median of 7 rounds of 3,000 reads, CPU time of this process.`,
		'',
		'| body | size | whole task checked | while running | saved |',
		'| --- | --- | --- | --- | --- |',
		...figures.readCost.map(
			(row) =>
				`| ${row.body} | ${(row.bytes / 1024).toFixed(1)} KB | ${row.wholeTaskMicros.toFixed(1)} µs | ${row.whileRunningMicros.toFixed(1)} µs | ${Math.round((1 - row.whileRunningMicros / row.wholeTaskMicros) * 100)} % |`,
		),
		'',
	];
}
