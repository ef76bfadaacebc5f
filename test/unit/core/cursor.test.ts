import { advanceCursor, readCursor, startCursor } from '../../../nodes/shared/core/cursor.ts';
import type { ListedJob } from '../../../nodes/shared/core/job.ts';

// Visionatrix's shape: numeric ids that are also the order of creation.
const job = (id: number, phase: ListedJob['phase']): ListedJob => ({ id: String(id), order: id, phase });
const ids = (jobs: ListedJob[]) => jobs.map((j) => Number(j.id));

describe('finish cursor', () => {
	it('does not fire for what had finished before the first poll', () => {
		const cursor = startCursor([job(1, 'succeeded'), job(2, 'running'), job(3, 'succeeded')], false);
		const next = advanceCursor(cursor, [job(1, 'succeeded'), job(2, 'running'), job(3, 'succeeded')], false);
		expect(next.finished).toEqual([]);
	});

	it('fires once per job, in id order, even when jobs finish out of order', () => {
		let cursor = startCursor([job(1, 'running'), job(2, 'queued')], false);
		let step = advanceCursor(cursor, [job(1, 'running'), job(2, 'succeeded'), job(3, 'queued')], false);
		expect(ids(step.finished)).toEqual([2]);
		cursor = step.cursor;
		step = advanceCursor(cursor, [job(1, 'succeeded'), job(2, 'succeeded'), job(3, 'succeeded')], false);
		expect(ids(step.finished)).toEqual([1, 3]);
		step = advanceCursor(step.cursor, [job(1, 'succeeded'), job(2, 'succeeded'), job(3, 'succeeded')], false);
		expect(step.finished).toEqual([]);
		expect(step.cursor).toEqual({ watermark: 3, handled: [], skippedFailures: [] });
	});

	it('keeps the state small: settled jobs fold into the watermark', () => {
		let cursor = startCursor([job(1, 'running')], false);
		const jobs = [job(1, 'running'), ...Array.from({ length: 50 }, (_, i) => job(i + 2, 'succeeded'))];
		const step = advanceCursor(cursor, jobs, false);
		expect(step.finished).toHaveLength(50);
		expect(step.cursor.watermark).toBe(null);
		expect(step.cursor.handled).toHaveLength(50);
		cursor = advanceCursor(step.cursor, [job(1, 'succeeded'), ...jobs.slice(1)], false).cursor;
		expect(cursor).toEqual({ watermark: 51, handled: [], skippedFailures: [] });
	});

	it('fires for failures only when asked, and still fires when a skipped failure is restarted and succeeds', () => {
		const cursor = startCursor([], false);
		const failed = advanceCursor(cursor, [job(1, 'failed')], false);
		expect(failed.finished).toEqual([]);
		expect(failed.cursor.skippedFailures).toEqual(['1']);
		const restarted = advanceCursor(failed.cursor, [job(1, 'running')], false);
		expect(restarted.finished).toEqual([]);
		const succeeded = advanceCursor(restarted.cursor, [job(1, 'succeeded')], false);
		expect(ids(succeeded.finished)).toEqual([1]);

		const withFailures = advanceCursor(startCursor([], true), [job(5, 'failed')], true);
		expect(ids(withFailures.finished)).toEqual([5]);
		expect(advanceCursor(withFailures.cursor, [job(5, 'failed')], true).finished).toEqual([]);
	});

	it('forgets deleted jobs', () => {
		const step = advanceCursor(startCursor([], false), [job(1, 'failed'), job(2, 'running')], false);
		expect(step.cursor.skippedFailures).toEqual(['1']);
		expect(advanceCursor(step.cursor, [job(2, 'running')], false).cursor.skippedFailures).toEqual([]);
	});

	it('works on string ids ordered by creation time (UUIDs with ISO times), ties included', () => {
		const run = (id: string, at: string, phase: ListedJob['phase']): ListedJob => ({ id, order: at, phase });
		let cursor = startCursor([run('c1f0', '2026-12-01T10:00:00Z', 'succeeded'), run('9a2b', '2026-12-01T10:00:05Z', 'running')], false);
		expect(cursor.watermark).toBe('2026-12-01T10:00:00Z');
		// A run created in the same second as a running one, and a burst after it.
		const listing = [
			run('c1f0', '2026-12-01T10:00:00Z', 'succeeded'),
			run('9a2b', '2026-12-01T10:00:05Z', 'running'),
			run('07ee', '2026-12-01T10:00:05Z', 'succeeded'),
			run('f00d', '2026-12-01T10:00:09Z', 'succeeded'),
		];
		let step = advanceCursor(cursor, listing, false);
		expect(step.finished.map((j) => j.id)).toEqual(['07ee', 'f00d']);
		cursor = step.cursor;
		// The tie keeps the watermark below 10:00:05 until the running one settles.
		expect(cursor.watermark).toBe('2026-12-01T10:00:00Z');
		step = advanceCursor(cursor, listing.map((j) => (j.id === '9a2b' ? { ...j, phase: 'succeeded' as const } : j)), false);
		expect(step.finished.map((j) => j.id)).toEqual(['9a2b']);
		expect(step.cursor).toEqual({ watermark: '2026-12-01T10:00:09Z', handled: [], skippedFailures: [] });
	});

	it('reads the cursor an earlier version saved (numeric ids), and nothing fires twice', () => {
		const saved = readCursor({ watermark: 3, handled: [5], skippedFailures: [2] });
		expect(saved).toEqual({ watermark: 3, handled: ['5'], skippedFailures: ['2'] });
		const step = advanceCursor(saved!, [job(2, 'failed'), job(3, 'succeeded'), job(4, 'succeeded'), job(5, 'succeeded')], false);
		expect(ids(step.finished)).toEqual([4]);
		expect(readCursor('garbage')).toBeUndefined();
		expect(readCursor({ watermark: {}, handled: [] })).toBeUndefined();
	});

	it('keeps what a listing read down to the watermark could not see', () => {
		const cursor = { watermark: 10, handled: ['12'], skippedFailures: ['4'] };
		const step = advanceCursor(cursor, [job(11, 'succeeded'), job(12, 'succeeded')], false, { complete: false });
		expect(ids(step.finished)).toEqual([11]);
		expect(step.cursor.skippedFailures).toEqual(['4']);
	});
});
