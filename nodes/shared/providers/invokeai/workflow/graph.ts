// Runtime-neutral: web-standard APIs only (no node:, Deno, process), so n8n, Node and Deno share it.
//
// Workflow → graph, as InvokeAI's UI does it before enqueueing (`buildNodesGraph.ts`, 6.14):
// only invocation nodes go (notes, connectors, batch and generator nodes do not); each node is
// `{type, id, ...input values, use_cache, is_intermediate}`; only `default` edges go, those from a
// connector re-pointed at its real source; an input fed by an edge is left out of its node.
// Where the UI would send what the server refuses (a node type the server does not know, an edge
// to a field it does not have), the part is left out with a warning instead.
import type { NodeTemplates } from './templates.ts';
import type { InvocationNode, Workflow, WorkflowEdge, WorkflowNode } from './workflowSchema.ts';
import { isExecutableNode, isInvocationNode, isRecord } from './workflowSchema.ts';

export interface GraphNode {
	type: string;
	id: string;
	[field: string]: unknown;
}

export interface GraphEdge {
	source: { node_id: string; field: string };
	destination: { node_id: string; field: string };
}

/** What `batch.graph` holds. */
export interface Graph {
	id: string;
	nodes: Record<string, GraphNode>;
	edges: GraphEdge[];
}

export interface BuildGraphOptions {
	/** The graph's id; default a fresh one from `newId`. */
	graphId?: string;
	/** Makes ids; default `crypto.randomUUID`. */
	newId?: () => string;
	/** The UI's "auto-add" board, which a board input set to "auto" (or unset) goes to; default none (uncategorized). */
	autoAddBoardId?: string;
}

export interface BuiltGraph {
	graph: Graph;
	/** What was left out, in words. */
	warnings: string[];
}

/** Nodes that take inputs the schema does not list (pydantic `extra='allow'`). */
const NODES_WITH_EXTRA_INPUTS = new Set(['core_metadata']);
const CALL_SAVED_WORKFLOW = 'call_saved_workflow';
const DYNAMIC_INPUT_PREFIX = 'saved_workflow_input::';
const CONNECTOR_IN = 'in';

export function buildNodesGraph(workflow: Workflow, templates: NodeTemplates, options: BuildGraphOptions = {}): BuiltGraph {
	const warnings: string[] = [];
	const nodes: Record<string, GraphNode> = {};
	for (const node of workflow.nodes.filter(isExecutableNode)) {
		const built = graphNode(node, templates, options, warnings);
		if (built) nodes[node.id] = built;
	}

	const byId = new Map<string, WorkflowNode>(workflow.nodes.map((node) => [node.id, node]));
	const edges: GraphEdge[] = [];
	const seen = new Set<string>();
	for (const edge of workflow.edges) {
		if (edge.type !== 'default') continue;
		const target = byId.get(edge.target);
		if (!target || !isExecutableNode(target) || !nodes[target.id]) continue;
		const source = byId.get(edge.source);
		if (!source) continue;
		let from: { nodeId: string; field: string | null | undefined } | undefined;
		if (isInvocationNode(source)) from = { nodeId: source.id, field: edge.sourceHandle };
		else if (source.type === 'connector') from = resolveConnectorSource(source.id, byId, workflow.edges);
		if (!from || !nodes[from.nodeId]) continue;
		const sourceField = from.field;
		const targetField = edge.targetHandle;
		if (!sourceField || !targetField) {
			warnings.push(`An edge from node "${from.nodeId}" to node "${target.id}" names no field; it was left out.`);
			continue;
		}
		const key = JSON.stringify([from.nodeId, sourceField, target.id, targetField]);
		if (seen.has(key)) continue;
		seen.add(key);
		const problem = edgeProblem(nodes[from.nodeId], sourceField, target, targetField, templates);
		if (problem) {
			warnings.push(`The edge ${from.nodeId}.${sourceField} → ${target.id}.${targetField} was left out: ${problem}.`);
			continue;
		}
		edges.push({ source: { node_id: from.nodeId, field: sourceField }, destination: { node_id: target.id, field: targetField } });
	}

	// An input an edge feeds goes without its typed-in value: pydantic would judge that value
	// even though the edge's value is the one used.
	for (const edge of edges) {
		const node = nodes[edge.destination.node_id];
		const field = edge.destination.field;
		if (node.type === CALL_SAVED_WORKFLOW && field.startsWith(DYNAMIC_INPUT_PREFIX) && isRecord(node.workflow_inputs)) {
			delete node.workflow_inputs[field];
		} else {
			delete node[field];
		}
	}

	const newId = options.newId ?? (() => crypto.randomUUID());
	return { graph: { id: options.graphId ?? newId(), nodes, edges }, warnings };
}

