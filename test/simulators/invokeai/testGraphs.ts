// For the simulator's own tests: a default workflow turned into an enqueue graph the way InvokeAI's
// web UI does (buildNodesGraph, reference §6), kept deliberately small; the provider's real
// conversion lives in nodes/shared/providers/invokeai/workflow/. Also a graph with the models of
// DEFAULT_MODELS filled in.
import { randomUUID } from 'node:crypto';

import { DEFAULT_MODELS, modelIdentifier } from './models.ts';
import type { SimGraph, SimNode } from './graphCheck.ts';

const SKIPPED = new Set(['image_batch', 'string_batch', 'integer_batch', 'float_batch', 'image_generator', 'string_generator', 'integer_generator', 'float_generator']);

interface WorkflowNode {
	id: string;
	type: string;
	data: { type: string; isIntermediate?: boolean; useCache?: boolean; inputs?: Record<string, { value?: unknown }> };
}

interface WorkflowEdge {
	type: string;
	source: string;
	sourceHandle?: string;
	target: string;
	targetHandle?: string;
}

/** The graph the UI would send for a workflow, `values` overriding inputs (by node id, then field). */
export function workflowGraph(workflow: Record<string, unknown>, values: Record<string, Record<string, unknown>> = {}): SimGraph {
	const nodes: Record<string, SimNode> = {};
	for (const node of workflow.nodes as WorkflowNode[]) {
		if (node.type !== 'invocation' || SKIPPED.has(node.data.type)) continue;
		const built: Record<string, unknown> = { type: node.data.type, id: node.id };
		for (const [name, input] of Object.entries(node.data.inputs ?? {})) {
			const value = values[node.id]?.[name] ?? input.value;
			if (value === undefined) continue;
			if (name === 'board' && (value === 'auto' || value === 'none' || value === '')) continue;
			built[name] = value;
		}
		built.use_cache = node.data.useCache ?? true;
		built.is_intermediate = node.data.isIntermediate ?? true;
		nodes[node.id] = built as SimNode;
	}
	const edges = [];
	for (const edge of workflow.edges as WorkflowEdge[]) {
		if (edge.type !== 'default' || !nodes[edge.source] || !nodes[edge.target]) continue;
		edges.push({ source: { node_id: edge.source, field: edge.sourceHandle! }, destination: { node_id: edge.target, field: edge.targetHandle! } });
		delete nodes[edge.target][edge.targetHandle!];
	}
	return { id: randomUUID(), nodes, edges };
}

const model = (base: string, type: string): Record<string, unknown> => modelIdentifier(DEFAULT_MODELS.find((candidate) => candidate.base === base && candidate.type === type)!);

/** Every model input of the graph's loaders set to a model of DEFAULT_MODELS. */
export function withModels(graph: SimGraph): SimGraph {
	for (const node of Object.values(graph.nodes)) {
		if (node.type === 'flux_model_loader') {
			Object.assign(node, { model: model('flux', 'main'), t5_encoder_model: model('any', 't5_encoder'), clip_embed_model: model('any', 'clip_embed'), vae_model: model('flux', 'vae') });
		}
		if (node.type === 'sdxl_model_loader') node.model = model('sdxl', 'main');
		if (node.type === 'main_model_loader') node.model = model('sd-1', 'main');
		if (node.type === 'vae_loader') node.vae_model = model('flux', 'vae');
	}
	return graph;
}
