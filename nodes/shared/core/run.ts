// Runtime-neutral: web-standard APIs only (no node:, Deno, process), so n8n, Node and Deno share it.
//
// Seeing a submission through: wait for each job it created and hand on its files, all before one
// end. When one job fails or the wait stops, the run's jobs still unfinished are cancelled, so
// nothing keeps running that nobody will collect, and the error says what finished and what could
// not be cancelled.
import type { Env } from './env.ts';
import { isGenflowsError } from './errors.ts';
import type { JobAdapter, JobFile } from './job.ts';
import type { PollingPlan, WaitProgress } from './waiter.ts';
import { waitFor } from './waiter.ts';

export interface FinishedJob<Job> {
	job: Job;
	/** Its result files, downloaded as they are read (see `JobAdapter.results`); read once. */
	files: AsyncIterable<JobFile>;
}

export interface WaitForAllOptions<Job> {
	env: Env;
	/** When the whole run must be over (ms since the epoch), and the limit that end came from. */
	endsAt: number;
	limitMs: number;
	signal?: AbortSignal;
	onProgress?(progress: WaitProgress, job: Job): void;
	/** Called as each job finishes, so a caller can save its files (by reading them) even if a later job fails. */
	onJobFinished?(finished: FinishedJob<Job>): void | Promise<void>;
	plan?: Partial<PollingPlan>;
	/** Cancel jobs on the server when the run stops (default true, where the adapter can). */
	cancelOnStop?: boolean;
	/** When the jobs were submitted (our clock): none started before. */
	submittedAt?: number;
}

/** Waits for `ids` in turn and hands on each one's files; see the file comment for what a failure does. */
export async function waitForAll<Job>(adapter: JobAdapter<Job>, ids: string[], options: WaitForAllOptions<Job>): Promise<FinishedJob<Job>[]> {
	const finished: FinishedJob<Job>[] = [];
	for (const [position, id] of ids.entries()) {
		try {
			const timeoutMs = Math.max(0, options.endsAt - options.env.now());
			const job = await waitFor(adapter, id, { ...options, timeoutMs });
			const done = { job, files: adapter.results(job, options.signal) };
			finished.push(done);
			await options.onJobFinished?.(done);
		} catch (error) {
			const uncancelled = options.cancelOnStop === false ? [] : await cancelQuietly(adapter, ids.slice(position + 1), options.env);
			throw describeLeftovers(adapter, error, finished, uncancelled);
		}
	}
	return finished;
}

/** Cancels jobs nobody will collect; returns those that could not be cancelled (failures are logged). */
export async function cancelQuietly(adapter: JobAdapter<unknown>, ids: string[], env: Env): Promise<string[]> {
	if (!adapter.cancel) return ids;
	const uncancelled: string[] = [];
	for (const id of ids) {
		try {
			await adapter.cancel(id);
		} catch (error) {
			uncancelled.push(id);
			env.logger?.warn(`${adapter.service}: could not cancel ${adapter.noun} ${id} of a stopped run`, {
				reason: error instanceof Error ? error.message : String(error),
			});
		}
	}
	return uncancelled;
}

function describeLeftovers<Job>(adapter: JobAdapter<Job>, error: unknown, finished: FinishedJob<Job>[], uncancelled: string[]): unknown {
	if (!isGenflowsError(error) || (finished.length === 0 && uncancelled.length === 0)) return error;
	const name = (list: string[]) => `${adapter.noun}${list.length === 1 ? '' : 's'} ${list.join(', ')}`;
	const notes: string[] = [];
	if (finished.length > 0) notes.push(`Finished before this: ${name(finished.map(({ job }) => adapter.id(job)))}, whose results stay on the server.`);
	if (uncancelled.length > 0) notes.push(`Could not cancel ${name(uncancelled)} of this run: cancel them by hand.`);
	error.message = `${error.message} ${notes.join(' ')}`;
	return error;
}
