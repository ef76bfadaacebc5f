// Runtime-neutral: web-standard APIs only (no node:, Deno, process), so n8n, Node and Deno share it.
// What an InvokeAI server (6.0 to 6.14) sends, as the project's reference (invokeai.md) reads it
// from InvokeAI's source. DTOs leave null fields out (`exclude_none`), so every field that may be
// null is optional here, and fields nobody here reads pass through untouched.
import { z } from 'zod';

/** `GET /api/v1/app/version`: `{"version": "6.13.8"}`. */
export const versionSchema = z.object({ version: z.string() }).passthrough();

/** `POST /api/v1/auth/login` (6.12+, multi-user mode): the JWT and how long it lasts, in seconds. */
export const loginSchema = z
	.object({
		token: z.string().min(1),
		expires_in: z.number().nullish(),
	})
	.passthrough();

/** `POST /api/v1/queue/{queue_id}/enqueue_batch` (`EnqueueBatchResult`); `item_ids` since 6.0. */
export const enqueuedSchema = z
	.object({
		queue_id: z.string().nullish(),
		enqueued: z.number().int(),
		requested: z.number().int(),
		batch: z.object({ batch_id: z.string().nullish() }).passthrough().nullish(),
		priority: z.number().nullish(),
		item_ids: z.array(z.number().int()).nullish(),
	})
	.passthrough();

/** A session (GraphExecutionState), as far as outputs and errors need it. */
export const sessionSchema = z
	.object({
		id: z.string().nullish(),
		graph: z
			.object({ nodes: z.record(z.record(z.unknown())).nullish() })
			.passthrough()
			.nullish(),
		/** Outputs by prepared node id (fresh UUIDs, not the workflow's node ids). */
		results: z.record(z.unknown()).nullish(),
		/** Error texts by prepared node id. */
		errors: z.record(z.unknown()).nullish(),
		/** Prepared node id → the workflow (source) node id it was made from. */
		prepared_source_mapping: z.record(z.string()).nullish(),
	})
	.passthrough();
export type Session = z.infer<typeof sessionSchema>;

const fieldValueSchema = z.object({ node_path: z.string(), field_name: z.string(), value: z.unknown() }).passthrough();

/** `GET /api/v1/queue/{queue_id}/i/{item_id}` (`SessionQueueItem`). */
export const queueItemSchema = z
	.object({
		item_id: z.number().int(),
		/** pending, in_progress, waiting (6.14), completed, failed, canceled. */
		status: z.string(),
		batch_id: z.string().nullish(),
		session_id: z.string().nullish(),
		queue_id: z.string().nullish(),
		priority: z.number().nullish(),
		origin: z.string().nullish(),
		destination: z.string().nullish(),
		error_type: z.string().nullish(),
		error_message: z.string().nullish(),
		error_traceback: z.string().nullish(),
		created_at: z.string().nullish(),
		updated_at: z.string().nullish(),
		started_at: z.string().nullish(),
		completed_at: z.string().nullish(),
		user_id: z.string().nullish(),
		/** 6.14: set on the child items a `call_saved_workflow` node makes. */
		parent_item_id: z.number().nullish(),
		root_item_id: z.number().nullish(),
		field_values: z.array(fieldValueSchema).nullish(),
		session: sessionSchema.nullish(),
		workflow: z.unknown().optional(),
	})
	.passthrough();
export type QueueItem = z.infer<typeof queueItemSchema>;

/** The counts `BatchStatus` and `SessionQueueStatus` share (`waiting` in 6.14 only). */
const countFields = {
	pending: z.number().int(),
	in_progress: z.number().int(),
	waiting: z.number().int().nullish(),
	completed: z.number().int(),
	failed: z.number().int(),
	canceled: z.number().int(),
	total: z.number().int(),
};

/** `GET /api/v1/queue/{queue_id}/b/{batch_id}/status`. */
export const batchStatusSchema = z
	.object({
		batch_id: z.string(),
		origin: z.string().nullish(),
		destination: z.string().nullish(),
		...countFields,
	})
	.passthrough();
export type BatchStatus = z.infer<typeof batchStatusSchema>;

