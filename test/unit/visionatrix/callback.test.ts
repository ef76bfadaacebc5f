import { ResponseShapeError } from '../../../nodes/shared/core/errors.ts';
import { callbackPhase, parseTaskCallback } from '../../../nodes/shared/providers/visionatrix/callback.ts';

describe('Visionatrix callback bodies', () => {
	it('reads the three kinds of call a task makes: progress, failure, completion', () => {
		const progress = parseTaskCallback({ task_id: 7, progress: 42.5, execution_time: 3.2, error: '' });
		expect(progress).toEqual({ task_id: 7, progress: 42.5, execution_time: 3.2, error: '' });
		expect(callbackPhase(progress)).toBe('running');
		// An error freezes progress below 100; it wins over progress.
		expect(callbackPhase(parseTaskCallback({ task_id: 7, progress: 30, execution_time: 1, error: 'Allocation on device ' }))).toBe('failed');
		expect(callbackPhase(parseTaskCallback({ task_id: 7, progress: 100, execution_time: 9, error: '' }))).toBe('succeeded');
	});

	it('names the field when a body is not a Visionatrix callback', () => {
		expect(() => parseTaskCallback({ progress: 100, error: '' })).toThrow(expect.objectContaining({ field: 'task_id' }));
		expect(() => parseTaskCallback({ task_id: 7, progress: 'done' })).toThrow(ResponseShapeError);
		expect(() => parseTaskCallback('text')).toThrow(ResponseShapeError);
	});
});
