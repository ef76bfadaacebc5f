// A session being run (graph.py's GraphExecutionState, simplified): source nodes taken in
// dependency order, each prepared when its parents are done as one or more copies with fresh uuids
// (one per iteration of an upstream `iterate`, one per item for the iterator itself, a single one
// for a `collect`), inputs filled from the parents' results along the edges, and the JSON the queue
// item stores: results by prepared id and the two mappings back to the workflow's node ids.
import { randomUUID } from 'node:crypto';

import type { SimEdge, SimGraph, SimNode } from './graphCheck.ts';
import type { SessionJson } from './queue.ts';
import type { NodeTemplate } from './schema.ts';
import type { VersionFeatures } from './version.ts';

export interface PreparedNode {
	id: string;
	sourceId: string;
	/** The invocation as it runs: every field (defaults filled in), connected inputs set. */
	node: SimNode;
	/** Iterate node id → index, for copies under an iterator. */
	context: Record<string, number>;
}

type Context = Record<string, number>;

const agree = (a: Context, b: Context): boolean => Object.keys(a).every((key) => !(key in b) || a[key] === b[key]);

function topologicalOrder(graph: SimGraph): string[] {
	const ids = Object.keys(graph.nodes);
	const indegree = new Map(ids.map((id) => [id, 0]));
	for (const edge of graph.edges) indegree.set(edge.destination.node_id, indegree.get(edge.destination.node_id)! + 1);
	const order: string[] = [];
	const ready = ids.filter((id) => indegree.get(id) === 0);
	while (ready.length) {
		const id = ready.shift()!;
		order.push(id);
		for (const edge of graph.edges) {
			if (edge.source.node_id !== id) continue;
			const left = indegree.get(edge.destination.node_id)! - 1;
			indegree.set(edge.destination.node_id, left);
			if (left === 0) ready.push(edge.destination.node_id);
		}
	}
	return order;
}

/** The fields the 6.14 session adds for called workflows (none here), in model order. */
const CALL_FIELDS = { workflow_call_stack: [], workflow_call_history: [], workflow_call_parent: null, waiting_workflow_call: null, waiting_workflow_call_execution: null, waiting_workflow_call_child_session: null, max_workflow_call_depth: 4 };

/** The session a new queue item stores: the graph (batch values applied, nulls dropped), nothing prepared yet. */
export function initialSession(id: string, graph: SimGraph, features: VersionFeatures): SessionJson {
	return {
		id,
		graph,
		execution_graph: { id: randomUUID(), nodes: {}, edges: [] },
		executed: [],
		executed_history: [],
		results: {},
		errors: {},
		...(features.v614 ? { workflow_call_stack: [], workflow_call_history: [], max_workflow_call_depth: 4 } : {}),
		prepared_source_mapping: {},
		source_prepared_mapping: {},
		...(features.v614 ? { prepared_iteration_paths: {} } : {}),
		...(features.readyOrder ? { ready_order: [], indegree: {} } : {}),
	};
}

export class SessionRun {
	readonly prepared = new Map<string, PreparedNode>();
	readonly bySource = new Map<string, PreparedNode[]>();
	readonly results: Record<string, Record<string, unknown>> = {};
	readonly errors: Record<string, string> = {};
	private readonly executed: string[] = [];
	private readonly history: string[] = [];
	private readonly edges: SimEdge[] = [];
	private readonly order: string[];
	private cursor = 0;
	private waiting: PreparedNode[] = [];
	private readonly executionGraphId = randomUUID();

	constructor(
		readonly id: string,
		readonly graph: SimGraph,
		private readonly templates: Map<string, NodeTemplate>,
	) {
		this.order = topologicalOrder(graph);
	}

	/** The next prepared node to run, preparing the next source node when needed; undefined when done. */
	next(): PreparedNode | undefined {
		while (!this.waiting.length && this.cursor < this.order.length) this.waiting = this.prepare(this.order[this.cursor++]);
		return this.waiting.shift();
	}

	complete(prepared: PreparedNode, output: Record<string, unknown>): void {
		this.results[prepared.id] = output;
		this.executed.push(prepared.id);
		if (!this.history.includes(prepared.sourceId)) this.history.push(prepared.sourceId);
	}

	fail(prepared: PreparedNode, message: string): void {
		this.errors[prepared.id] = message;
	}

