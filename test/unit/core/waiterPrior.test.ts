// The waiter with a history of run times and a place in the queue, on a virtual clock.
import type { JobAdapter } from '../../../nodes/shared/core/job.ts';
import { noFiles } from '../../../nodes/shared/core/job.ts';
import { expectationOf, RunTimeHistory } from '../../../nodes/shared/core/runTimes.ts';
import type { JobStatus, PushWake, WaitForJobOptions } from '../../../nodes/shared/core/waiter.ts';
import { defaultPollingPlan, waitFor, waitForJob } from '../../../nodes/shared/core/waiter.ts';
import { virtualEnv } from '../../helpers/virtualEnv.ts';

type Env = ReturnType<typeof virtualEnv>;

/** A job that starts `startAt` ms after the test begins and runs `runMs`, its progress rising evenly to 85 % and then jumping to 100. */
function scheduledJob(env: Env, startAt: number, runMs: number) {
	const t0 = env.clock.now;
	const readsAt: number[] = [];
	return {
		readsAt,
		endsAt: t0 + startAt + runMs,
		async read(): Promise<JobStatus> {
			readsAt.push(env.clock.now - t0);
			const t = env.clock.now - t0 - startAt;
			if (t < 0) return { phase: 'queued' };
			if (t >= runMs) return { phase: 'succeeded', progress: 100 };
			return { phase: 'running', progress: (t / runMs) * 85 };
		},
	};
}

const identity = (status: JobStatus) => status;

/** Waits for `job` on `env`'s clock, submitted now, with the run times (and other options) given. */
function waitWith(env: Env, job: { read(): Promise<JobStatus> }, options: Partial<WaitForJobOptions<JobStatus>> = {}): Promise<JobStatus> {
	return waitForJob<JobStatus>({ label: 'job', jobId: '1', env, read: job.read, status: identity, timeoutMs: 600_000, submittedAt: env.clock.now, ...options });
}

describe('waitForJob with the run times of earlier jobs', () => {
	it('sleeps through the run with a few safety reads and reads densely only where past runs ended', async () => {
		const env = virtualEnv();
		const job = scheduledJob(env, 0, 60_000);
		const expected = expectationOf([59_800, 60_000, 60_200]);
		await waitWith(env, job, { runTimes: async () => expected });
		const late = env.clock.now - job.endsAt;
		expect(late).toBeGreaterThanOrEqual(0);
		expect(late).toBeLessThanOrEqual(defaultPollingPlan.minMs);
		// The first read, a safety read every 12 s, and a handful inside the window (60 s ± 0.5 s).
		expect(job.readsAt.length).toBeLessThanOrEqual(12);
		const beforeWindow = job.readsAt.filter((at) => at < 59_000);
		expect(beforeWindow).toEqual([500, 12_500, 24_500, 36_500, 48_500]);
	});

	it('without run times, keeps exactly the schedule of the waiter without the option', async () => {
		const withHook = virtualEnv();
		const plain = virtualEnv();
		const jobA = scheduledJob(withHook, 3_000, 45_000);
		const jobB = scheduledJob(plain, 3_000, 45_000);
		const common = { label: 'job', jobId: '1', status: identity, timeoutMs: 600_000 };
		await waitForJob<JobStatus>({ ...common, env: withHook, read: jobA.read, submittedAt: withHook.clock.now, runTimes: async () => undefined });
		await waitForJob<JobStatus>({ ...common, env: plain, read: jobB.read });
		expect(withHook.sleeps).toEqual(plain.sleeps);
	});

	it('falls back to progress when the job runs far longer than the ones before', async () => {
		const env = virtualEnv();
		const job = scheduledJob(env, 0, 180_000);
		await waitWith(env, job, { runTimes: async () => expectationOf([60_000, 60_500, 59_500]) });
		// Found within the dense interval of progress polling, not a safety interval late.
		expect(env.clock.now - job.endsAt).toBeLessThanOrEqual(defaultPollingPlan.denseMaxMs);
	});

	it('asks for run times once, and reports the finished job to learn from', async () => {
		const env = virtualEnv();
		const job = scheduledJob(env, 1_000, 5_000);
		const runTimes = jest.fn(async () => undefined);
		const finished = jest.fn();
		const result = await waitForJob<JobStatus>({ label: 'job', jobId: '1', env, read: job.read, status: identity, timeoutMs: 60_000, runTimes, finished });
		expect(runTimes).toHaveBeenCalledTimes(1);
		expect(finished).toHaveBeenCalledWith(result);
	});

	it('with a push channel, reads only as a safety net: at the start of the window and sparsely otherwise', async () => {
		const env = virtualEnv();
		const job = scheduledJob(env, 0, 60_000);
		let wake: PushWake = () => undefined;
		const promise = waitWith(env, job, {
			runTimes: async () => expectationOf([60_000, 60_000, 60_000]),
			subscribe(pushWake) {
				wake = pushWake;
				return () => undefined;
			},
		});
		// The channel reports progress every 2 s, and says when the job ended.
		const ticker = (async () => {
			while (env.clock.now < job.endsAt) {
				wake({ phase: 'running', progress: 50 });
				await env.sleep(2_000);
			}
			wake();
		})();
		await promise;
		await ticker;
		expect(env.clock.now - job.endsAt).toBeLessThanOrEqual(2_000);
		expect(job.readsAt.length).toBeLessThanOrEqual(8);
	});
});

