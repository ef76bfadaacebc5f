// Runtime-neutral: web-standard APIs only (no node:, Deno, process), so n8n, Node and Deno share it.
import type { ListedJob } from './job.ts';

export type JobOrder = ListedJob['order'];

/**
 * What a polling trigger remembers between polls (kept small: it lives in workflow static data).
 * Jobs are created in order but finish out of order, so one position is not enough: every job at
 * or below `watermark` (in the server's order of creation: a sequence number or an ISO time) is
 * settled, and `handled` lists the ids of settled jobs above it.
 */
export interface JobCursor {
	watermark: JobOrder | null;
	handled: string[];
	/** Failed jobs passed over because failures were not wanted; a restart may still finish them. */
	skippedFailures: string[];
}

export interface CursorStep {
	/** Jobs that finished since the last poll, oldest first, each reported once. */
	finished: ListedJob[];
	cursor: JobCursor;
}

const MAX_SKIPPED_FAILURES = 500;

const EMPTY_CURSOR: JobCursor = { watermark: null, handled: [], skippedFailures: [] };

/**
 * A cursor saved by an earlier version (numeric task ids) or by this one; anything else is no
 * cursor, so the trigger starts over by taking note of what exists.
 */
export function readCursor(saved: unknown): JobCursor | undefined {
	if (typeof saved !== 'object' || saved === null) return undefined;
	const { watermark, handled, skippedFailures } = saved as Record<string, unknown>;
	const ids = (value: unknown) => (Array.isArray(value) ? value.filter((id) => typeof id === 'string' || typeof id === 'number').map(String) : []);
	const validMark = watermark === null || typeof watermark === 'number' || typeof watermark === 'string';
	if (!validMark || !Array.isArray(handled)) return undefined;
	// Version 1 started from watermark 0 with nothing seen; the order of a first real job is above it.
	return { watermark: watermark as JobOrder | null, handled: ids(handled), skippedFailures: ids(skippedFailures) };
}

/** The first poll only takes note of what is there: jobs that finished earlier do not fire. */
export function startCursor(jobs: ListedJob[], includeFailures: boolean): JobCursor {
	return advanceCursor(EMPTY_CURSOR, jobs, includeFailures, { complete: true }).cursor;
}

function isAfter(a: JobOrder, b: JobOrder | null): boolean {
	return b === null || a > b;
}

/**
 * Which jobs finished since the last poll, and the cursor to keep. `jobs` is what the server
 * listed, newest first or in any order. `complete` says the listing holds every job above the
 * watermark and every skipped failure, so that a job missing from it was deleted and is forgotten;
 * a listing read page by page down to the watermark says so for everything above the watermark.
 */
export function advanceCursor(cursor: JobCursor, jobs: ListedJob[], includeFailures: boolean, listing: { complete: boolean } = { complete: true }): CursorStep {
	const handled = new Set(cursor.handled);
	const skipped = new Set(cursor.skippedFailures);
	const finished: ListedJob[] = [];
	const oldestFirst = [...jobs].sort((a, b) => (a.order < b.order ? -1 : a.order > b.order ? 1 : 0));
	let lowestOpen: JobOrder | undefined;

	for (const job of oldestFirst) {
		const settledEarlier = (!isAfter(job.order, cursor.watermark) && !skipped.has(job.id)) || handled.has(job.id);
		if (settledEarlier) continue;
		if (job.phase === 'succeeded' || (job.phase === 'failed' && includeFailures)) {
			finished.push(job);
			handled.add(job.id);
			skipped.delete(job.id);
		} else if (job.phase === 'failed') {
			skipped.add(job.id);
		} else if (lowestOpen === undefined) {
			lowestOpen = job.order;
		}
	}

	// Everything older than the oldest open job is settled; with none open, everything listed is.
	const settled = oldestFirst.filter((job) => lowestOpen === undefined || job.order < lowestOpen);
	const newestSettled = settled.length > 0 ? settled[settled.length - 1].order : null;
	const watermark = newestSettled !== null && isAfter(newestSettled, cursor.watermark) ? newestSettled : cursor.watermark;
	const listed = new Set(jobs.map((job) => job.id));
	const orderOf = new Map(jobs.map((job) => [job.id, job.order]));
	const aboveWatermark = (id: string) => {
		const order = orderOf.get(id);
		return order === undefined ? listing.complete === false : isAfter(order, watermark);
	};
	return {
		finished,
		cursor: {
			watermark,
			handled: [...handled].filter(aboveWatermark),
			skippedFailures: [...skipped].filter((id) => listed.has(id) || !listing.complete).slice(-MAX_SKIPPED_FAILURES),
		},
	};
}