	toJson(features: VersionFeatures): SessionJson {
		const nodes: Record<string, SimNode> = {};
		const sourceMapping: Record<string, string[]> = {};
		const paths: Record<string, number[]> = {};
		for (const prepared of this.prepared.values()) {
			nodes[prepared.id] = prepared.node;
			(sourceMapping[prepared.sourceId] ??= []).push(prepared.id);
			if (Object.keys(prepared.context).length) paths[prepared.id] = Object.values(prepared.context);
		}
		return {
			id: this.id,
			graph: this.graph,
			execution_graph: { id: this.executionGraphId, nodes, edges: this.edges },
			executed: [...this.executed],
			executed_history: [...this.history],
			results: this.results,
			errors: this.errors,
			...(features.v614 ? CALL_FIELDS : {}),
			prepared_source_mapping: Object.fromEntries([...this.prepared.values()].map((prepared) => [prepared.id, prepared.sourceId])),
			source_prepared_mapping: sourceMapping,
			...(features.v614 ? { prepared_iteration_paths: paths } : {}),
			...(features.readyOrder ? { ready_order: [], indegree: Object.fromEntries([...this.prepared.keys()].map((id) => [id, 0])) } : {}),
		};
	}

	/** The copies of one source node, its inputs taken from its parents' results. */
	private prepare(sourceId: string): PreparedNode[] {
		const source = this.graph.nodes[sourceId];
		const incoming = this.graph.edges.filter((edge) => edge.destination.node_id === sourceId);
		const copies: PreparedNode[] = [];
		if (source.type === 'collect') {
			const collected: unknown[] = [];
			const parentsUsed: [PreparedNode, SimEdge][] = [];
			for (const edge of incoming) {
				for (const parent of this.bySource.get(edge.source.node_id) ?? []) {
					const value = this.results[parent.id]?.[edge.source.field];
					if (edge.destination.field === 'item') collected.push(value);
					else if (Array.isArray(value)) collected.push(...(value as unknown[]));
					parentsUsed.push([parent, edge]);
				}
			}
			const copy = this.copy(sourceId, {}, { collection: collected });
			this.link(parentsUsed, copy);
			copies.push(copy);
		} else if (source.type === 'iterate') {
			const edge = incoming.find((candidate) => candidate.destination.field === 'collection');
			for (const parent of edge ? (this.bySource.get(edge.source.node_id) ?? []) : []) {
				const collection = this.results[parent.id]?.[edge!.source.field];
				const items = Array.isArray(collection) ? (collection as unknown[]) : [];
				items.forEach((_, index) => {
					const copy = this.copy(sourceId, { ...parent.context, [sourceId]: index }, { collection: items, index });
					this.edges.push({ source: { node_id: parent.id, field: edge!.source.field }, destination: { node_id: copy.id, field: 'collection' } });
					copies.push(copy);
				});
			}
		} else {
			let contexts: Context[] = [{}];
			for (const parentId of new Set(incoming.map((edge) => edge.source.node_id))) {
				const parents = this.bySource.get(parentId) ?? [];
				contexts = contexts.flatMap((context) => parents.filter((parent) => agree(context, parent.context)).map((parent) => ({ ...context, ...parent.context })));
			}
			const unique = new Map(contexts.map((context) => [JSON.stringify(Object.entries(context).sort()), context]));
			for (const context of unique.values()) {
				const inputs: Record<string, unknown> = {};
				const parentsUsed: [PreparedNode, SimEdge][] = [];
				for (const edge of incoming) {
					const parent = (this.bySource.get(edge.source.node_id) ?? []).find((candidate) => agree(candidate.context, context));
					if (!parent) continue;
					inputs[edge.destination.field] = this.results[parent.id]?.[edge.source.field];
					parentsUsed.push([parent, edge]);
				}
				const copy = this.copy(sourceId, context, inputs);
				this.link(parentsUsed, copy);
				copies.push(copy);
			}
		}
		return copies;
	}

	private link(parents: [PreparedNode, SimEdge][], copy: PreparedNode): void {
		for (const [parent, edge] of parents) {
			this.edges.push({ source: { node_id: parent.id, field: edge.source.field }, destination: { node_id: copy.id, field: edge.destination.field } });
		}
	}

	private copy(sourceId: string, context: Context, inputs: Record<string, unknown>): PreparedNode {
		const source = this.graph.nodes[sourceId];
		const template = this.templates.get(source.type);
		const node: Record<string, unknown> = {};
		for (const [name, property] of Object.entries(template?.inputs ?? {})) {
			if (name in inputs) node[name] = structuredClone(inputs[name]);
			else if (name in source) node[name] = structuredClone(source[name]);
			else if ('default' in property) node[name] = structuredClone(property.default);
		}
		const id = randomUUID();
		node.id = id;
		node.type = source.type;
		const prepared: PreparedNode = { id, sourceId, node: node as SimNode, context };
		this.prepared.set(id, prepared);
		this.bySource.set(sourceId, [...(this.bySource.get(sourceId) ?? []), prepared]);
		return prepared;
	}
}
