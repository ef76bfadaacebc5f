// Runtime-neutral: web-standard APIs only (no node:, Deno, process), so n8n, Node and Deno share it.
import type { JobStatus } from '../../core/waiter.ts';
import type { TaskShort } from './schemas.ts';

/**
 * Visionatrix has no status field. An error freezes progress below 100 and is never cleared
 * except by a restart, so `error` is checked first; 100 is the only completion signal.
 */
export function taskStatus(task: Pick<TaskShort, 'progress' | 'error'>): JobStatus {
	if (task.error) return { phase: 'failed', progress: task.progress, error: task.error };
	if (task.progress >= 100) return { phase: 'succeeded', progress: 100 };
	if (task.progress > 0) return { phase: 'running', progress: task.progress };
	return { phase: 'queued', progress: 0 };
}

export function isTaskFinished(task: Pick<TaskShort, 'progress' | 'error'>): boolean {
	const { phase } = taskStatus(task);
	return phase === 'succeeded' || phase === 'failed';
}