function graphNode(node: InvocationNode, templates: NodeTemplates, options: BuildGraphOptions, warnings: string[]): GraphNode | undefined {
	const { type, inputs } = node.data;
	const template = templates.get(type);
	if (!template) {
		warnings.push(`Node "${nodeName(node)}" (${type}) is not a node this InvokeAI server knows; it was left out, with its edges.`);
		return undefined;
	}
	const values: Record<string, unknown> = {};
	const dynamicTemplates = isRecord(node.data.dynamicInputTemplates) ? node.data.dynamicInputTemplates : {};
	for (const [name, input] of Object.entries(inputs)) {
		const value = input.value;
		if (type === CALL_SAVED_WORKFLOW && name === 'workflow_inputs') continue;
		if (type === CALL_SAVED_WORKFLOW && name.startsWith(DYNAMIC_INPUT_PREFIX)) {
			const workflowInputs = isRecord(values.workflow_inputs) ? values.workflow_inputs : {};
			if (value !== undefined) workflowInputs[name] = value;
			values.workflow_inputs = workflowInputs;
			continue;
		}
		const field = template.inputs[name];
		if (!field && !(name in dynamicTemplates)) {
			if (NODES_WITH_EXTRA_INPUTS.has(type)) {
				if (value !== undefined) values[name] = value;
			} else if (value !== undefined) {
				warnings.push(`Input "${name}" of node "${nodeName(node)}" (${type}) is not one this server's ${type} takes; it was left out.`);
			}
			continue;
		}
		const sent = field?.type.kind === 'board' ? boardValue(value, options.autoAddBoardId) : value;
		if (sent !== undefined) values[name] = sent;
	}
	if (type === CALL_SAVED_WORKFLOW && values.workflow_inputs === undefined) values.workflow_inputs = {};
	return {
		type,
		id: node.id,
		...values,
		...(node.data.useCache === undefined ? {} : { use_cache: node.data.useCache }),
		...(node.data.isIntermediate === undefined ? {} : { is_intermediate: node.data.isIntermediate }),
	};
}

/** The UI's board translation: "auto" or nothing → the auto-add board (none by default), "none" → left out. */
function boardValue(value: unknown, autoAddBoardId: string | undefined): unknown {
	if (value === 'auto' || !value) return autoAddBoardId && autoAddBoardId !== 'none' ? { board_id: autoAddBoardId } : undefined;
	if (value === 'none') return undefined;
	return value;
}

/** Follows a connector's incoming edge, through further connectors, to the invocation output feeding it. */
function resolveConnectorSource(
	connectorId: string,
	byId: Map<string, WorkflowNode>,
	edges: WorkflowEdge[],
): { nodeId: string; field: string } | undefined {
	const visited = new Set<string>();
	let current = connectorId;
	for (;;) {
		if (visited.has(current)) return undefined;
		visited.add(current);
		const incoming = edges.find((edge) => edge.type === 'default' && edge.target === current && edge.targetHandle === CONNECTOR_IN && typeof edge.sourceHandle === 'string');
		const source = incoming && byId.get(incoming.source);
		if (!incoming || !source) return undefined;
		if (isInvocationNode(source)) return { nodeId: source.id, field: incoming.sourceHandle as string };
		if (source.type !== 'connector') return undefined;
		current = source.id;
	}
}

