// Runtime-neutral: web-standard APIs only (no node:, Deno, process), so n8n, Node and Deno share it.
// What a Pet Portrait server sends (the project's reference, pet-portrait.md: the server's
// API_REFERENCE.md, "[doc]", and its generalised sibling api.js, "[sibling]"). The server's own
// code was never found, so every shape either source shows is accepted, every field a source is
// unsure of is optional, and fields no source names pass through untouched.
import { z } from 'zod';

/** A node id: ComfyUI's are strings ("229"); a server that sends a number is read the same way. */
const nodeIdSchema = z.union([z.string(), z.number()]).transform(String);

/** `GET /api/health`: `{status: "ok", message}`. */
export const healthSchema = z
	.object({
		status: z.string(),
		message: z.string().optional(),
	})
	.passthrough();
export type Health = z.infer<typeof healthSchema>;

/** `POST /api/upload`: the session the image now belongs to (a new one, or the one sent). */
export const uploadedSchema = z
	.object({
		success: z.boolean().optional(),
		sessionId: z.string().min(1),
		message: z.string().optional(),
		imageUrl: z.string().nullish(),
	})
	.passthrough();
export type Uploaded = z.infer<typeof uploadedSchema>;

/** `POST /api/generate` and `/api/regenerate`: the ComfyUI prompt queued for the session. */
export const startedSchema = z
	.object({
		success: z.boolean().optional(),
		sessionId: z.string().optional(),
		promptId: z.union([z.string(), z.number()]).transform(String).nullish(),
		message: z.string().optional(),
		wsEndpoint: z.string().nullish(),
		totalNodes: z.number().nullish(),
	})
	.passthrough();

/** `{id, type, title}` of a node: `currentNodeInfo` of a status, `nodeInfo` of a push message. */
export const nodeInfoSchema = z
	.object({
		id: nodeIdSchema.optional(),
		type: z.string().optional(),
		title: z.string().optional(),
	})
	.passthrough();

/**
 * `GET /api/status/:sessionId`. The doc's status words are uploaded, processing, completed and
 * failed; the sibling's are initialized, image_uploaded, processing, completed and failed.
 * `startTime`/`endTime` are absent before a run (sibling) or null (doc). No source puts the
 * prompt id here; a server that does is read.
 */
export const sessionStatusSchema = z
	.object({
		sessionId: z.string().optional(),
		status: z.string(),
		progress: z.number().nullish(),
		currentNode: nodeIdSchema.nullish(),
		currentNodeInfo: nodeInfoSchema.nullish(),
		message: z.string().nullish(),
		resultImage: z.string().nullish(),
		startTime: z.string().nullish(),
		endTime: z.string().nullish(),
		executedNodesCount: z.number().nullish(),
		totalNodes: z.number().nullish(),
		promptId: z
			.union([z.string(), z.number()])
			.nullish()
			.transform((id) => (id === null || id === undefined || id === '' ? undefined : String(id))),
	})
	.passthrough();
export type SessionStatus = z.infer<typeof sessionStatusSchema>;

/** One entry of workflow-info's `userInputs`: a node whose value a caller may set. */
const userInputSchema = z
	.object({
		nodeId: nodeIdSchema,
		// Every documented entry says "text"; one without a type is taken as text.
		type: z.string().optional().default('text'),
		title: z.string().optional(),
		description: z.string().nullish(),
		defaultValue: z.union([z.string(), z.number(), z.boolean()]).nullish(),
	})
	.passthrough();

const nodeTypeSchema = z
	.object({
		id: nodeIdSchema,
		type: z.string().optional(),
		title: z.string().optional(),
	})
	.passthrough();

/**
 * `GET /api/workflow-info`. The doc's endpoint section sends `{totalNodes, aspectRatio,
 * userInputs[], nodeTypes[]}`; its TypeScript type says `{nodeCount, nodeTypes: Record<type, count>,
 * executionOrderLength}`. Either, or their union, is read into one shape.
 */
export const workflowInfoSchema = z
	.object({
		totalNodes: z.number().nullish(),
		nodeCount: z.number().nullish(),
		aspectRatio: z.object({ width: z.number(), height: z.number() }).passthrough().nullish(),
		userInputs: z.array(userInputSchema).nullish(),
		nodeTypes: z.union([z.array(nodeTypeSchema), z.record(z.number())]).nullish(),
		executionOrderLength: z.number().nullish(),
	})
	.passthrough()
	.transform((raw) => {
		const nodeTypes = Array.isArray(raw.nodeTypes) ? raw.nodeTypes : [];
		return {
			totalNodes: raw.totalNodes ?? raw.nodeCount ?? undefined,
			aspectRatio: raw.aspectRatio ? { width: raw.aspectRatio.width, height: raw.aspectRatio.height } : undefined,
			userInputs: (raw.userInputs ?? []).map((input) => ({
				nodeId: input.nodeId,
				type: input.type,
				title: input.title || input.nodeId,
				...(input.description ? { description: input.description } : {}),
				...(input.defaultValue === undefined || input.defaultValue === null ? {} : { defaultValue: input.defaultValue }),
			})),
			/** False for the TypeScript-type shape, which says nothing of the inputs: node ids cannot be checked then. */
			userInputsListed: Array.isArray(raw.userInputs),
			nodeTypes: nodeTypes.map((node) => ({ id: node.id, type: node.type ?? 'Unknown', title: node.title || node.type || node.id })),
			/** The TypeScript-type shape's count of nodes per node type, where the server sent that. */
			nodeTypeCounts: Array.isArray(raw.nodeTypes) || !raw.nodeTypes ? undefined : raw.nodeTypes,
			raw,
		};
	});
export type WorkflowInfo = z.infer<typeof workflowInfoSchema>;
export type UserInputInfo = WorkflowInfo['userInputs'][number];

/** A WebSocket message: JSON `{type, data}` [doc]. */
export const pushMessageSchema = z
	.object({
		type: z.string(),
		data: z.unknown().optional(),
	})
	.passthrough();

/**
 * The payload of `progress`, `detailed_progress` and `executing`. The doc's `progress` is
 * ComfyUI's `{id, value}` (a fraction, or a step out of `max`); its `detailed_progress` is
 * `{progress (percent), currentNode, nodeInfo, executedNodesCount, totalNodes}`, which the sibling
 * sends under the type `progress`. `executing` is `{prompt_id, node}` [doc] or `{node, progress,
 * nodeInfo, executedNodesCount, totalNodes}` [sibling]; `node: null` means ComfyUI is done.
 */
export const progressDataSchema = z
	.object({
		value: z.number().optional(),
		max: z.number().optional(),
		progress: z.number().nullish(),
		node: nodeIdSchema.nullish(),
		currentNode: nodeIdSchema.nullish(),
		nodeInfo: nodeInfoSchema.nullish(),
		prompt_id: z.string().nullish(),
		executedNodesCount: z.number().nullish(),
		totalNodes: z.number().nullish(),
	})
	.passthrough();

/** `result`: `{sessionId, status: "completed", resultImage, executedNodesCount, totalNodes}`. */
export const resultDataSchema = z
	.object({
		sessionId: z.string().nullish(),
		status: z.string().nullish(),
		resultImage: z.string().nullish(),
	})
	.passthrough();

/** `error` [sibling]: `{message}` with ComfyUI's exception message. */
export const errorDataSchema = z.union([
	z.string(),
	z
		.object({
			message: z.string().nullish(),
			error: z.string().nullish(),
			exception_message: z.string().nullish(),
		})
		.passthrough(),
]);
