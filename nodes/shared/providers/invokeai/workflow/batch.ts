// Runtime-neutral: web-standard APIs only (no node:, Deno, process), so n8n, Node and Deno share it.
//
// Batch and generator nodes → `batch.data`, as InvokeAI's UI does it (`useEnqueueWorkflows.ts`,
// `resolveBatchValue.ts`, the generators in `types/field.ts`). A batch node's list (its own, or
// what a generator connected to it makes) goes to every input its output feeds; batch nodes of one
// `batch_group_id` are zipped into one inner list (same lengths), and "None" makes a group of its
// own, multiplied with the others. Images from a board and dynamic prompts need the server: they
// stay a BatchItemsSource until a BatchResolver fetches them.
import { z } from 'zod';

import { InputError } from '../../../core/errors.ts';
import type { BuildGraphOptions, Graph } from './graph.ts';
import { buildNodesGraph } from './graph.ts';
import type { NodeTemplates } from './templates.ts';
import type { InvocationNode, Workflow, WorkflowEdge, WorkflowNode } from './workflowSchema.ts';
import { BATCH_NODE_TYPES, isInvocationNode } from './workflowSchema.ts';

export type BatchItem = string | number | { image_name: string };

/** One `(node, field)` and the values it takes, one per session. */
export interface BatchDatum {
	node_path: string;
	field_name: string;
	items: BatchItem[];
}

/** `batch.data`: the inner lists are zipped, the outer list multiplied. */
export type BatchData = BatchDatum[][];

/** Where a batch node's items come from. */
export type BatchItemsSource =
	| { kind: 'items'; items: BatchItem[] }
	/** `GET /api/v1/boards/{board_id}/image_names` (not intermediate; images or assets), as `{image_name}`. */
	| { kind: 'board-images'; boardId?: string; category: 'images' | 'assets' }
	/** `POST /api/v1/utilities/dynamicprompts`. */
	| { kind: 'dynamic-prompts'; prompt: string; maxPrompts: number; combinatorial: boolean; seed?: number };

export interface BatchNodePlan {
	nodeId: string;
	type: string;
	label: string;
	/** `batch_group_id`: "None" (a group of its own), "Group 1" … "Group 5". */
	group: string;
	/** The inputs the node's output feeds. */
	targets: Array<{ node_path: string; field_name: string }>;
	source: BatchItemsSource;
}

export interface BatchPlan {
	nodes: BatchNodePlan[];
	warnings: string[];
}

export interface BatchPlanOptions {
	/** Leaves out targets on nodes this server does not know (the graph leaves those nodes out). */
	templates?: NodeTemplates;
	/** For an unseeded random distribution; default Math.random. */
	random?: () => number;
}

/** The server look-ups some batch sources need, done by the API module. */
export interface BatchResolver {
	boardImageNames(boardId: string, category: 'images' | 'assets'): Promise<string[]>;
	dynamicPrompts(request: { prompt: string; maxPrompts: number; combinatorial: boolean; seed?: number }): Promise<string[]>;
}

const COLLECTION_INPUT: Record<string, string> = { image_batch: 'images', string_batch: 'strings', integer_batch: 'integers', float_batch: 'floats' };
const GENERATOR_FOR: Record<string, string> = {
	image_batch: 'image_generator',
	string_batch: 'string_generator',
	integer_batch: 'integer_generator',
	float_batch: 'float_generator',
};

