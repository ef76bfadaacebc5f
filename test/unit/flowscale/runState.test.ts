import { isRunFinished, runsAhead, runStatus, runTimeOfRun } from '../../../nodes/shared/providers/flowscale/runState.ts';

describe('Flowscale run status', () => {
	it('takes completed as success, whatever its case', () => {
		expect(runStatus({ status: 'completed' })).toEqual({ phase: 'succeeded' });
		expect(runStatus({ status: 'Completed' })).toEqual({ phase: 'succeeded' });
	});

	it.each([
		['failed', 'it failed (status "failed")'],
		['error', 'it failed (status "error")'],
		['cancelled', 'it was cancelled (status "cancelled")'],
		['timeout', 'it timed out on the server (status "timeout")'],
	])('ends the run on %s, saying why', (status, error) => {
		expect(runStatus({ status })).toEqual({ phase: 'failed', error });
	});

	it('adds the error text a failed run carries', () => {
		expect(runStatus({ status: 'failed', error: 'CUDA error: out of memory' }).error).toBe('it failed (status "failed"): CUDA error: out of memory');
		expect(runStatus({ status: 'error', errors: ['node 9', 'missing model'] }).error).toBe('it failed (status "error"): node 9; missing model');
		expect(runStatus({ status: 'failed', error: null, error_message: 'bad input' }).error).toBe('it failed (status "failed"): bad input');
	});

	it('takes a waiting word as queued and any other word as still running (no source lists them)', () => {
		for (const status of ['queued', 'Pending', 'waiting']) {
			expect(runStatus({ status })).toEqual({ phase: 'queued' });
			expect(isRunFinished({ status })).toBe(false);
		}
		for (const status of ['running', 'processing', 'IN_PROGRESS', '']) {
			expect(runStatus({ status })).toEqual({ phase: 'running' });
			expect(isRunFinished({ status })).toBe(false);
		}
		expect(isRunFinished({ status: 'cancelled' })).toBe(true);
	});

	it('counts the runs a container takes first: those running, then those waiting that are older, per busy container', () => {
		const run = (id: string, status: string, created: number, workflow = 'w') => ({ run_id: id, status, workflow_id: workflow, created_at: `2024-01-15T10:00:${String(created).padStart(2, '0')}Z`, inputs: [], outputs: [], output_names: [] });
		const runs = [run('a', 'running', 1), run('b', 'running', 2), run('c', 'queued', 3), run('d', 'queued', 4), run('e', 'queued', 5), run('f', 'completed', 0)];
		// Two running, one older waiting: three ahead on two containers.
		expect(runsAhead(runs, { run_id: 'd' })).toEqual({ ahead: 1.5, sameFlow: true });
		expect(runsAhead(runs.map((other) => (other.run_id === 'c' ? { ...other, workflow_id: 'x' } : other)), { run_id: 'd' })).toEqual({ ahead: 1.5, sameFlow: false });
		expect(runsAhead(runs, { run_id: 'a' })).toEqual({ ahead: 0 });
		expect(runsAhead(runs, { run_id: 'zz' })).toBeUndefined();
	});

	it('measures a completed run by the server clock, and nothing else', () => {
		const run = { run_id: 'r', status: 'completed', inputs: [], outputs: [], output_names: [], started_at: '2024-01-15T10:30:15Z', completed_at: '2024-01-15T10:32:45.500Z' };
		expect(runTimeOfRun(run)).toBe(150_500);
		expect(runTimeOfRun({ ...run, status: 'running' })).toBeUndefined();
		expect(runTimeOfRun({ ...run, started_at: null })).toBeUndefined();
		expect(runTimeOfRun({ ...run, completed_at: 'not a time' })).toBeUndefined();
	});
});
