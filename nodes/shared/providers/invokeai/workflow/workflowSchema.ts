// Runtime-neutral: web-standard APIs only (no node:, Deno, process), so n8n, Node and Deno share it.
//
// An InvokeAI workflow as its web UI exports it ("Download Workflow") and its library stores it
// (`GET /api/v1/workflows/i/{id}` → `workflow`). Read from InvokeAI's frontend
// (`features/nodes/types/workflow.ts`, `invocation.ts`): formats 3.0.0 (InvokeAI 5.x to 6.12) and
// 4.0.0 (6.13 on, adds connector nodes). Keys nobody here reads pass through untouched, so the
// workflow can be sent back to the server as it came; values may be missing or null.
import { z } from 'zod';

import { InputError } from '../../../core/errors.ts';

/** The workflow formats read here; 1.0.0 and 2.0.0 are older ones InvokeAI's editor migrates. */
export const SUPPORTED_WORKFLOW_VERSIONS = ['3.0.0', '4.0.0'] as const;

/** Batch nodes: the UI sends their values as `batch.data`, never as graph nodes. */
export const BATCH_NODE_TYPES: ReadonlySet<string> = new Set(['image_batch', 'string_batch', 'integer_batch', 'float_batch']);
/** Generator nodes: they feed a batch node's list; the UI works their values out and sends none of them. */
export const GENERATOR_NODE_TYPES: ReadonlySet<string> = new Set(['image_generator', 'string_generator', 'integer_generator', 'float_generator']);

const inputInstanceSchema = z
	.object({
		name: z.string().optional().catch(undefined),
		label: z.string().nullish().catch(undefined),
		description: z.string().nullish().catch(undefined),
		value: z.unknown().optional(),
	})
	.passthrough();
/** One input of a node as the workflow stores it: `value` missing means "not set", and is never sent. */
export type InputInstance = z.infer<typeof inputInstanceSchema>;

const invocationDataSchema = z
	.object({
		id: z.string().optional().catch(undefined),
		type: z.string().trim().min(1),
		label: z.string().nullish().catch(undefined),
		version: z.string().nullish().catch(undefined),
		isIntermediate: z.boolean().optional().catch(undefined),
		useCache: z.boolean().optional().catch(undefined),
		inputs: z.record(inputInstanceSchema).default({}),
	})
	.passthrough();
export type InvocationNodeData = z.infer<typeof invocationDataSchema>;

const nodeBaseSchema = z.object({ id: z.string().trim().min(1), type: z.string() }).passthrough();

export type InvocationNode = z.infer<typeof nodeBaseSchema> & { type: 'invocation'; data: InvocationNodeData };
/** Notes, connector (4.0.0) and any other UI-only node: never sent to the server. */
export type OtherNode = z.infer<typeof nodeBaseSchema> & { data?: Record<string, unknown> };
export type WorkflowNode = InvocationNode | OtherNode;

const edgeSchema = z
	.object({
		id: z.string().optional().catch(undefined),
		type: z.string().optional().catch(undefined),
		source: z.string(),
		target: z.string(),
		sourceHandle: z.string().nullish().catch(undefined),
		targetHandle: z.string().nullish().catch(undefined),
	})
	.passthrough();
/** `default` edges carry a value from `source.sourceHandle` to `target.targetHandle`; `collapsed` ones only draw a line. */
export type WorkflowEdge = z.infer<typeof edgeSchema>;

const fieldIdentifierSchema = z.object({ nodeId: z.string().trim().min(1), fieldName: z.string().trim().min(1) }).passthrough();
export type FieldIdentifier = z.infer<typeof fieldIdentifierSchema>;

const formElementSchema = z
	.object({ id: z.string(), type: z.string(), parentId: z.string().nullish(), data: z.unknown().optional() })
	.passthrough();
export type FormElement = z.infer<typeof formElementSchema>;

const formSchema = z.object({ rootElementId: z.string(), elements: z.record(formElementSchema) }).passthrough();
/** The form builder's tree (InvokeAI 5.7+): a flat map of elements, containers listing their children in order. */
export type WorkflowForm = z.infer<typeof formSchema>;

const workflowSchema = z
	.object({
		id: z.string().optional().catch(undefined),
		name: z.string().optional().catch(undefined),
		meta: z.object({ version: z.string(), category: z.string().optional().catch(undefined) }).passthrough(),
		nodes: z.array(nodeBaseSchema),
		edges: z.array(edgeSchema),
		// Entries that are not field identifiers are dropped; a workflow without the key has none.
		exposedFields: z
			.array(z.unknown())
			.default([])
			.catch([])
			.transform((list) => list.flatMap((entry) => {
				const parsed = fieldIdentifierSchema.safeParse(entry);
				return parsed.success ? [parsed.data] : [];
			})),
		// The UI replaces a form it cannot read with an empty one; so does this.
		form: formSchema.optional().catch(undefined),
	})
	.passthrough();

/** A workflow as read: every key it came with, and these checked. */
export interface Workflow {
	id?: string;
	name?: string;
	meta: { version: string; category?: string; [key: string]: unknown };
	nodes: WorkflowNode[];
	edges: WorkflowEdge[];
	exposedFields: FieldIdentifier[];
	form?: WorkflowForm;
	[key: string]: unknown;
}

