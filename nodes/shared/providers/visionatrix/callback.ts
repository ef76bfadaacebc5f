// Runtime-neutral: web-standard APIs only (no node:, Deno, process), so n8n, Node and Deno share it.
// The body Visionatrix POSTs to `{webhook_url}/task-progress` (webhooks.py): on every progress
// write of a running task, once with the error when it fails, once with 100 when its outputs
// are recorded. Nothing while queued, nothing on delete, no retries.
import { z } from 'zod';

import { parseValue } from '../../core/validate.ts';
import type { JobPhase } from '../../core/waiter.ts';
import { taskStatus } from './taskState.ts';

const taskCallbackSchema = z.object({
	task_id: z.number().int().positive(),
	progress: z.number(),
	execution_time: z.number().optional(),
	error: z.string().nullish().transform((error) => error ?? ''),
});

export type TaskCallback = z.infer<typeof taskCallbackSchema>;

/** Throws a ResponseShapeError naming the field when the body is not a Visionatrix callback. */
export function parseTaskCallback(body: unknown): TaskCallback {
	return parseValue(taskCallbackSchema, body, 'The Visionatrix callback');
}

/** `running` for a progress write, `succeeded` or `failed` for the last call a task makes. */
export function callbackPhase(callback: TaskCallback): JobPhase {
	return taskStatus(callback).phase;
}