/** `GET /api/v1/queue/{queue_id}/status`. */
export const queueStatusSchema = z
	.object({
		queue: z
			.object({
				queue_id: z.string().nullish(),
				item_id: z.number().nullish(),
				batch_id: z.string().nullish(),
				session_id: z.string().nullish(),
				...countFields,
			})
			.passthrough(),
		processor: z.object({ is_started: z.boolean(), is_processing: z.boolean() }).passthrough(),
	})
	.passthrough();
export type QueueStatus = z.infer<typeof queueStatusSchema>;

/** `GET /api/v1/queue/{queue_id}/item_ids` (6.8+). */
export const itemIdsSchema = z.object({ item_ids: z.array(z.number().int()), total_count: z.number().nullish() }).passthrough();

/** `PUT /api/v1/queue/{queue_id}/cancel_by_batch_ids`. */
export const canceledSchema = z.object({ canceled: z.number().int() }).passthrough();

/** `PUT /api/v1/queue/{queue_id}/retry_items_by_id` (5.7+). */
export const retriedSchema = z.object({ retried_item_ids: z.array(z.number().int()) }).passthrough();

/** `ImageDTO`. `image_url` is relative (`api/v1/images/i/<name>/full`). */
export const imageSchema = z
	.object({
		image_name: z.string().min(1),
		image_url: z.string().nullish(),
		thumbnail_url: z.string().nullish(),
		image_origin: z.string().nullish(),
		image_category: z.string().nullish(),
		width: z.number().nullish(),
		height: z.number().nullish(),
		is_intermediate: z.boolean().nullish(),
		board_id: z.string().nullish(),
		session_id: z.string().nullish(),
		node_id: z.string().nullish(),
		created_at: z.string().nullish(),
	})
	.passthrough();
export type ImageDto = z.infer<typeof imageSchema>;

/** `GET /api/v1/images/`. */
export const imageListSchema = z
	.object({ limit: z.number().nullish(), offset: z.number().nullish(), total: z.number(), items: z.array(imageSchema) })
	.passthrough();
export type ImageList = z.infer<typeof imageListSchema>;

/** `DELETE /api/v1/images/i/{name}`. */
export const deletedImagesSchema = z.object({ deleted_images: z.array(z.string()) }).passthrough();

/** `BoardDTO`. */
export const boardSchema = z
	.object({
		board_id: z.string().min(1),
		board_name: z.string(),
		image_count: z.number().nullish(),
		archived: z.boolean().nullish(),
	})
	.passthrough();
export type Board = z.infer<typeof boardSchema>;

/** `DELETE /api/v1/boards/{board_id}`. */
export const deletedBoardSchema = z.object({ board_id: z.string() }).passthrough();

/** One model config of `GET /api/v2/models/` (AnyModelConfig); every type adds its own fields. */
export const modelSchema = z
	.object({
		key: z.string().min(1),
		hash: z.string().nullish(),
		name: z.string(),
		base: z.string(),
		type: z.string(),
		format: z.string().nullish(),
		variant: z.string().nullish(),
		description: z.string().nullish(),
	})
	.passthrough();
export type ModelConfig = z.infer<typeof modelSchema>;

export const modelListSchema = z.object({ models: z.array(modelSchema) }).passthrough();

/** One workflow of `GET /api/v1/workflows/` (a library record without the workflow itself). */
export const workflowRecordSchema = z
	.object({
		workflow_id: z.string(),
		name: z.string().nullish(),
		description: z.string().nullish(),
		category: z.string().nullish(),
		tags: z.string().nullish(),
		updated_at: z.string().nullish(),
	})
	.passthrough();
export type WorkflowRecord = z.infer<typeof workflowRecordSchema>;

export const workflowListSchema = z
	.object({
		page: z.number().nullish(),
		pages: z.number().nullish(),
		per_page: z.number().nullish(),
		total: z.number().nullish(),
		items: z.array(workflowRecordSchema),
	})
	.passthrough();
export type WorkflowList = z.infer<typeof workflowListSchema>;

/** `GET /api/v1/workflows/i/{workflow_id}`: the record with the workflow under `workflow`. */
export const workflowWithRecordSchema = z.object({ workflow_id: z.string(), workflow: z.unknown() }).passthrough();

/** `POST /api/v1/utilities/dynamicprompts`. */
export const dynamicPromptsSchema = z.object({ prompts: z.array(z.string()), error: z.string().nullish() }).passthrough();
