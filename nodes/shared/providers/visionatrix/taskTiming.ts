// Runtime-neutral: web-standard APIs only (no node:, Deno, process), so n8n, Node and Deno share it.
//
// What the caller's task list says of timing, for the waiter: how long recent tasks of a flow ran
// (`execution_time`, the worker's own measure) and how many tasks a queued one waits for. The
// list holds only the caller's own tasks (the server filters it by owner), so tasks of other users
// sharing the workers are not counted: the waiter re-checks, and learns the real pace from it.
import type { QueuePlace } from '../../core/job.ts';
import { queuePlaceAmong } from '../../core/job.ts';
import type { TaskShort } from './schemas.ts';
import { taskStatus } from './taskState.ts';

/** Run times (ms) of the flow's finished tasks, newest first. */
export function runTimesOfFlow(tasks: TaskShort[], flow: string): number[] {
	return tasks
		.filter((task) => task.name === flow && taskStatus(task).phase === 'succeeded' && task.execution_time > 0)
		.sort((a, b) => b.task_id - a.task_id)
		.map((task) => task.execution_time * 1000);
}

/**
 * Tasks a worker takes before `ours` (higher priority first, then older), per task running now (the
 * workers busy), and whether they all run our flow; 0 once ours has started; undefined when ours
 * is not in the list.
 */
export function tasksAhead(tasks: TaskShort[], ours: Pick<TaskShort, 'task_id'>): QueuePlace | undefined {
	const mine = tasks.find((task) => task.task_id === ours.task_id);
	if (!mine) return undefined;
	if (taskStatus(mine).phase !== 'queued') return { ahead: 0 };
	const unfinished = tasks.filter((task) => task.task_id !== mine.task_id && !task.error && task.progress < 100);
	return queuePlaceAmong(unfinished, {
		running: (task) => taskStatus(task).phase === 'running',
		waitingBefore: (task) => task.priority > mine.priority || (task.priority === mine.priority && task.task_id < mine.task_id),
		sameFlow: (task) => task.name === mine.name,
	});
}
