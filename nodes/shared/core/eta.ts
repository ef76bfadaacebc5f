// Runtime-neutral: web-standard APIs only (no node:, Deno, process), so n8n, Node and Deno share it.

/**
 * Estimates when a job reaches 100 % from how fast its progress has moved so far. Progress of an
 * image job grows roughly linearly with sampler steps, so the average rate since the first
 * non-zero reading is a fair guess, and it gets better the longer the job runs. How much earlier
 * than this a backend may jump to 100 % is its adapter's `polling.earlyFinishShare`.
 */
export class ProgressEstimator {
	private first?: { atMs: number; percent: number };
	private last?: { atMs: number; percent: number };

	record(atMs: number, percent: number): void {
		if (!(percent > 0)) return;
		if (this.last && percent < this.last.percent) {
			// Progress went back (a restarted job): start over.
			this.first = undefined;
		}
		this.first ??= { atMs, percent };
		this.last = { atMs, percent };
	}

	/** How long the job has been making progress (since the first non-zero reading). */
	runningMs(nowMs: number): number {
		return this.first ? nowMs - this.first.atMs : 0;
	}

	/** How long the whole job takes at the rate seen so far (0 to 100 %), or undefined while there is no rate yet. */
	linearTotalMs(): number | undefined {
		if (!this.first || !this.last) return undefined;
		const elapsed = this.last.atMs - this.first.atMs;
		const gained = this.last.percent - this.first.percent;
		return elapsed > 0 && gained > 0 ? (100 * elapsed) / gained : undefined;
	}

	/** Milliseconds until 100 % counted from `nowMs`, or undefined while there is no rate yet. */
	remainingMs(nowMs: number): number | undefined {
		if (!this.first || !this.last) return undefined;
		const elapsed = this.last.atMs - this.first.atMs;
		const gained = this.last.percent - this.first.percent;
		if (elapsed <= 0 || gained <= 0) return undefined;
		const perMs = gained / elapsed;
		const atLastReading = (100 - this.last.percent) / perMs;
		return atLastReading - (nowMs - this.last.atMs);
	}
}
