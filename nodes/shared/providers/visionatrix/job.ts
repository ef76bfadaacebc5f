// Runtime-neutral: web-standard APIs only (no node:, Deno, process), so n8n, Node and Deno share it.
// Visionatrix tasks through the shared job contract: what the waiter, the trigger runner, the n8n
// items and the CLI's job commands need to know of them.
import type { JobAdapter } from '../../core/job.ts';
import { requireWholeNumber } from '../../core/inputChecks.ts';
import type { PollingPlan } from '../../core/waiter.ts';
import type { TaskFilter, Visionatrix } from './api.ts';
import type { TaskShort } from './schemas.ts';
import { taskStatus } from './taskState.ts';
import { runTimesOfFlow, tasksAhead } from './taskTiming.ts';

/**
 * Visionatrix writes progress per sampler step and jumps to 100 % from wherever the last step
 * left it (often 80-95 %), so a task may end up to a quarter of its run time before the linear
 * estimate says.
 */
export const VISIONATRIX_POLLING: Partial<PollingPlan> = { earlyFinishShare: 0.25 };

export const VISIONATRIX_JOB_WORDS = { service: 'Visionatrix', noun: 'task' } as const;

/** A task as JSON for items and output lines: without its ComfyUI graph (`flow_comfy`, often 10+ KB). */
export function taskSummary(task: TaskShort): Record<string, unknown> {
	return Object.fromEntries(Object.entries(task).filter(([key]) => key !== 'flow_comfy'));
}

/** The adapter for one Visionatrix client; `filter` limits what `listJobs` lists (flow, group scope). */
export function visionatrixJobs(visionatrix: Visionatrix, filter: TaskFilter = {}): JobAdapter<TaskShort> {
	return {
		...VISIONATRIX_JOB_WORDS,
		polling: VISIONATRIX_POLLING,
		id: (task) => String(task.task_id),
		read: (id, signal) => visionatrix.getTaskState(taskIdFrom(id), signal),
		status: taskStatus,
		cancel: (id) => visionatrix.cancelTask(taskIdFrom(id)),
		results: (task, signal) => visionatrix.results(task, signal),
		summary: taskSummary,
		flowKey: (task) => `${visionatrix.http.baseUrl} ${task.name}`,
		runTimeMs: (task) => (taskStatus(task).phase === 'succeeded' && task.execution_time > 0 ? task.execution_time * 1000 : undefined),
		recentRunTimes: async (task, signal) => runTimesOfFlow((await visionatrix.listTasks({ name: task.name, onlyParent: true }, { signal })) as TaskShort[], task.name),
		jobsAhead: async (task, signal) => tasksAhead((await visionatrix.listTasks({ onlyParent: true }, { signal })) as TaskShort[], task),
		// One page: the server lists every task of the caller at once (ids only grow, so they order them).
		async listJobs({ signal }) {
			const tasks = (await visionatrix.listTasks({ ...filter, onlyParent: true }, { signal })) as TaskShort[];
			const newestFirst = [...tasks].sort((a, b) => b.task_id - a.task_id);
			return { jobs: newestFirst.map((task) => ({ job: task, listed: { id: String(task.task_id), order: task.task_id, phase: taskStatus(task).phase } })) };
		},
	};
}

function taskIdFrom(id: string): number {
	return requireWholeNumber('taskId', 'task ID', /^\d+$/.test(id) ? Number(id) : id, 1);
}
