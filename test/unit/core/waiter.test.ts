import { ApiError, ConnectionError, isGenflowsError } from '../../../nodes/shared/core/errors.ts';
import type { JobStatus, PushWake, WaitProgress } from '../../../nodes/shared/core/waiter.ts';
import { defaultPollingPlan, nextDelay, waitForJob } from '../../../nodes/shared/core/waiter.ts';
import { virtualEnv } from '../../helpers/virtualEnv.ts';

/** A job whose progress grows linearly from `startAt` to 100 at `endAt` (virtual ms). */
function linearJob(env: ReturnType<typeof virtualEnv>, startAt: number, endAt: number) {
	const t0 = env.clock.now;
	let reads = 0;
	return {
		get reads() {
			return reads;
		},
		async read(): Promise<JobStatus> {
			reads++;
			const t = env.clock.now - t0;
			if (t >= endAt) return { phase: 'succeeded', progress: 100 };
			if (t < startAt) return { phase: 'queued', progress: 0 };
			return { phase: 'running', progress: Math.min(99, ((t - startAt) / (endAt - startAt)) * 100) };
		},
	};
}

const identity = (status: JobStatus) => status;

describe('waitForJob', () => {
	it('returns the finished job and notices completion soon after it happens', async () => {
		const env = virtualEnv();
		const job = linearJob(env, 0, 60_000);
		const start = env.clock.now;
		const result = await waitForJob<JobStatus>({ label: 'job 1', jobId: '1', env, read: job.read, status: identity, timeoutMs: 600_000 });
		expect(result.phase).toBe('succeeded');
		const noticedAfter = env.clock.now - start - 60_000;
		expect(noticedAfter).toBeGreaterThanOrEqual(0);
		// Near the end it polls every 1 % of the run time (600 ms here), so it is at most that late.
		expect(noticedAfter).toBeLessThanOrEqual(600);
		// A fixed 1 s poller would read about 60 times for this job.
		expect(job.reads).toBeLessThan(40);
	});

	it('is not caught out by a job that jumps to 100 % from well below it, as Visionatrix jobs do', async () => {
		const env = virtualEnv();
		const t0 = env.clock.now;
		let reads = 0;
		const read = async (): Promise<JobStatus> => {
			reads++;
			const t = env.clock.now - t0;
			// Progress climbs to 85 % and the job then ends at 60 s with a jump to 100.
			return t >= 60_000 ? { phase: 'succeeded', progress: 100 } : { phase: 'running', progress: (t / 60_000) * 85 };
		};
		await waitForJob<JobStatus>({ label: 'job', jobId: '1', env, read, status: identity, timeoutMs: 600_000 });
		expect(env.clock.now - t0 - 60_000).toBeLessThanOrEqual(600);
		expect(reads).toBeLessThan(40);
	});

	it('polls sparsely mid-job and densely near the estimated end', async () => {
		const env = virtualEnv();
		const job = linearJob(env, 0, 100_000);
		await waitForJob<JobStatus>({ label: 'job', jobId: '1', env, read: job.read, status: identity, timeoutMs: 600_000 });
		expect(Math.max(...env.sleeps)).toBe(defaultPollingPlan.maxMs);
		const lastSleeps = env.sleeps.slice(-3);
		for (const sleep of lastSleeps) expect(sleep).toBeLessThanOrEqual(defaultPollingPlan.denseMaxMs);
	});

	it('reports progress with elapsed time and an estimate of what is left', async () => {
		const env = virtualEnv();
		const job = linearJob(env, 0, 20_000);
		const seen: WaitProgress[] = [];
		await waitForJob<JobStatus>({
			label: 'job',
			jobId: '1',
			env,
			read: job.read,
			status: identity,
			timeoutMs: 600_000,
			onProgress: (progress) => seen.push(progress),
		});
		const running = seen.filter((progress) => progress.phase === 'running' && progress.etaMs !== undefined);
		expect(running.length).toBeGreaterThan(0);
		for (const progress of running) {
			// Linear progress: the estimate should match the real time left within a few percent.
			expect(Math.abs(progress.etaMs! - (20_000 - progress.elapsedMs))).toBeLessThan(1000);
		}
		expect(seen.at(-1)?.phase).toBe('succeeded');
	});

	it('throws the server error of a failed job', async () => {
		const env = virtualEnv();
		const error = await waitForJob<JobStatus>({
			label: 'Visionatrix task 7',
			jobId: '7',
			env,
			read: async () => ({ phase: 'failed', progress: 11.6, error: 'Allocation on device ' }),
			status: identity,
			timeoutMs: 10_000,
		}).catch((caught) => caught);
		expect(isGenflowsError(error) && error.kind).toBe('job-failed');
		expect(error.message).toBe('Visionatrix task 7 failed: Allocation on device ');
	});

	it('cancels the remote job on timeout and says so', async () => {
		const env = virtualEnv();
		const cancel = jest.fn(async () => undefined);
		const error = await waitForJob<JobStatus>({
			label: 'job 3',
			jobId: '3',
			env,
			read: async () => ({ phase: 'running', progress: 10 }),
			status: identity,
			timeoutMs: 5_000,
			cancel,
		}).catch((caught) => caught);
		expect(error.kind).toBe('job-timeout');
		expect(cancel).toHaveBeenCalledTimes(1);
		expect(error.message).toMatch(/did not finish within the 5 s timeout \(last seen: running, 10\.0 %\)\. job 3 was cancelled on the server\./);
		expect(env.clock.now - 1_000_000).toBeLessThanOrEqual(5_000);
	});

	it('cancels the remote job when the signal aborts, and reports a failed cancel', async () => {
		const env = virtualEnv();
		const controller = new AbortController();
		let reads = 0;
		const error = await waitForJob<JobStatus>({
			label: 'job 4',
			jobId: '4',
			env,
			read: async () => {
				if (++reads === 2) controller.abort();
				return { phase: 'running', progress: 5 };
			},
			status: identity,
			timeoutMs: 600_000,
			signal: controller.signal,
			cancel: async () => {
				throw new Error('server gone');
			},
		}).catch((caught) => caught);
		expect(error.kind).toBe('job-aborted');
		expect(error.cancel).toEqual({ status: 'failed', reason: 'server gone' });
		expect(error.message).toContain('Cancelling job 4 on the server failed (server gone)');
		expect(reads).toBe(2);
	});

	it('reads at once when a push channel says the job changed', async () => {
		const env = virtualEnv();
		// A nap that only ends when it is cut short, like a long real one.
		env.sleep = (_ms, signal) =>
			new Promise((_resolve, reject) => signal?.addEventListener('abort', () => reject(new DOMException('woken', 'AbortError'))));
		let wake: () => void = () => undefined;
		let done = false;
		const finishing = waitForJob<JobStatus>({
			label: 'job',
			jobId: '5',
			env,
			read: async () => (done ? { phase: 'succeeded' } : { phase: 'queued' }),
			status: identity,
			timeoutMs: 600_000,
			plan: { initialMs: 10_000, growth: 1 },
			subscribe: (callback) => {
				wake = callback;
				return () => {
					wake = () => undefined;
				};
			},
		});
		await new Promise((resolve) => setImmediate(resolve));
		done = true;
		wake();
		await finishing;
		// Woken before the first 10 s nap ended: no virtual time passed.
		expect(env.clock.now).toBe(1_000_000);
	});

	it('shows progress news from a push channel without a read, and reads when the news says the job ended', async () => {
		const env = virtualEnv();
		let naps = 0;
		// The first nap ends on its own (the first read); later ones only when cut short.
		env.sleep = (_ms, signal) =>
			naps++ === 0
				? Promise.resolve()
				: new Promise((_resolve, reject) => signal?.addEventListener('abort', () => reject(new DOMException('woken', 'AbortError'))));
		let wake: PushWake = () => undefined;
		let reads = 0;
		const seen: Array<{ phase: string; progress?: number; stage?: string }> = [];
		const finishing = waitForJob<JobStatus>({
			label: 'job',
			jobId: '7',
			env,
			read: async () => (++reads === 1 ? { phase: 'running', progress: 10 } : { phase: 'succeeded', progress: 100 }),
			status: identity,
			timeoutMs: 600_000,
			onProgress: ({ phase, progress, stage }) => seen.push({ phase, progress, ...(stage ? { stage } : {}) }),
			subscribe: (callback) => {
				wake = callback;
				return () => undefined;
			},
		});
		// News before the first read has no job to report with: ignored.
		wake({ phase: 'running', progress: 5 });
		await new Promise((resolve) => setImmediate(resolve));
		wake({ phase: 'running', progress: 50, stage: 'VAE Decode' });
		expect(reads).toBe(1);
		// A push that the job ended is a hint: the waiter reads to confirm.
		wake({ phase: 'succeeded' });
		await expect(finishing).resolves.toEqual({ phase: 'succeeded', progress: 100 });
		expect(reads).toBe(2);
		expect(seen).toEqual([
			{ phase: 'running', progress: 10 },
			{ phase: 'running', progress: 50, stage: 'VAE Decode' },
			{ phase: 'succeeded', progress: 100 },
		]);
	});

	it('reads only at the sparsest interval while a push channel speaks, and adaptively once it falls silent', async () => {
		const env = virtualEnv();
		const naps: number[] = [];
		let wake: PushWake = () => undefined;
		let reads = 0;
		const sleep = env.sleep.bind(env);
		env.sleep = async (ms, signal) => {
			naps.push(ms);
			// News on the socket during the first three naps only.
			if (naps.length <= 3) wake({ phase: 'running', progress: naps.length * 10 });
			await sleep(ms, signal);
		};
		await waitForJob<JobStatus>({
			label: 'job',
			jobId: '8',
			env,
			read: async () => (++reads < 6 ? { phase: 'running', progress: reads * 19 } : { phase: 'succeeded' }),
			status: identity,
			timeoutMs: 600_000,
			plan: { maxMs: 5_000 },
			subscribe: (callback) => {
				wake = callback;
				return () => undefined;
			},
		});
		// The first nap is the plan's initial one; the next two follow news (5 s); then silence, so the adaptive plan again.
		expect(naps.slice(1, 4)).toEqual([5_000, 5_000, 5_000]);
		expect(naps[4]).toBeLessThan(5_000);
	});

	it('rides out passing faults while reading, but not a vanished job', async () => {
		const env = virtualEnv();
		let reads = 0;
		const result = await waitForJob<JobStatus>({
			label: 'job',
			jobId: '6',
			env,
			read: async () => {
				reads++;
				if (reads <= 2) throw new ConnectionError('transfer', 'reset');
				return { phase: 'succeeded' };
			},
			status: identity,
			timeoutMs: 600_000,
		});
		expect(result.phase).toBe('succeeded');
		expect(reads).toBe(3);

		const gone = await waitForJob<JobStatus>({
			label: 'job 8',
			jobId: '8',
			env,
			read: async () => {
				throw new ApiError({ service: 'V', status: 404, method: 'GET', path: '/x', serverMessage: 'Task `8` was not found.' });
			},
			status: identity,
			timeoutMs: 600_000,
		}).catch((caught) => caught);
		expect(gone.kind).toBe('job-failed');
		expect(gone.message).toBe('job 8 failed: it no longer exists on the server (Task `8` was not found.)');
	});
});