function edgeProblem(source: GraphNode, sourceField: string, target: InvocationNode, targetField: string, templates: NodeTemplates): string | undefined {
	const sourceTemplate = templates.get(source.type);
	if (sourceTemplate && !sourceTemplate.outputs.includes(sourceField)) return `${source.type} has no output "${sourceField}"`;
	const targetTemplate = templates.get(target.data.type);
	if (!targetTemplate || targetTemplate.inputs[targetField]) return undefined;
	if (target.data.type === CALL_SAVED_WORKFLOW && targetField.startsWith(DYNAMIC_INPUT_PREFIX)) return undefined;
	const dynamicTemplates = target.data.dynamicInputTemplates;
	if (isRecord(dynamicTemplates) && targetField in dynamicTemplates) return undefined;
	return `${target.data.type} has no input "${targetField}"`;
}

function nodeName(node: InvocationNode): string {
	return node.data.label?.trim() || node.id;
}

/** A node the run's images come from. */
export interface OutputNode {
	nodeId: string;
	type: string;
	label: string;
}

/** Nodes the UI never shows results of in the gallery, even when they are not intermediate. */
const PASS_THROUGH_TYPES = new Set(['image', 'load_image', 'video']);

/**
 * The workflow's output nodes: invocation nodes that are not intermediate ("Save to Gallery"),
 * as `l2i`, `flux_vae_decode` or `wan_l2v` in the default workflows. When there is none (as in
 * "Prompt from File", whose `l2i` is intermediate too) `allImages` says to take every image of
 * the session instead.
 */
export function findOutputNodes(workflow: Workflow, templates?: NodeTemplates): { nodes: OutputNode[]; allImages: boolean } {
	const nodes = workflow.nodes
		.filter(isExecutableNode)
		.filter((node) => node.data.isIntermediate !== true && !PASS_THROUGH_TYPES.has(node.data.type))
		.filter((node) => !templates || templates.get(node.data.type) !== undefined)
		.map((node) => ({
			nodeId: node.id,
			type: node.data.type,
			label: node.data.label?.trim() || templates?.get(node.data.type)?.title || node.data.type,
		}));
	return { nodes, allImages: nodes.length === 0 };
}

/** A required input that has neither a value nor an edge: the run would fail at that node. */
export interface MissingInput {
	nodeId: string;
	fieldName: string;
	nodeLabel: string;
	fieldLabel: string;
}

/**
 * Required inputs (`orig_required`) left empty (missing or null) and fed by no edge. The queue
 * takes such a graph and the item fails when it reaches the node (`MissingInputException`); the
 * default workflows ship with every model input empty.
 */
export function findMissingInputs(workflow: Workflow, templates: NodeTemplates): MissingInput[] {
	const fed = new Set(workflow.edges.filter((edge) => edge.type === 'default').map((edge) => `${edge.target}\u0000${edge.targetHandle}`));
	const missing: MissingInput[] = [];
	for (const node of workflow.nodes.filter(isExecutableNode)) {
		const template = templates.get(node.data.type);
		if (!template) continue;
		for (const field of Object.values(template.inputs)) {
			if (!field.required || fed.has(`${node.id}\u0000${field.name}`)) continue;
			const value = node.data.inputs[field.name]?.value;
			if (value !== undefined && value !== null) continue;
			missing.push({
				nodeId: node.id,
				fieldName: field.name,
				nodeLabel: node.data.label?.trim() || template.title,
				fieldLabel: node.data.inputs[field.name]?.label?.trim() || field.title,
			});
		}
	}
	return missing;
}

/** The workflow as the UI embeds it in `batch.workflow`: without its `id`. */
export function workflowForBatch(workflow: Workflow): Workflow {
	const copy: Workflow = { ...workflow };
	delete copy.id;
	return copy;
}