/** Each batch node of the workflow: its group, the inputs it feeds, and where its items come from. */
export function planBatch(workflow: Workflow, options: BatchPlanOptions = {}): BatchPlan {
	const byId = new Map<string, WorkflowNode>(workflow.nodes.map((node) => [node.id, node]));
	const warnings: string[] = [];
	const nodes = workflow.nodes
		.filter((node): node is InvocationNode => isInvocationNode(node) && BATCH_NODE_TYPES.has(node.data.type))
		.map((node): BatchNodePlan => {
			const label = node.data.label?.trim() || node.data.type;
			const outputHandle = node.data.type === 'image_batch' ? 'image' : 'value';
			const targets: BatchNodePlan['targets'] = [];
			for (const edge of workflow.edges.filter((candidate) => candidate.source === node.id && candidate.sourceHandle === outputHandle)) {
				// The UI stops at the first edge without a target field.
				if (!edge.targetHandle) break;
				for (const target of invocationTargets(edge, byId, workflow.edges)) {
					const targetNode = byId.get(target.node_path) as InvocationNode;
					if (options.templates && !options.templates.get(targetNode.data.type)) {
						warnings.push(`Batch node "${label}" feeds node "${target.node_path}" (${targetNode.data.type}), which this server does not know; that feed was left out.`);
						continue;
					}
					targets.push(target);
				}
			}
			return {
				nodeId: node.id,
				type: node.data.type,
				label,
				group: String(node.data.inputs.batch_group_id?.value),
				targets,
				source: itemsSource(node, label, byId, workflow.edges, options.random ?? Math.random),
			};
		});
	return { nodes, warnings };
}

/** The invocation inputs an edge reaches: itself, or through connectors every input they feed. */
function invocationTargets(edge: WorkflowEdge, byId: Map<string, WorkflowNode>, edges: WorkflowEdge[], visited = new Set<string>()): BatchNodePlan['targets'] {
	const target = byId.get(edge.target);
	if (!target || !edge.targetHandle) return [];
	if (isInvocationNode(target)) return [{ node_path: target.id, field_name: edge.targetHandle }];
	if (target.type !== 'connector' || visited.has(target.id)) return [];
	visited.add(target.id);
	return edges
		.filter((next) => next.type === 'default' && next.source === target.id && next.sourceHandle === 'out')
		.flatMap((next) => invocationTargets(next, byId, edges, visited));
}

function itemsSource(node: InvocationNode, label: string, byId: Map<string, WorkflowNode>, edges: WorkflowEdge[], random: () => number): BatchItemsSource {
	const field = COLLECTION_INPUT[node.data.type];
	const incoming = edges.find((edge) => edge.target === node.id && edge.targetHandle === field);
	if (!incoming) {
		const own = node.data.inputs[field]?.value ?? [];
		if (!Array.isArray(own)) throw new InputError('workflow', `Batch node "${label}" holds no list in "${field}".`);
		return { kind: 'items', items: own as BatchItem[] };
	}
	const generator = generatorNode(incoming, byId, edges);
	if (!generator || generator.data.type !== GENERATOR_FOR[node.data.type]) {
		throw new InputError('workflow', `Batch node "${label}" is fed by something other than a ${GENERATOR_FOR[node.data.type]} node.`);
	}
	return generatorSource(generator, random);
}

function generatorNode(edge: WorkflowEdge, byId: Map<string, WorkflowNode>, edges: WorkflowEdge[]): InvocationNode | undefined {
	let source = byId.get(edge.source);
	const visited = new Set<string>();
	while (source && source.type === 'connector' && !visited.has(source.id)) {
		visited.add(source.id);
		const connectorId = source.id;
		const into = edges.find((candidate) => candidate.type === 'default' && candidate.target === connectorId && candidate.targetHandle === 'in');
		source = into && byId.get(into.source);
	}
	return source && isInvocationNode(source) ? source : undefined;
}

