// Runtime-neutral: web-standard APIs only (no node:, Deno, process), so n8n, Node and Deno share it.
//
// Seeing a batch through: wait for each of its queue items in turn (the queue runs them in that
// order) and hand on each one's files, all before one end, as the core's `waitForAll` does, with
// one difference: a failed item may leave the others running (`keepOthersOnFailure`), while a
// stop or a timeout always cancels what is left. The error names the item that failed (the
// waiter's message) and says what became of the others.
import type { Env } from '../../core/env.ts';
import { isGenflowsError } from '../../core/errors.ts';
import type { JobAdapter } from '../../core/job.ts';
import type { FinishedJob } from '../../core/run.ts';
import { cancelQuietly } from '../../core/run.ts';
import type { WaitProgress } from '../../core/waiter.ts';
import { waitFor } from '../../core/waiter.ts';

export interface WaitForItemsOptions<Job> {
	env: Env;
	/** When the whole run must be over (ms since the epoch), and the limit that end came from. */
	endsAt: number;
	limitMs: number;
	signal?: AbortSignal;
	/** With the item's place in the run (0-based) and how many it has. */
	onProgress?(progress: WaitProgress, job: Job, place: { index: number; count: number }): void;
	/** Called as each item finishes, so a caller can save its files (by reading them) before the next. */
	onJobFinished?(finished: FinishedJob<Job>): void | Promise<void>;
	/** A failed item leaves the run's other items running instead of cancelling them. */
	keepOthersOnFailure?: boolean;
	/** When the items were queued (our clock): none started before. */
	submittedAt?: number;
}

export async function waitForItems<Job>(adapter: JobAdapter<Job>, ids: string[], options: WaitForItemsOptions<Job>): Promise<FinishedJob<Job>[]> {
	const finished: FinishedJob<Job>[] = [];
	for (const [index, id] of ids.entries()) {
		try {
			const job = await waitFor(adapter, id, {
				env: options.env,
				timeoutMs: Math.max(0, options.endsAt - options.env.now()),
				limitMs: options.limitMs,
				signal: options.signal,
				submittedAt: options.submittedAt,
				onProgress: options.onProgress && ((progress, job) => options.onProgress?.(progress, job, { index, count: ids.length })),
			});
			const done = { job, files: adapter.results(job, options.signal) };
			finished.push(done);
			await options.onJobFinished?.(done);
		} catch (error) {
			const rest = ids.slice(index + 1);
			const itemFailed = isGenflowsError(error) && error.kind === 'job-failed';
			const keep = itemFailed && options.keepOthersOnFailure === true;
			const uncancelled = keep ? [] : await cancelQuietly(adapter, rest, options.env);
			const cancelled = keep ? [] : rest.filter((other) => !uncancelled.includes(other));
			throw describeRest(adapter, error, { finished: finished.map(({ job }) => adapter.id(job)), cancelled, uncancelled, left: keep ? rest : [] });
		}
	}
	return finished;
}

function describeRest<Job>(
	adapter: JobAdapter<Job>,
	error: unknown,
	rest: { finished: string[]; cancelled: string[]; uncancelled: string[]; left: string[] },
): unknown {
	if (!isGenflowsError(error)) return error;
	const name = (list: string[]) => `${adapter.noun}${list.length === 1 ? '' : 's'} ${list.join(', ')}`;
	const notes: string[] = [];
	if (rest.finished.length > 0) notes.push(`Finished before this: ${name(rest.finished)}, whose results stay on the server.`);
	if (rest.cancelled.length > 0) notes.push(`Cancelled the run's other ${name(rest.cancelled)}.`);
	if (rest.uncancelled.length > 0) notes.push(`Could not cancel ${name(rest.uncancelled)} of this run: cancel them by hand.`);
	if (rest.left.length > 0) notes.push(`Left the run's other ${name(rest.left)} running, as asked; their results stay on the server.`);
	if (notes.length > 0) error.message = `${error.message} ${notes.join(' ')}`;
	return error;
}
