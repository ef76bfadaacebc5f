import type { Env } from '../../nodes/shared/core/env.ts';
import type { Transport } from '../../nodes/shared/core/http.ts';
import { RunTimeHistory } from '../../nodes/shared/core/runTimes.ts';

/**
 * An Env whose clock only moves when the code under test sleeps, so waiter and retry timing can
 * be checked exactly and instantly. `sleeps` records every requested delay.
 */
export function virtualEnv(transport: Transport = unusedTransport): Env & { sleeps: number[]; clock: { now: number } } {
	const clock = { now: 1_000_000 };
	const sleeps: number[] = [];
	return {
		transport,
		clock,
		sleeps,
		now: () => clock.now,
		random: () => 0.5,
		// Each test learns run times afresh: what one test's jobs took must not shape another's schedule.
		runTimeHistory: new RunTimeHistory(),
		async sleep(ms: number, signal?: AbortSignal) {
			sleeps.push(ms);
			if (signal?.aborted) throw new DOMException('aborted', 'AbortError');
			// Let other promise chains (a push "wake", an abort) run before time moves on.
			await Promise.resolve();
			if (signal?.aborted) throw new DOMException('aborted', 'AbortError');
			clock.now += ms;
		},
	};
}

const unusedTransport: Transport = async () => {
	throw new Error('this test sends no requests');
};