const splitText = z.object({ input: z.string(), splitOn: z.string().default(',') });
const integerGenerators = {
	integer_generator_arithmetic_sequence: z.object({ start: z.number().int().default(0), step: z.number().int().default(1), count: z.number().int().default(10) }),
	integer_generator_linear_distribution: z.object({ start: z.number().int().default(0), end: z.number().int().default(10), count: z.number().int().default(10) }),
	integer_generator_random_distribution_uniform: z.object({
		min: z.number().int().default(0),
		max: z.number().int().default(10),
		count: z.number().int().default(10),
		seed: z.number().int().nullish(),
	}),
	integer_generator_parse_string: splitText.extend({ input: z.string().default('1,2,3,4,5,6,7,8,9,10') }),
};
const floatValues = { values: z.array(z.number()).nullish() };
const floatGenerators = {
	float_generator_arithmetic_sequence: z.object({ start: z.number().default(0), step: z.number().default(0.1), count: z.number().int().default(10), ...floatValues }),
	float_generator_linear_distribution: z.object({ start: z.number().default(0), end: z.number().default(1), count: z.number().int().default(10), ...floatValues }),
	float_generator_random_distribution_uniform: z.object({
		min: z.number().default(0),
		max: z.number().default(1),
		count: z.number().int().default(10),
		seed: z.number().int().nullish(),
		...floatValues,
	}),
	float_generator_parse_string: splitText.extend({ input: z.string().default('0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1'), ...floatValues }),
};
const stringGenerators = {
	string_generator_parse_string: splitText.extend({ input: z.string().default('foo,bar,baz,qux') }),
	string_generator_dynamic_prompts_combinatorial: z.object({ input: z.string().default('a super {cute|ferocious} {dog|cat}'), maxPrompts: z.number().int().gte(1).default(10) }),
	string_generator_dynamic_prompts_random: z.object({
		input: z.string().default('a super {cute|ferocious} {dog|cat}'),
		count: z.number().int().gte(1).default(10),
		seed: z.number().int().nullish(),
	}),
};
const imageGenerators = {
	image_generator_images_from_board: z.object({ board_id: z.string().trim().min(1).optional(), category: z.enum(['images', 'assets']).default('images') }),
};

/** Reads a generator's setting; a value without `type` is the first kind, as the UI's parser takes it. */
function generatorSetting<Kinds extends Record<string, z.ZodTypeAny>>(node: InvocationNode, kinds: Kinds): { [Kind in keyof Kinds]: { type: Kind; value: z.infer<Kinds[Kind]> } }[keyof Kinds] {
	const raw = node.data.inputs.generator?.value;
	const given = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
	const type = typeof given.type === 'string' ? given.type : Object.keys(kinds)[0];
	const schema = kinds[type];
	const parsed = schema?.safeParse(given);
	if (!schema || !parsed?.success) {
		const why = schema ? parsed?.error?.issues[0]?.message : `unknown generator "${type}"`;
		throw new InputError('workflow', `Generator node "${node.data.label?.trim() || node.id}" has a setting InvokeAI would not read (${why}).`);
	}
	return { type, value: parsed.data } as { [Kind in keyof Kinds]: { type: Kind; value: z.infer<Kinds[Kind]> } }[keyof Kinds];
}

