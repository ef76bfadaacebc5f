// Runtime-neutral: web-standard APIs only (no node:, Deno, process), so n8n, Node and Deno share it.
// What a Visionatrix server (2.x) sends, as its pydantic models define it. Only the fields the
// package relies on are checked; the rest pass through untouched so users still see them.
import { z } from 'zod';

export const inputParamSchema = z
	.object({
		name: z.string(),
		display_name: z.string(),
		type: z.string(),
		optional: z.boolean().default(false),
		advanced: z.boolean().default(false),
		hidden: z.boolean().default(false),
		order: z.number().optional(),
		default: z.union([z.string(), z.number(), z.boolean(), z.null()]).optional(),
		min: z.number().optional(),
		max: z.number().optional(),
		step: z.number().optional(),
		options: z.record(z.union([z.string(), z.number()])).optional(),
	})
	.passthrough();
export type InputParam = z.infer<typeof inputParamSchema>;

export const flowSchema = z
	.object({
		name: z.string(),
		display_name: z.string(),
		description: z.string().default(''),
		version: z.string().default(''),
		tags: z.array(z.string()).default([]),
		input_params: z.array(inputParamSchema),
		is_seed_supported: z.boolean().default(false),
		is_count_supported: z.boolean().default(false),
		is_translations_supported: z.boolean().default(false),
	})
	.passthrough();
export type Flow = z.infer<typeof flowSchema>;

export const flowListSchema = z.array(flowSchema);

export const taskOutputSchema = z
	.object({
		comfy_node_id: z.number().int(),
		type: z.string(),
		file_size: z.number(),
		batch_size: z.number().int(),
	})
	.passthrough();
export type TaskOutput = z.infer<typeof taskOutputSchema>;

const taskShortShape = {
	task_id: z.number().int(),
	priority: z.number().int(),
	progress: z.number(),
	error: z.string().nullable().transform((error) => error ?? ''),
	name: z.string(),
	input_params: z.record(z.unknown()).nullable().default({}),
	outputs: z.array(taskOutputSchema),
	input_files: z.array(z.object({ file_name: z.string(), file_size: z.number() }).passthrough()).default([]),
	execution_time: z.number().default(0),
	/** Set while a worker holds the task: from the moment it takes it (progress still 0) to its end. */
	locked_at: z.string().nullish(),
	group_scope: z.number().int().default(1),
	parent_task_id: z.number().int().nullable().default(null),
};

export const taskShortSchema = z.object(taskShortShape).passthrough();
export type TaskShort = z.infer<typeof taskShortSchema>;

/** `TaskDetails` of `GET /vapi/tasks/progress/{id}`; `flow_comfy` can be large. */
export const taskDetailsSchema = z
	.object({
		...taskShortShape,
		child_tasks: z.array(taskShortSchema).default([]),
		created_at: z.string().nullable().optional(),
		finished_at: z.string().nullable().optional(),
		flow_comfy: z.record(z.unknown()).optional(),
	})
	.passthrough();
export type TaskDetails = z.infer<typeof taskDetailsSchema>;

/** `GET /vapi/tasks/progress` and `/progress-summary`: tasks keyed by their id. */
export const taskMapSchema = z.record(taskShortSchema);
export const taskDetailsMapSchema = z.record(taskDetailsSchema);

export const taskRunResultsSchema = z.object({
	tasks_ids: z.array(z.number().int()).min(1),
	outputs: z.array(taskOutputSchema),
});
export type TaskRunResults = z.infer<typeof taskRunResultsSchema>;

export const userInfoSchema = z
	.object({
		user_id: z.string(),
		full_name: z.string().nullable().optional(),
		email: z.string().nullable().optional(),
		is_admin: z.boolean(),
	})
	.passthrough();
export type UserInfo = z.infer<typeof userInfoSchema>;