describe('nextDelay', () => {
	const plan = defaultPollingPlan;
	const running = { phase: 'running' as const };

	it('heads for the earliest likely finish: half the distance, within the bounds', () => {
		// 40 s run so far: the job may end 10 s before the linear estimate.
		expect(nextDelay(running, { etaMs: 18_000, runningMs: 40_000 }, 500, plan)).toBe(4_000);
		expect(nextDelay(running, { etaMs: 100_000, runningMs: 20_000 }, 500, plan)).toBe(plan.maxMs);
	});

	it('does not sleep longer than the job has been watched, while the rate is a young guess', () => {
		expect(nextDelay(running, { etaMs: 30_000, runningMs: 1_000 }, 500, plan)).toBe(1_000);
		expect(nextDelay(running, { etaMs: 30_000, runningMs: 100 }, 500, plan)).toBe(plan.initialMs);
	});

	it('polls densely once the finish may come any moment, scaled to the job length', () => {
		expect(nextDelay(running, { etaMs: 9_000, runningMs: 40_000 }, 5_000, plan)).toBe(400);
		expect(nextDelay(running, { etaMs: 100, runningMs: 3_000 }, 5_000, plan)).toBe(plan.minMs);
		expect(nextDelay(running, { etaMs: -5_000, runningMs: 600_000 }, 5_000, plan)).toBe(plan.denseMaxMs);
	});

	it('grows gently while queued, up to a short cap, since the job may start any moment', () => {
		expect(nextDelay({ phase: 'queued' }, { runningMs: 0 }, 1_000, plan)).toBe(1_500);
		expect(nextDelay({ phase: 'queued' }, { runningMs: 0 }, 9_000, plan)).toBe(plan.queuedMaxMs);
	});

	it('reads again soon after a job starts, then grows while there is no rate', () => {
		expect(nextDelay(running, { runningMs: 0, startedNow: true }, 2_000, plan)).toBe(plan.initialMs);
		expect(nextDelay(running, { runningMs: 0 }, 200, plan)).toBe(300);
		expect(nextDelay(running, { runningMs: 0 }, 9_000, plan)).toBe(plan.maxMs);
	});
});
