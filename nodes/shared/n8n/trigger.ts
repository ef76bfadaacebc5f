// The polling-trigger runners: every provider's trigger describes its parameters and hands one of
// them its job adapter. pollFinishedJobs fires once per job that finished since the last poll,
// reading the server's listing page by page down to what it had seen, and moves its cursor (kept in
// the workflow's static data) only once every item is built, so a failed download is retried on the
// next poll rather than lost. pollWatchedJobs (below) does the same for an API that cannot list its
// jobs, by reading the ones whose ids it is given.
import type { IDataObject, INodeExecutionData, IPollFunctions } from 'n8n-workflow';

import type { CursorStep, JobCursor } from '../core/cursor.ts';
import { advanceCursor, readCursor, startCursor } from '../core/cursor.ts';
import { isApiError } from '../core/errors.ts';
import type { JobAdapter, ListedJob } from '../core/job.ts';
import { jobLabel, noFiles } from '../core/job.ts';
import type { JobStatus } from '../core/waiter.ts';
import type { FinishedJob } from '../core/run.ts';
import { toNodeError } from './errors.ts';
import { jobItems } from './jobItems.ts';

export interface TriggerOptions<Job> {
	includeFailures: boolean;
	/** Attach the result files of each succeeded job (one item per file). */
	downloadResults: boolean;
	binaryProperty: string;
	/** The job's JSON; the adapter's summary (plus `status`) unless the node adds to it. */
	json?(job: Job): IDataObject;
}

/** Pages read at most in one poll; a backlog larger than this is taken over the next polls. */
const MAX_PAGES_PER_POLL = 20;

interface TriggerState {
	cursor?: unknown;
}

export async function pollFinishedJobs<Job>(
	context: IPollFunctions,
	adapter: JobAdapter<Job>,
	options: TriggerOptions<Job>,
): Promise<INodeExecutionData[][] | null> {
	if (!adapter.listJobs) throw new Error(`${adapter.service} lists no jobs, so it cannot have a polling trigger.`);
	const state = context.getWorkflowStaticData('node') as TriggerState;
	try {
		const saved = readCursor(state.cursor);
		const manual = context.getMode() === 'manual';
		const listing = await readListing(adapter, manual ? undefined : saved);
		const finishedFirst = (job: ListedJob) => job.phase === 'succeeded' || (options.includeFailures && job.phase === 'failed');

		let step: CursorStep;
		if (manual) {
			// A sample for the editor: the newest finished job, without touching the cursor.
			const newest = listing.jobs.map(({ listed }) => listed).find(finishedFirst);
			step = { finished: newest ? [newest] : [], cursor: saved ?? startCursor([], options.includeFailures) };
		} else if (!saved) {
			step = { finished: [], cursor: startCursor(listing.jobs.map(({ listed }) => listed), options.includeFailures) };
		} else {
			step = advanceCursor(saved, listing.jobs.map(({ listed }) => listed), options.includeFailures, { complete: listing.complete });
		}

		const byId = new Map(listing.jobs.map(({ job, listed }) => [listed.id, job]));
		const finished: Array<FinishedJob<Job>> = [];
		for (const listed of step.finished) {
			const job = byId.get(listed.id) as Job;
			const files = options.downloadResults && listed.phase === 'succeeded' ? adapter.results(job) : noFiles();
			finished.push({ job, files });
		}
		const items = await jobItems(context, adapter, finished, {
			binaryProperty: options.binaryProperty,
			json: (job) => ({ ...(options.json?.(job) ?? (adapter.summary(job) as IDataObject)), status: adapter.status(job).phase }),
		});
		if (!manual) state.cursor = step.cursor satisfies JobCursor;
		return items.length > 0 ? [items] : null;
	} catch (error) {
		throw toNodeError(context.getNode(), error, 0);
	}
}

/**
 * The server's jobs, newest first, read page by page until the pages reach what the cursor has
 * settled (or, with no cursor, until a page holds no unfinished job). `complete` is false when the
 * listing stopped early, so the cursor keeps what it could not see.
 */
