// The simulator's own graph validation, behind one function so a shared validator can replace it:
// what InvokeAI does to `batch.graph` while validating the enqueue request. First the model
// (pydantic: the nodes as a union tagged by `type`, every field typed, defaults filled in), then
// `Graph.validate_self()` (graph.py): unique ids, key = id, edges between existing nodes and fields,
// no cycles, compatible field types, iterators and collectors wired. The first `validate_self`
// problem is a `value_error`, as a ValueError raised in the Batch's `graph` validator is.
import type { JsonSchema, OpenApiDocument } from './fixtures.ts';
import type { NodeTemplate } from './schema.ts';
import { schemaIndex, typeAtoms } from './schema.ts';
import type { CheckOptions, Loc, PydanticError } from './validate.ts';
import { SchemaValidator, valueError } from './validate.ts';

export type SimNode = Record<string, unknown> & { id: string; type: string };

export interface SimEdge {
	source: { node_id: string; field: string };
	destination: { node_id: string; field: string };
}

export interface SimGraph {
	id: string;
	nodes: Record<string, SimNode>;
	edges: SimEdge[];
}

export interface GraphValidation {
	/** The graph as the server holds it (defaults filled in, unknown keys dropped); undefined when invalid. */
	graph?: SimGraph;
	/** Problems with `loc` relative to the graph (a caller prefixes e.g. `["body", "batch", "graph"]`). */
	errors: PydanticError[];
}

const GRAPH_SCHEMA: JsonSchema = { $ref: '#/components/schemas/Graph' };

/** Validates a graph against an OpenAPI document's node templates, as an InvokeAI serving that document would. */
export function validateGraph(graph: unknown, openapi: OpenApiDocument, loc: Loc = [], options: CheckOptions = {}): GraphValidation {
	const index = schemaIndex(openapi);
	const validator = new SchemaValidator(index);
	const target = index.resolve(GRAPH_SCHEMA.$ref!);
	if (!target) throw new Error('InvokeAI simulator: the OpenAPI document has no Graph schema.');
	const checked = validator.checkModel(graph, target, loc, 'Graph', { ...options, hooks: undefined });
	if (checked.errors.length) return { errors: checked.errors };
	const normalized = checked.value as SimGraph;
	const problem = graphProblem(normalized, index.nodes);
	return problem ? { errors: [valueError(loc, problem, normalized)] } : { graph: normalized, errors: [] };
}

/** `validate_self()`'s first complaint, or undefined. */
function graphProblem(graph: SimGraph, templates: Map<string, NodeTemplate>): string | undefined {
	const ids = Object.values(graph.nodes).map((node) => node.id);
	const duplicates = [...new Set(ids.filter((id, at) => ids.indexOf(id) !== at))];
	if (duplicates.length) return `Node ids must be unique, found duplicates {${duplicates.map((id) => `'${id}'`).join(', ')}}`;
	for (const [key, node] of Object.entries(graph.nodes)) {
		if (key !== node.id) return `Node ids must match, got ${key} and ${node.id}`;
	}
	const template = (nodeId: string): NodeTemplate => templates.get(graph.nodes[nodeId].type)!;
	for (const { source, destination } of graph.edges) {
		if (!graph.nodes[source.node_id]) return `Edge source node ${source.node_id} does not exist in the graph`;
		if (!graph.nodes[destination.node_id]) return `Edge destination node ${destination.node_id} does not exist in the graph`;
		if (!(source.field in template(source.node_id).outputs)) return `Edge source field ${source.field} does not exist in node ${source.node_id}`;
		if (!(destination.field in template(destination.node_id).inputs)) {
			return `Edge destination field ${destination.field} does not exist in node ${destination.node_id}`;
		}
	}
	if (hasCycle(graph)) return 'Graph contains cycles';
	for (const edge of graph.edges) {
		const from = typeAtoms(template(edge.source.node_id).outputs[edge.source.field]);
		const to = typeAtoms(template(edge.destination.node_id).inputs[edge.destination.field]);
		if (!compatible(from, to)) {
			return `Edge source and target types do not match (${edge.source.node_id}.${edge.source.field} -> ${edge.destination.node_id}.${edge.destination.field})`;
		}
	}
	for (const node of Object.values(graph.nodes)) {
		if (node.type === 'iterate') {
			const problem = iteratorProblem(graph, node.id, template);
			if (problem) return `Invalid iterator node (${node.id}): ${problem}`;
		}
		if (node.type === 'collect') {
			const inputs = graph.edges.filter((edge) => edge.destination.node_id === node.id && (edge.destination.field === 'item' || edge.destination.field === 'collection'));
			if (!inputs.length) return `Invalid collector node (${node.id}): Collector must have at least one item or collection input edge`;
		}
	}
	return undefined;
}

function iteratorProblem(graph: SimGraph, nodeId: string, template: (nodeId: string) => NodeTemplate): string | undefined {
	const inputs = graph.edges.filter((edge) => edge.destination.node_id === nodeId && edge.destination.field === 'collection');
	if (!inputs.length) return 'Iterator must have a collection input edge';
	if (inputs.length > 1) return 'Iterator may only have one input edge';
	const source = inputs[0].source;
	const atoms = typeAtoms(template(source.node_id).outputs[source.field]);
	if (!atoms.has('any') && ![...atoms].every((atom) => atom.startsWith('list['))) return 'Iterator input must be a collection';
	return undefined;
}

/** graph.py's `are_connection_types_compatible`, on the OpenAPI types (lenient where pydantic subclasses would decide). */
export function compatible(from: Set<string>, to: Set<string>): boolean {
	if (from.has('any') || to.has('any')) return true;
	for (const atom of from) if (to.has(atom)) return true;
	const fromAll = [...from];
	if (fromAll.every((atom) => atom === 'integer') && to.has('number')) return true;
	if (fromAll.every((atom) => atom === 'integer' || atom === 'number') && to.has('string')) return true;
	return false;
}

function hasCycle(graph: SimGraph): boolean {
	const indegree = new Map(Object.keys(graph.nodes).map((id) => [id, 0]));
	const children = new Map<string, string[]>();
	for (const { source, destination } of graph.edges) {
		indegree.set(destination.node_id, (indegree.get(destination.node_id) ?? 0) + 1);
		children.set(source.node_id, [...(children.get(source.node_id) ?? []), destination.node_id]);
	}
	const ready = [...indegree].filter(([, count]) => count === 0).map(([id]) => id);
	let seen = 0;
	while (ready.length) {
		const id = ready.pop()!;
		seen++;
		for (const child of children.get(id) ?? []) {
			const left = indegree.get(child)! - 1;
			indegree.set(child, left);
			if (left === 0) ready.push(child);
		}
	}
	return seen < indegree.size;
}
