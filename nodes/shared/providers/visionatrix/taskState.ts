// Runtime-neutral: web-standard APIs only (no node:, Deno, process), so n8n, Node and Deno share it.
import { withoutMember } from '../../core/jsonSkim.ts';
import { parseJsonText } from '../../core/validate.ts';
import type { JobStatus } from '../../core/waiter.ts';
import type { TaskDetails, TaskShort } from './schemas.ts';
import { taskDetailsSchema, taskShortSchema } from './schemas.ts';

/**
 * Visionatrix has no status field. An error freezes progress below 100 and is never cleared
 * except by a restart, so `error` is checked first; 100 is the only completion signal. A task a
 * worker has taken (`locked_at`) runs, though its progress may still be 0 (models loading).
 */
export function taskStatus(task: Pick<TaskShort, 'progress' | 'error'> & { locked_at?: string | null }): JobStatus {
	if (task.error) return { phase: 'failed', progress: task.progress, error: task.error };
	if (task.progress >= 100) return { phase: 'succeeded', progress: 100 };
	if (task.progress > 0 || task.locked_at) return { phase: 'running', progress: task.progress };
	return { phase: 'queued', progress: 0 };
}

export function isTaskFinished(task: Pick<TaskShort, 'progress' | 'error'>): boolean {
	const { phase } = taskStatus(task);
	return phase === 'succeeded' || phase === 'failed';
}

/**
 * A task from the text of `GET /vapi/tasks/progress/{id}`, as the waiter reads it many times: while
 * it runs, its ComfyUI graph (`flow_comfy`, most of the text) is cut out unparsed and only the
 * fields every task has are checked; once it has ended, the whole task is.
 */
export function parseTaskState(text: string, context: string): TaskShort | TaskDetails {
	const task = parseJsonText(taskShortSchema, withoutMember(text, 'flow_comfy') ?? text, context);
	return isTaskFinished(task) ? parseJsonText(taskDetailsSchema, text, context) : task;
}
