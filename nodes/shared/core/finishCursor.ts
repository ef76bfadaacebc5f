// Runtime-neutral: web-standard APIs only (no node:, Deno, process), so n8n, Node and Deno share it.
import type { JobPhase } from './waiter.ts';

/**
 * What a polling trigger remembers between polls (kept small: it lives in workflow static data).
 * Job ids grow monotonically but jobs finish out of order, so one number is not enough:
 * every job at or below `watermark` is settled, and `handled` lists settled jobs above it.
 */
export interface FinishCursor {
	watermark: number;
	handled: number[];
	/** Failed jobs passed over because failures were not wanted; a restart may still finish them. */
	skippedFailures: number[];
}

export interface CursorJob {
	id: number;
	phase: JobPhase;
}

const MAX_SKIPPED_FAILURES = 500;

/** The first poll only takes note of what is there: jobs that finished earlier do not fire. */
export function startCursor(jobs: CursorJob[], includeFailures: boolean): FinishCursor {
	return advanceCursor({ watermark: 0, handled: [], skippedFailures: [] }, jobs, includeFailures).cursor;
}

/**
 * Which jobs finished since the last poll (each reported once), and the cursor to keep.
 * `jobs` is the server's current list; jobs missing from it were deleted and are forgotten.
 */
export function advanceCursor(
	cursor: FinishCursor,
	jobs: CursorJob[],
	includeFailures: boolean,
): { finished: CursorJob[]; cursor: FinishCursor } {
	const handled = new Set(cursor.handled);
	const skipped = new Set(cursor.skippedFailures);
	const finished: CursorJob[] = [];
	let lowestOpen = Infinity;
	let highest = cursor.watermark;

	for (const job of [...jobs].sort((a, b) => a.id - b.id)) {
		highest = Math.max(highest, job.id);
		const settledEarlier = (job.id <= cursor.watermark && !skipped.has(job.id)) || handled.has(job.id);
		if (settledEarlier) continue;
		if (job.phase === 'succeeded' || (job.phase === 'failed' && includeFailures)) {
			finished.push(job);
			handled.add(job.id);
			skipped.delete(job.id);
		} else if (job.phase === 'failed') {
			skipped.add(job.id);
		} else {
			lowestOpen = Math.min(lowestOpen, job.id);
		}
	}

	const watermark = Math.max(cursor.watermark, lowestOpen === Infinity ? highest : lowestOpen - 1);
	const listed = new Set(jobs.map((job) => job.id));
	return {
		finished,
		cursor: {
			watermark,
			handled: [...handled].filter((id) => id > watermark).sort((a, b) => a - b),
			skippedFailures: [...skipped].filter((id) => listed.has(id)).sort((a, b) => a - b).slice(-MAX_SKIPPED_FAILURES),
		},
	};
}