export function isInvocationNode(node: WorkflowNode): node is InvocationNode {
	return node.type === 'invocation';
}

/** True for the nodes the UI turns into graph nodes' candidates: invocations that are not batch or generator nodes. */
export function isExecutableNode(node: WorkflowNode): node is InvocationNode {
	return isInvocationNode(node) && !BATCH_NODE_TYPES.has(node.data.type) && !GENERATOR_NODE_TYPES.has(node.data.type);
}

const PARAMETER = 'workflow';
const EXPECTED = 'an InvokeAI workflow (the JSON of "Download Workflow" in InvokeAI\'s workflow editor, or a workflow from its library)';

/**
 * Reads an InvokeAI workflow: the JSON text or the parsed value. Also takes a library record
 * (`{workflow_id, workflow: {...}}`) or an image's `{workflow: "<json>"}`. Anything else is an
 * InputError on `workflow` that says what was expected.
 */
export function parseWorkflow(input: unknown): Workflow {
	const value = unwrap(typeof input === 'string' ? parseJsonText(input) : input);
	if (!isRecord(value)) throw new InputError(PARAMETER, `The workflow is ${describe(value)}, not ${EXPECTED}.`);
	refuseOtherFormats(value);
	const version = isRecord(value.meta) ? value.meta.version : undefined;
	if (typeof version !== 'string') {
		throw new InputError(
			PARAMETER,
			`The workflow has no format version (meta.version); expected ${versionsText()}.`,
			'Export the workflow again from InvokeAI 5.0 or later.',
		);
	}
	if (!(SUPPORTED_WORKFLOW_VERSIONS as readonly string[]).includes(version)) {
		throw new InputError(
			PARAMETER,
			`The workflow's format version is ${version}; expected ${versionsText()}.`,
			'Open the workflow in InvokeAI\'s workflow editor and save it again: the editor updates older formats.',
		);
	}
	const parsed = workflowSchema.safeParse(value);
	if (!parsed.success) throw new InputError(PARAMETER, `The workflow is not ${EXPECTED}: ${issueText(parsed.error)}.`);
	const workflow = parsed.data;
	const seen = new Set<string>();
	const nodes = workflow.nodes.map((node, index): WorkflowNode => {
		if (seen.has(node.id)) throw new InputError(PARAMETER, `The workflow has two nodes with the id "${node.id}".`);
		seen.add(node.id);
		if (node.type !== 'invocation') return node as OtherNode;
		const data = invocationDataSchema.safeParse(node.data);
		if (!data.success) {
			throw new InputError(PARAMETER, `The workflow's node ${index + 1} ("${node.id}") is not an InvokeAI node: ${issueText(data.error, ['data'])}.`);
		}
		return { ...node, type: 'invocation', data: data.data };
	});
	return { ...workflow, nodes };
}

function versionsText(): string {
	return `${SUPPORTED_WORKFLOW_VERSIONS.join(' or ')} (InvokeAI 5.0 and later)`;
}

function parseJsonText(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		const start = text.trim().slice(0, 40).replace(/\s+/g, ' ');
		throw new InputError(PARAMETER, `The workflow is not JSON${start ? ` (it starts "${start}")` : ' (it is empty)'}; expected ${EXPECTED}.`);
	}
}

/** A library record or an image's workflow holds the workflow under `workflow`, possibly as text. */
function unwrap(value: unknown): unknown {
	if (!isRecord(value) || 'nodes' in value || !('workflow' in value)) return value;
	const inner = value.workflow;
	if (typeof inner === 'string') return parseJsonText(inner);
	return inner === null ? value : inner;
}

function refuseOtherFormats(value: Record<string, unknown>): void {
	if (isRecord(value.nodes) && !Array.isArray(value.nodes) && Array.isArray(value.edges)) {
		throw new InputError(PARAMETER, `This is an InvokeAI graph (nodes by id), not a workflow; expected ${EXPECTED}.`);
	}
	if (Array.isArray(value.nodes) && Array.isArray(value.links)) {
		throw new InputError(PARAMETER, `This looks like a ComfyUI workflow; expected ${EXPECTED}.`);
	}
	if (!Array.isArray(value.nodes) || !Array.isArray(value.edges)) {
		const missing = ['nodes', 'edges'].filter((key) => !Array.isArray(value[key]));
		throw new InputError(PARAMETER, `The JSON has no ${missing.map((key) => `"${key}" list`).join(' and no ')}, so it is not ${EXPECTED}.`);
	}
}

function issueText(error: z.ZodError, prefix: Array<string | number> = []): string {
	const issue = error.issues[0];
	const path = [...prefix, ...issue.path].map((part) => (typeof part === 'number' ? `[${part}]` : `.${part}`)).join('').replace(/^\./, '');
	const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more)` : '';
	return `${path ? `\`${path}\`: ` : ''}${issue.message}${more}`;
}

function describe(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'a list';
	return `a ${typeof value}`;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}
