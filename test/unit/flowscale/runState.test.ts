import { isRunFinished, runStatus } from '../../../nodes/shared/providers/flowscale/runState.ts';

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

	it('takes any other word as still running (no source lists them)', () => {
		for (const status of ['queued', 'running', 'pending', 'processing', 'IN_PROGRESS', '']) {
			expect(runStatus({ status })).toEqual({ phase: 'running' });
			expect(isRunFinished({ status })).toBe(false);
		}
		expect(isRunFinished({ status: 'cancelled' })).toBe(true);
	});
});