function generatorSource(node: InvocationNode, random: () => number): BatchItemsSource {
	const items = (list: BatchItem[]): BatchItemsSource => ({ kind: 'items', items: list });
	switch (node.data.type) {
		case 'integer_generator': {
			const setting = generatorSetting(node, integerGenerators);
			switch (setting.type) {
				case 'integer_generator_arithmetic_sequence': {
					const { start, step, count } = setting.value;
					return items(step === 0 ? [start] : range(count, (i) => start + i * step));
				}
				case 'integer_generator_linear_distribution': {
					const { start, end, count } = setting.value;
					return items(count === 1 ? [start] : range(count, (i) => start + Math.round((end - start) * (i / (count - 1)))));
				}
				case 'integer_generator_random_distribution_uniform': {
					const { min, max, count, seed } = setting.value;
					const next = seed === null || seed === undefined ? random : mersenneTwister(seed);
					return items(range(count, () => Math.floor(next() * (max - min + 1)) + min));
				}
				case 'integer_generator_parse_string':
					return items(splitInput(setting.value).map((part) => part.trim()).filter(Boolean).map((part) => parseInt(part, 10)).filter((n) => !isNaN(n)));
			}
			break;
		}
		case 'float_generator': {
			const setting = generatorSetting(node, floatGenerators);
			if (setting.value.values) return items(setting.value.values);
			switch (setting.type) {
				case 'float_generator_arithmetic_sequence': {
					const { start, step, count } = setting.value;
					return items(step === 0 ? [start] : range(count, (i) => start + i * step));
				}
				case 'float_generator_linear_distribution': {
					const { start, end, count } = setting.value;
					return items(count === 1 ? [start] : range(count, (i) => start + (end - start) * (i / (count - 1))));
				}
				case 'float_generator_random_distribution_uniform': {
					const { min, max, count, seed } = setting.value;
					const next = seed === null || seed === undefined ? random : mersenneTwister(seed);
					return items(range(count, () => next() * (max - min) + min));
				}
				case 'float_generator_parse_string':
					return items(splitInput(setting.value).map((part) => part.trim()).filter(Boolean).map((part) => parseFloat(part)).filter((n) => !isNaN(n)));
			}
			break;
		}
		case 'string_generator': {
			const setting = generatorSetting(node, stringGenerators);
			switch (setting.type) {
				case 'string_generator_parse_string':
					return items(splitInput(setting.value).filter((part) => part.length > 0));
				case 'string_generator_dynamic_prompts_combinatorial':
					return { kind: 'dynamic-prompts', prompt: setting.value.input, maxPrompts: setting.value.maxPrompts, combinatorial: true };
				case 'string_generator_dynamic_prompts_random': {
					const { input, count, seed } = setting.value;
					return { kind: 'dynamic-prompts', prompt: input, maxPrompts: count, combinatorial: false, ...(typeof seed === 'number' ? { seed } : {}) };
				}
			}
			break;
		}
		case 'image_generator': {
			const { board_id, category } = generatorSetting(node, imageGenerators).value;
			return board_id ? { kind: 'board-images', boardId: board_id, category } : items([]);
		}
	}
	throw new InputError('workflow', `Node "${node.id}" is not a generator InvokeAI knows (${node.data.type}).`);
}

function range<T>(count: number, item: (index: number) => T): T[] {
	return Array.from({ length: Math.max(0, count) }, (_, index) => item(index));
}

/** The UI's split: `splitOn` read as a JSON string when it is one (so "\n" works), "" for no split. */
function splitInput({ input, splitOn }: { input: string; splitOn: string }): string[] {
	if (splitOn === '') return [input];
	try {
		return input.split(JSON.parse(`"${splitOn}"`) as string);
	} catch {
		return input.split(splitOn);
	}
}

/**
 * MT19937 (Matsumoto and Nishimura, with the 2002 seeding) as the `mtwist` package the UI seeds its
 * random distributions with: `random()` is the next 32-bit output divided by 2^32.
 */
export function mersenneTwister(seed: number): () => number {
	const state = new Uint32Array(624);
	state[0] = seed >>> 0;
	for (let i = 1; i < 624; i++) {
		const previous = state[i - 1] ^ (state[i - 1] >>> 30);
		state[i] = (Math.imul(1812433253, previous) + i) >>> 0;
	}
	let index = 624;
	const next = (): number => {
		if (index >= 624) {
			for (let i = 0; i < 624; i++) {
				const y = (state[i] & 0x80000000) | (state[(i + 1) % 624] & 0x7fffffff);
				state[i] = state[(i + 397) % 624] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
			}
			index = 0;
		}
		let y = state[index++];
		y ^= y >>> 11;
		y ^= (y << 7) & 0x9d2c5680;
		y ^= (y << 15) & 0xefc60000;
		y ^= y >>> 18;
		return (y >>> 0) / 4294967296;
	};
	return next;
}

/** True when some batch node's items need the server (a board's images, dynamic prompts). */
export function batchNeedsServer(plan: BatchPlan): boolean {
	return plan.nodes.some((node) => node.source.kind !== 'items' && (node.source.kind !== 'board-images' || node.source.boardId !== undefined));
}

/** `batch.data`, fetching what needs the server through `resolver`. */
export async function resolveBatchData(plan: BatchPlan, resolver?: BatchResolver): Promise<BatchData> {
	const items = new Map<string, BatchItem[]>();
	for (const node of plan.nodes) items.set(node.nodeId, await sourceItems(node, resolver));
	return assemble(plan, items);
}