describe('waitForJob in a queue', () => {
	it('asks how many jobs are ahead instead of reading the job, and reads it only around its end', async () => {
		const env = virtualEnv();
		// 20 jobs of 1 s ahead, one worker.
		const job = scheduledJob(env, 20_000, 1_000);
		const t0 = env.clock.now;
		const asked: number[] = [];
		const jobsAhead = async () => {
			const t = env.clock.now - t0;
			asked.push(t);
			return { ahead: t >= 20_000 ? 0 : Math.ceil((20_000 - t) / 1_000), sameFlow: true };
		};
		await waitWith(env, job, { timeoutMs: 120_000, runTimes: async () => expectationOf([990, 1_000, 1_010, 1_000]), jobsAhead });
		expect(env.clock.now - job.endsAt).toBeLessThanOrEqual(defaultPollingPlan.minMs);
		// Without the queue's count it would read every 2 s while queued: 10 reads and more.
		expect(asked.length + job.readsAt.length).toBeLessThanOrEqual(8);
		expect(job.readsAt.filter((at) => at > 1_000 && at < 19_000)).toEqual([]);
	});

	it('reads the job as usual when the server cannot tell its place', async () => {
		const env = virtualEnv();
		const job = scheduledJob(env, 5_000, 1_000);
		await waitForJob<JobStatus>({ label: 'job', jobId: '1', env, read: job.read, status: identity, timeoutMs: 60_000, jobsAhead: async () => undefined });
		expect(env.clock.now).toBeGreaterThanOrEqual(job.endsAt);
		expect(job.readsAt.filter((at) => at < 5_000).length).toBeGreaterThan(2);
	});
});

describe('waitFor learns run times through the adapter', () => {
	function adapterFor(env: Env, runMs: number, fetched: number[]): JobAdapter<JobStatus & { id: string }> & { reads: number } {
		let startedAt = env.clock.now;
		const adapter = {
			service: 'Test',
			noun: 'job',
			reads: 0,
			id: (job: { id: string }) => job.id,
			async read(id: string) {
				adapter.reads++;
				const t = env.clock.now - startedAt;
				return t >= runMs ? { id, phase: 'succeeded' as const, progress: 100 } : { id, phase: 'running' as const, progress: (t / runMs) * 85 };
			},
			status: identity,
			results: () => noFiles(),
			summary: () => ({}),
			flowKey: () => 'server flow',
			runTimeMs: () => runMs,
			recentRunTimes: jest.fn(async () => fetched),
			restart() {
				startedAt = env.clock.now;
			},
		};
		return adapter;
	}

	it('asks the server for the flow once, and the second job of the flow waits by the history', async () => {
		const env = virtualEnv();
		const history = new RunTimeHistory();
		const adapter = adapterFor(env, 30_000, []);
		await waitFor(adapter, 'a', { env, timeoutMs: 300_000, submittedAt: env.clock.now, runTimeHistory: history });
		const firstReads = adapter.reads;
		(adapter as unknown as { restart(): void }).restart();
		adapter.reads = 0;
		await waitFor(adapter, 'b', { env, timeoutMs: 300_000, submittedAt: env.clock.now, runTimeHistory: history });
		expect(adapter.recentRunTimes).toHaveBeenCalledTimes(1);
		// One run time known (widened by a tenth, as one sample says nothing of the spread): fewer reads already.
		expect(adapter.reads).toBeLessThan(firstReads);
	});

	it('uses the history the environment carries', async () => {
		const env = virtualEnv();
		const adapter = adapterFor(env, 30_000, [30_000, 30_000]);
		await waitFor(adapter, 'a', { env, timeoutMs: 300_000, submittedAt: env.clock.now });
		// The two the server listed, and the one just waited for.
		expect(await env.runTimeHistory!.expect('server flow', env.clock.now)).toMatchObject({ typicalMs: 30_000, samples: 3 });
	});
});
