import type { CursorJob } from '../../../nodes/shared/core/finishCursor.ts';
import { advanceCursor, startCursor } from '../../../nodes/shared/core/finishCursor.ts';

const job = (id: number, phase: CursorJob['phase']): CursorJob => ({ id, phase });
const ids = (jobs: CursorJob[]) => jobs.map((j) => j.id);

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
		expect(step.cursor.watermark).toBe(0);
		expect(step.cursor.handled).toHaveLength(50);
		cursor = advanceCursor(step.cursor, [job(1, 'succeeded'), ...jobs.slice(1)], false).cursor;
		expect(cursor).toEqual({ watermark: 51, handled: [], skippedFailures: [] });
	});

	it('fires for failures only when asked, and still fires when a skipped failure is restarted and succeeds', () => {
		const cursor = startCursor([], false);
		const failed = advanceCursor(cursor, [job(1, 'failed')], false);
		expect(failed.finished).toEqual([]);
		expect(failed.cursor.skippedFailures).toEqual([1]);
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
		expect(step.cursor.skippedFailures).toEqual([1]);
		expect(advanceCursor(step.cursor, [job(2, 'running')], false).cursor.skippedFailures).toEqual([]);
	});
});
