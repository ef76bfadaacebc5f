// A clock for the waiter sweep: time moves only when every waiter is asleep, straight to the next
// wake-up, so hours of jobs run in milliseconds and many waiters can share one simulated server.
import type { Env } from '../nodes/shared/core/env.ts';

interface Timer {
	at: number;
	seq: number;
	wake(): void;
}

export class VirtualClock {
	now = 0;
	private timers: Timer[] = [];
	private seq = 0;

	sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
		new Promise<void>((resolve, reject) => {
			if (signal?.aborted) return reject(new DOMException('aborted', 'AbortError'));
			const timer: Timer = { at: this.now + Math.max(0, ms), seq: this.seq++, wake: resolve };
			this.timers.push(timer);
			signal?.addEventListener('abort', () => {
				this.timers = this.timers.filter((other) => other !== timer);
				reject(new DOMException('aborted', 'AbortError'));
			});
		});

	env(): Env {
		return {
			transport: async () => {
				throw new Error('the sweep sends no HTTP requests');
			},
			now: () => this.now,
			sleep: this.sleep,
		};
	}

	/** Runs until `done` settles: lets every promise chain run, then moves time to the earliest wake-up. */
	async run<T>(done: Promise<T>): Promise<T> {
		let settled = false;
		const result = done.finally(() => {
			settled = true;
		});
		for (;;) {
			// Let all pending work (reads, their continuations) run before time moves.
			await new Promise((resolve) => setImmediate(resolve));
			if (settled) return result;
			if (this.timers.length === 0) throw new Error('deadlock: nothing is asleep and the run has not ended');
			this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
			const next = this.timers.shift()!;
			this.now = Math.max(this.now, next.at);
			next.wake();
		}
	}
}
