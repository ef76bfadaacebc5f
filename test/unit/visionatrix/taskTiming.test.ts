import type { TaskShort } from '../../../nodes/shared/providers/visionatrix/schemas.ts';
import { runTimesOfFlow, tasksAhead } from '../../../nodes/shared/providers/visionatrix/taskTiming.ts';

function task(task_id: number, fields: Partial<TaskShort> & { locked_at?: string | null } = {}): TaskShort {
	return { task_id, priority: 0, progress: 0, error: '', name: 'sdxl_lighting', input_params: {}, outputs: [], input_files: [], execution_time: 0, group_scope: 1, parent_task_id: null, ...fields } as TaskShort;
}

describe('Visionatrix task timing', () => {
	it("reads the run times of the flow's finished tasks, newest first, in ms", () => {
		const tasks = [
			task(1, { progress: 100, execution_time: 12.5 }),
			task(2, { progress: 100, execution_time: 11 }),
			task(3, { progress: 100, execution_time: 9, name: 'other_flow' }),
			task(4, { progress: 40, error: 'CUDA out of memory', execution_time: 3 }),
			task(5, { progress: 60 }),
			task(6, { progress: 100, execution_time: 0 }),
		];
		expect(runTimesOfFlow(tasks, 'sdxl_lighting')).toEqual([11_000, 12_500]);
	});

	it('counts the tasks a worker takes first: running ones, then higher priority, then older ones', () => {
		const tasks = [
			task(1, { progress: 55, locked_at: '2026-12-02T10:00:00' }),
			task(2),
			task(3, { priority: 5 }),
			task(4),
			task(5, { error: 'failed earlier' }),
			task(6, { progress: 100 }),
			task(7),
		];
		// Ours is 4: task 1 runs, 2 is older, 3 has a higher priority; 5 failed, 6 is done, 7 is newer.
		expect(tasksAhead(tasks, { task_id: 4 })).toEqual({ ahead: 3, sameFlow: true });
		// With a higher priority than all, only the running one is ahead.
		expect(tasksAhead(tasks.map((t) => (t.task_id === 7 ? { ...t, priority: 9 } : t)), { task_id: 7 })).toEqual({ ahead: 1, sameFlow: true });
		// A task of another flow ahead: the flow's run times do not time the queue.
		expect(tasksAhead(tasks.map((t) => (t.task_id === 2 ? { ...t, name: 'remove_background_birefnet' } : t)), { task_id: 4 })).toEqual({ ahead: 3, sameFlow: false });
	});

	it('divides by the workers busy now, and says 0 once ours is taken, undefined when ours is not listed', () => {
		const tasks = [task(1, { progress: 10 }), task(2, { progress: 0, locked_at: '2026-12-02T10:00:00' }), task(3), task(4), task(5)];
		// Two running, two waiting before ours (3 and 4): four ahead on two workers.
		expect(tasksAhead(tasks, { task_id: 5 })).toEqual({ ahead: 2, sameFlow: true });
		expect(tasksAhead(tasks, { task_id: 2 })).toEqual({ ahead: 0 });
		expect(tasksAhead(tasks, { task_id: 99 })).toBeUndefined();
	});
});
