// Runtime-neutral: web-standard APIs only (no node:, Deno, process), so n8n, Node and Deno share it.
// What a Flowscale deployment sends (the project's reference, flowscale.md: SDK 1.1.4, its OpenAPI
// file, the JS SDK docs). Where those sources disagree every listed shape is accepted; fields no
// source names pass through untouched, so users still see them.
import { z } from 'zod';

/** An envelope's `errors`: a message, a list of them, or null. */
const errorsSchema = z.union([z.string(), z.array(z.string()), z.null()]);

/** The `{status, data, errors, meta}` wrapper of every JSON answer (OpenAPI `*ResponseWrapper`); only status and data are required. */
export function envelopeSchema<Data extends z.ZodTypeAny>(data: Data) {
	return z
		.object({
			status: z.string(),
			data,
			errors: errorsSchema.optional(),
			meta: z.record(z.unknown()).nullable().optional(),
		})
		.passthrough();
}

/** The SDK's `ErrorResponse`: `{status: "error", errors: "<message>"}`, also seen on 4xx/5xx answers. */
export const errorEnvelopeSchema = z
	.object({
		status: z.literal('error'),
		errors: errorsSchema.optional(),
	})
	.passthrough();

/** SDK 1.1.4 names a container `container`; OpenAPI says `url` (health) or `comfy_uri` (queue). */
const containerKeys = {
	container: z.string().optional(),
	url: z.string().optional(),
	comfy_uri: z.string().optional(),
};

function withContainerName<Entry extends { container?: string; url?: string; comfy_uri?: string }>(entry: Entry): Entry & { name: string } {
	return { name: entry.container ?? entry.url ?? entry.comfy_uri ?? '', ...entry };
}

/** `GET /api/v1/comfy/health`: one entry per ComfyUI container, `name` taken from whichever key it came with. */
export const containerStatusSchema = z
	.object({ ...containerKeys, status: z.string() })
	.passthrough()
	.transform(withContainerName);
export type ContainerStatus = z.infer<typeof containerStatusSchema>;

/** `GET /api/v1/comfy/queue`: each container's ComfyUI `/queue` payload. */
export const containerQueueSchema = z
	.object({
		...containerKeys,
		queue: z
			.object({ queue_running: z.array(z.unknown()).default([]), queue_pending: z.array(z.unknown()).default([]) })
			.passthrough(),
	})
	.passthrough()
	.transform(withContainerName);
export type ContainerQueue = z.infer<typeof containerQueueSchema>;

/** `inputs` and `outputs` of a listed workflow: a JSON string (the JS docs) or an object, as name → type. */
const nameTypeMap = z
	.union([z.string(), z.record(z.unknown()), z.null()])
	.optional()
	.transform((value): Record<string, string> => {
		let parsed: unknown = value;
		if (typeof value === 'string') {
			try {
				parsed = JSON.parse(value);
			} catch {
				return {};
			}
		}
		if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return {};
		return Object.fromEntries(Object.entries(parsed).map(([name, type]) => [name, typeof type === 'string' ? type : JSON.stringify(type)]));
	});

/** A deployed workflow: `id` (JS docs) or `workflow_id` (SDK 1.1.0b), both read into `id`. */
export const workflowSchema = z
	.object({
		id: z.string().optional(),
		workflow_id: z.string().optional(),
		name: z.string().optional(),
		description: z.string().nullish(),
		inputs: nameTypeMap,
		outputs: nameTypeMap,
	})
	.passthrough()
	.refine((workflow) => workflow.id !== undefined || workflow.workflow_id !== undefined, { message: 'a workflow needs an `id`', path: ['id'] })
	.transform((workflow) => {
		const id = (workflow.id ?? workflow.workflow_id) as string;
		return { ...workflow, id, name: workflow.name || id, description: workflow.description ?? '' };
	});
export type Workflow = z.infer<typeof workflowSchema>;

/** `GET /api/v1/comfy/workflows` data: an array (JS docs) or `{workflows: [...]}` (SDK 1.1.0b). */
export const workflowListSchema = z.union([
	z.array(workflowSchema),
	z
		.object({ workflows: z.array(workflowSchema) })
		.passthrough()
		.transform((data) => data.workflows),
]);

/** `POST /api/v1/runs` data as SDK 1.1.4 (`run_id`, `workflow_id`) or older servers (`output_names`, ComfyUI's `number`) send it. */
const createdRunObject = z
	.object({
		run_id: z.string().min(1),
		workflow_id: z.string().optional(),
		output_names: z.array(z.string()).nullish().transform((names) => names ?? []),
	})
	.passthrough();

/** The created run; OpenAPI shows `data` as an array of one, which is read the same way. */
export const createdRunSchema = z.union([createdRunObject, z.array(createdRunObject).min(1).transform((runs) => runs[0])]);
export type CreatedRun = z.infer<typeof createdRunSchema>;

const runInputSchema = z
	.object({
		path: z.string(),
		value: z.unknown().optional(),
		s3_key: z.string().nullish(),
		url: z.string().nullish(),
	})
	.passthrough();
export type RunInputRecord = z.infer<typeof runInputSchema>;

const runOutputSchema = z
	.object({
		filename: z.string(),
		s3_key: z.string().nullish(),
		url: z.string().nullish(),
	})
	.passthrough();

/**
 * `RunDetail` of `GET /api/v1/runs/{id}` and the runs list. The server calls the id `_id`; every
 * run read here also carries it as `run_id`, the name the create answer and the SDKs use.
 */
export const runSchema = z
	.object({
		_id: z.string().optional(),
		run_id: z.string().optional(),
		workflow_id: z.string().nullish(),
		group_id: z.string().nullish(),
		status: z.string(),
		inputs: z.array(runInputSchema).nullish().transform((inputs) => inputs ?? []),
		outputs: z.array(runOutputSchema).nullish().transform((outputs) => outputs ?? []),
		// Required by OpenAPI, missing from the 1.1.4 type, empty until the run names its outputs.
		output_names: z.array(z.string()).nullish().transform((names) => names ?? []),
		created_at: z.string().nullish(),
		started_at: z.string().nullish(),
		completed_at: z.string().nullish(),
	})
	.passthrough()
	.refine((run) => Boolean(run._id || run.run_id), { message: 'a run needs an `_id` or a `run_id`', path: ['_id'] })
	.transform((run) => ({ run_id: (run.run_id || run._id) as string, ...run }));
export type Run = z.infer<typeof runSchema>;

/** `GET /api/v1/runs` data: `{runs}` (SDK 1.1.4, paged, with `meta`) or `{group_id, count, runs}` (OpenAPI, JS docs, 1.0.x). */
export const runListSchema = z
	.object({
		runs: z.array(runSchema),
		group_id: z.string().nullish(),
		count: z.number().optional(),
	})
	.passthrough();

/** The paged list's `meta`. */
export const runListMetaSchema = z
	.object({
		page: z.number().int().optional(),
		page_size: z.number().int().optional(),
		total_count: z.number().int().optional(),
		total_pages: z.number().int().optional(),
		sort_by: z.string().optional(),
		sort_order: z.string().optional(),
		group_id: z.string().nullish(),
	})
	.passthrough();
export type RunListMeta = z.infer<typeof runListMetaSchema>;

/** `GET /api/v1/runs/output` data once the output is stored: a pre-signed link on the storage host. */
export const outputSchema = z
	.object({
		download_url: z.string().min(1),
		generation_status: z.string().optional(),
	})
	.passthrough();
export type OutputLink = z.infer<typeof outputSchema>;