async function readListing<Job>(adapter: JobAdapter<Job>, cursor: JobCursor | undefined): Promise<{ jobs: Array<{ job: Job; listed: ListedJob }>; complete: boolean }> {
	const jobs: Array<{ job: Job; listed: ListedJob }> = [];
	let page: string | undefined;
	for (let pages = 0; pages < MAX_PAGES_PER_POLL; pages++) {
		const result = await (adapter.listJobs as NonNullable<JobAdapter<Job>['listJobs']>)({ page });
		jobs.push(...result.jobs);
		if (!result.next) return { jobs, complete: true };
		const oldest = result.jobs.at(-1)?.listed;
		const reachedCursor = cursor && oldest && cursor.watermark !== null && oldest.order <= cursor.watermark && cursor.skippedFailures.length === 0;
		const nothingOpen = !cursor && result.jobs.every(({ listed }) => listed.phase === 'succeeded' || listed.phase === 'failed');
		if (reachedCursor || nothingOpen) return { jobs, complete: false };
		page = result.next;
	}
	return { jobs, complete: false };
}

// Watching jobs by id, for an API that cannot list them (Pet Portrait's sessions): the trigger is
// given the ids, reads each one's status every poll, and fires once per run of a job that finished.
// What it fired for is kept in the workflow's static data, one entry per job id (its last run), so a
// job that runs again under the same id (a regenerated session) fires again for its new run.

export interface WatchOptions<Job> extends TriggerOptions<Job> {
	/** The ids to watch (see `watchedIds`); at most MAX_WATCHED_JOBS, the last ones given. */
	ids: readonly string[];
	/** Which run of the job this is, where a job can run again under its id; each run fires once. Default: one run per id. */
	runOf?(job: Job): string | undefined;
	/**
	 * The job's result (e.g. its picture's path). A new run that still shows the result the last
	 * one fired with has not named its own yet: it is left for a later poll.
	 */
	resultOf?(job: Job): string | undefined;
	/** When the job's last run happened (ISO-8601 time or a number), for manual mode's sample, the newest; default: the last finished id given. */
	runAt?(job: Job): string | number | undefined;
	/** Whether a failed read says the server no longer knows the job (default: an API answer 404 or 410): then it is skipped and logged. */
	isGone?(error: unknown): boolean;
}

/** Ids read in one poll at most (one status request each). */
export const MAX_WATCHED_JOBS = 200;
/** Jobs whose last fired run the static data keeps at most; the watched ones always stay. */
const MAX_REMEMBERED_JOBS = 500;

/** One remembered job: its id, the run it fired for, and that run's result where the node names one. */
type FiredEntry = [id: string, run: string, result: string | null];

interface WatchState {
	fired?: unknown;
}

/**
 * The ids a parameter gives: a list separated by commas, semicolons, spaces or new lines, a JSON
 * array written out, or (from an expression) an array of them; in order, each once.
 */
