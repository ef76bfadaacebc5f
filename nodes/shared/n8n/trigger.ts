// The one polling-trigger runner: every provider's trigger describes its parameters and hands
// this its job adapter. It fires once per job that finished since the last poll, reading the
// server's listing page by page down to what it had seen, and moves its cursor (kept in the
// workflow's static data) only once every item is built, so a failed download is retried on the
// next poll rather than lost.
import type { IDataObject, INodeExecutionData, IPollFunctions } from 'n8n-workflow';

import type { CursorStep, JobCursor } from '../core/cursor.ts';
import { advanceCursor, readCursor, startCursor } from '../core/cursor.ts';
import type { JobAdapter, ListedJob } from '../core/job.ts';
import { noFiles } from '../core/job.ts';
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