/** `batch.data` when nothing needs the server; otherwise an InputError naming the batch node that does. */
export function batchDataOf(plan: BatchPlan): BatchData {
	const items = new Map<string, BatchItem[]>();
	for (const node of plan.nodes) {
		if (node.source.kind === 'items') items.set(node.nodeId, node.source.items);
		else if (node.source.kind === 'board-images' && node.source.boardId === undefined) items.set(node.nodeId, []);
		else throw new InputError('workflow', `Batch node "${node.label}" takes its items from the server (${node.source.kind}).`);
	}
	return assemble(plan, items);
}

async function sourceItems(node: BatchNodePlan, resolver: BatchResolver | undefined): Promise<BatchItem[]> {
	const { source } = node;
	if (source.kind === 'items') return source.items;
	if (source.kind === 'board-images' && source.boardId === undefined) return [];
	if (!resolver) throw new InputError('workflow', `Batch node "${node.label}" takes its items from the server (${source.kind}).`);
	if (source.kind === 'board-images') return (await resolver.boardImageNames(source.boardId as string, source.category)).map((image_name) => ({ image_name }));
	const { prompt, maxPrompts, combinatorial, seed } = source;
	return resolver.dynamicPrompts({ prompt, maxPrompts, combinatorial, ...(seed === undefined ? {} : { seed }) });
}

/** The UI's `getBatchDataForWorkflowGeneration`, refusing what its Invoke button refuses (an empty list, zipped lists of unlike lengths). */
function assemble(plan: BatchPlan, itemsByNode: Map<string, BatchItem[]>): BatchData {
	for (const node of plan.nodes) {
		if ((itemsByNode.get(node.nodeId) ?? []).length === 0) throw new InputError('workflow', `Batch node "${node.label}" has no items.`);
	}
	const groups = new Map<string, BatchNodePlan[]>();
	for (const node of plan.nodes) groups.set(node.group, [...(groups.get(node.group) ?? []), node]);
	const data: BatchData = [];
	for (const [group, nodes] of groups) {
		if (group !== 'None') {
			const lengths = new Set(nodes.map((node) => itemsByNode.get(node.nodeId)?.length));
			if (lengths.size > 1) {
				throw new InputError('workflow', `The batch nodes of ${group} (${nodes.map((node) => `"${node.label}"`).join(', ')}) have lists of different lengths; zipped lists must be alike.`);
			}
		}
		const zipped: BatchDatum[] = [];
		for (const node of nodes) {
			const items = itemsByNode.get(node.nodeId) ?? [];
			const datums = node.targets.map((target) => ({ ...target, items }));
			if (group !== 'None') zipped.push(...datums);
			else if (datums.length > 0) data.push(datums);
		}
		if (group !== 'None' && zipped.length > 0) data.push(zipped);
	}
	return data;
}

/** How many sessions a batch makes: `runs` × the product of each zipped list's length. */
export function countSessions(data: BatchData | undefined, runs = 1): number {
	return (data ?? []).reduce((product, zipped) => product * (zipped[0]?.items.length ?? 1), runs);
}

/**
 * What an enqueue needs from a workflow, as the UI's Invoke button makes it: the graph, and
 * `batch.data` from its batch nodes (`[]` when it has none), with the warnings of both.
 */
export async function buildGraphAndBatch(
	workflow: Workflow,
	templates: NodeTemplates,
	options: BuildGraphOptions & { random?: () => number; resolver?: BatchResolver } = {},
): Promise<{ graph: Graph; data: BatchData; warnings: string[] }> {
	const { graph, warnings } = buildNodesGraph(workflow, templates, options);
	const plan = planBatch(workflow, { templates, random: options.random });
	const data = await resolveBatchData(plan, options.resolver);
	return { graph, data, warnings: [...warnings, ...plan.warnings] };
}