export function watchedIds(value: unknown): string[] {
	const ids: string[] = [];
	const add = (entry: unknown): void => {
		if (Array.isArray(entry)) entry.forEach(add);
		else if (typeof entry === 'number' && Number.isFinite(entry)) ids.push(String(entry));
		else if (typeof entry === 'string') ids.push(...entry.split(/[\s,;"'[\]]+/).filter(Boolean));
	};
	add(value);
	return [...new Set(ids)];
}

/**
 * One poll of the watched jobs: fires once per finished run (failed ones too with
 * `includeFailures`), one item per result file with `downloadResults`. A job the server no longer
 * knows is skipped and logged. Manual mode gives the newest finished watched job as a sample and
 * records nothing. The static data changes only once every item is built, so a failed download
 * is retried on the next poll rather than lost.
 */
export async function pollWatchedJobs<Job>(context: IPollFunctions, adapter: JobAdapter<Job>, options: WatchOptions<Job>): Promise<INodeExecutionData[][] | null> {
	const state = context.getWorkflowStaticData('node') as WatchState;
	const manual = context.getMode() === 'manual';
	const isGone = options.isGone ?? ((error: unknown) => isApiError(error) && (error.status === 404 || error.status === 410));
	try {
		const ids = options.ids.slice(-MAX_WATCHED_JOBS);
		if (ids.length < options.ids.length) {
			context.logger.warn(`${adapter.service} trigger: ${options.ids.length} ${adapter.noun} ids given; only the last ${MAX_WATCHED_JOBS} are watched`);
		}
		const fired = readFired(state.fired);
		const ready: Array<{ id: string; job: Job; phase: JobStatus['phase']; run: string; result: string | null }> = [];
		for (const id of ids) {
			// Any other failure fails the poll (and is wrapped below).
			const read = await adapter.read(id).then(
				(job) => ({ job }),
				(error: unknown) => {
					if (isGone(error)) return { gone: error };
					throw error;
				},
			);
			if (!('job' in read)) {
				const why = read.gone instanceof Error ? read.gone.message : String(read.gone);
				context.logger.warn(`${adapter.service} trigger: skipped ${jobLabel(adapter, id)}, which the server does not know (any more): ${why}`);
				continue;
			}
			const { job } = read;
			const { phase } = adapter.status(job);
			if (phase !== 'succeeded' && !(phase === 'failed' && options.includeFailures)) continue;
			const run = options.runOf?.(job) ?? '';
			const result = (phase === 'succeeded' ? options.resultOf?.(job) : undefined) ?? null;
			const last = fired.get(id);
			if (!manual && last) {
				if (last.run === run) continue;
				if (result !== null && last.result === result) {
					context.logger.debug(`${adapter.service} trigger: ${jobLabel(adapter, id)} ran again but still shows the last run's result; waiting for its own`);
					continue;
				}
			}
			ready.push({ id, job, phase, run, result });
		}

		const chosen = manual ? newestOf(ready, options.runAt) : ready;
		const items = await jobItems(
			context,
			adapter,
			chosen.map(({ job, phase }) => ({ job, files: options.downloadResults && phase === 'succeeded' ? adapter.results(job) : noFiles() })),
			{
				binaryProperty: options.binaryProperty,
				json: (job) => ({ ...(options.json?.(job) ?? (adapter.summary(job) as IDataObject)), status: adapter.status(job).phase }),
			},
		);
		if (!manual && chosen.length > 0) {
			for (const { id, run, result } of chosen) {
				fired.delete(id);
				fired.set(id, { run, result });
			}
			state.fired = boundFired(fired, new Set(ids));
		}
		return items.length > 0 ? [items] : null;
	} catch (error) {
		throw toNodeError(context.getNode(), error, 0);
	}
}

/** The remembered runs by job id, oldest first; anything of another shape is dropped. */
function readFired(saved: unknown): Map<string, { run: string; result: string | null }> {
	const fired = new Map<string, { run: string; result: string | null }>();
	if (!Array.isArray(saved)) return fired;
	for (const entry of saved) {
		if (!Array.isArray(entry) || typeof entry[0] !== 'string' || typeof entry[1] !== 'string') continue;
		fired.set(entry[0], { run: entry[1], result: typeof entry[2] === 'string' ? entry[2] : null });
	}
	return fired;
}

/** At most MAX_REMEMBERED_JOBS entries: the oldest of the jobs no longer watched go first. */
function boundFired(fired: Map<string, { run: string; result: string | null }>, watched: Set<string>): FiredEntry[] {
	const entries: FiredEntry[] = [...fired].map(([id, { run, result }]) => [id, run, result]);
	let excess = entries.length - MAX_REMEMBERED_JOBS;
	return entries.filter(([id]) => {
		if (excess <= 0 || watched.has(id)) return true;
		excess--;
		return false;
	});
}

/** The one that ran last (by `runAt`, else the last given), as manual mode's sample. */
function newestOf<Entry extends { job: Job }, Job>(ready: Entry[], runAt: ((job: Job) => string | number | undefined) | undefined): Entry[] {
	if (ready.length === 0) return [];
	const time = (entry: Entry): number => {
		const value = runAt?.(entry.job);
		const parsed = typeof value === 'number' ? value : Date.parse(value ?? '');
		return Number.isFinite(parsed) ? parsed : -Infinity;
	};
	let newest = ready[ready.length - 1];
	for (const entry of ready) if (time(entry) > time(newest)) newest = entry;
	return [newest];
}
