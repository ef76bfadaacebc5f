// The timers a simulator's clock runs on (queue delays, run times, late outputs), kept in one set
// so that closing the simulator stops them all and none fires into a closed simulator.

export class TimerSet {
	private readonly timers = new Set<NodeJS.Timeout>();
	private stopped = false;

	/** Calls fn after ms (negative counts as 0) unless the set is stopped first. */
	after(ms: number, fn: () => void): NodeJS.Timeout {
		const timer = setTimeout(() => {
			this.timers.delete(timer);
			if (!this.stopped) fn();
		}, Math.max(0, ms));
		this.timers.add(timer);
		return timer;
	}

	cancel(timer: NodeJS.Timeout | undefined): void {
		if (!timer) return;
		clearTimeout(timer);
		this.timers.delete(timer);
	}

	/** Clears every pending timer; later ones never fire. */
	stop(): void {
		this.stopped = true;
		for (const timer of this.timers) clearTimeout(timer);
		this.timers.clear();
	}
}
