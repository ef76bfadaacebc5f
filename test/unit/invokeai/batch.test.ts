import {
	type BatchResolver,
	batchDataOf,
	buildGraphAndBatch,
	batchNeedsServer,
	countSessions,
	mersenneTwister,
	planBatch,
	resolveBatchData,
} from '../../../nodes/shared/providers/invokeai/workflow/batch';
import { buildNodesGraph } from '../../../nodes/shared/providers/invokeai/workflow/graph';
import { parseWorkflow } from '../../../nodes/shared/providers/invokeai/workflow/workflowSchema';
import { withInputValues } from '../../../nodes/shared/providers/invokeai/workflow/values';
import { checkerFor, loadDefaultWorkflow, templatesFor } from './setup';

const POSITIVE = 'ade2c0d3-0384-4157-b39b-29ce429cfa15';
const DENOISE = '50a36525-3c0a-4cc5-977c-e4bfc3fd6dfb';
const MODEL_LOADER = '30d3289c-773c-4152-a9d2-bd8a99c8fd22';
const VAE_LOADER = '0093692f-9cf4-454d-a5b8-62f0e3eb3bb8';

function invocation(id: string, type: string, inputs: Record<string, unknown>, label = '') {
	return {
		id,
		type: 'invocation',
		position: { x: 0, y: 0 },
		data: { id, type, label, version: '1.0.0', isOpen: true, isIntermediate: true, useCache: true, inputs: Object.fromEntries(Object.entries(inputs).map(([name, value]) => [name, { name, label: '', value }])) },
	};
}

function edge(source: string, sourceHandle: string, target: string, targetHandle: string) {
	return { id: `${source}-${target}-${targetHandle}`, type: 'default', source, sourceHandle, target, targetHandle };
}

/** SDXL text to image with batch nodes added, its models set. */
function sdxlWith(nodes: unknown[], edges: unknown[]) {
	const raw = loadDefaultWorkflow('Text to Image - SDXL');
	(raw.nodes as unknown[]).push(...nodes);
	(raw.edges as unknown[]).push(...edges);
	return withInputValues(parseWorkflow(raw), [
		{ nodeId: MODEL_LOADER, fieldName: 'model', value: { key: 'k1', hash: 'h1', name: 'sdxl', base: 'sdxl', type: 'main' } },
		{ nodeId: VAE_LOADER, fieldName: 'vae_model', value: { key: 'k2', hash: 'h2', name: 'vae', base: 'sdxl', type: 'vae' } },
	]);
}

function generated(type: string, setting: unknown, options: Parameters<typeof planBatch>[1] = {}) {
	const batchType = type.replace('_generator', '_batch');
	const flow = sdxlWith(
		[invocation('batch', batchType, { batch_group_id: 'None' }), invocation('gen', type, { generator: setting })],
		[edge('gen', 'value', 'batch', `${batchType.replace('_batch', '')}s`), edge('batch', 'value', DENOISE, 'steps')],
	);
	return planBatch(flow, options).nodes[0].source;
}

describe('batch nodes become batch.data', () => {
	const flow = sdxlWith(
		[
			invocation('prompts', 'string_batch', { batch_group_id: 'Group 1', strings: ['a fox', 'a cat'] }, 'Prompts'),
			invocation('steps', 'integer_batch', { batch_group_id: 'Group 1' }, 'Steps'),
			invocation('steps-gen', 'integer_generator', { generator: { type: 'integer_generator_arithmetic_sequence', start: 10, step: 5, count: 2 } }),
			invocation('cfg', 'float_batch', { batch_group_id: 'None', floats: [5, 7.5, 9] }, 'CFG'),
		],
		[edge('prompts', 'value', POSITIVE, 'value'), edge('steps-gen', 'value', 'steps', 'integers'), edge('steps', 'value', DENOISE, 'steps'), edge('cfg', 'value', DENOISE, 'cfg_scale')],
	);
	const plan = planBatch(flow, { templates: templatesFor('6.14.0-alpha') });

	it('zips the lists of one group and gives "None" a group of its own, in the order the nodes come', () => {
		expect(plan.warnings).toEqual([]);
		expect(plan.nodes.map((node) => [node.label, node.group, node.targets])).toEqual([
			['Prompts', 'Group 1', [{ node_path: POSITIVE, field_name: 'value' }]],
			['Steps', 'Group 1', [{ node_path: DENOISE, field_name: 'steps' }]],
			['CFG', 'None', [{ node_path: DENOISE, field_name: 'cfg_scale' }]],
		]);
		const data = batchDataOf(plan);
		expect(data).toEqual([
			[
				{ node_path: POSITIVE, field_name: 'value', items: ['a fox', 'a cat'] },
				{ node_path: DENOISE, field_name: 'steps', items: [10, 15] },
			],
			[{ node_path: DENOISE, field_name: 'cfg_scale', items: [5, 7.5, 9] }],
		]);
		expect(countSessions(data)).toBe(6);
		expect(countSessions(data, 2)).toBe(12);
		expect(countSessions(undefined, 3)).toBe(3);
	});

	it('sends neither batch nor generator nodes in the graph, which the server takes with the data', () => {
		const { graph, warnings } = buildNodesGraph(flow, templatesFor('6.14.0-alpha'), { graphId: 'g' });
		expect(warnings).toEqual([]);
		expect(Object.keys(graph.nodes)).not.toEqual(expect.arrayContaining(['prompts']));
		expect(Object.values(graph.nodes).map((node) => node.type)).toEqual(expect.not.arrayContaining(['string_batch', 'integer_batch', 'integer_generator', 'float_batch']));
		expect(graph.edges.some((graphEdge) => ['prompts', 'steps', 'cfg'].includes(graphEdge.source.node_id))).toBe(false);
		expect(checkerFor('6.14.0-alpha').check(graph, batchDataOf(plan)).problems).toEqual([]);
		// The same data on a field the node lacks is refused, so the check does look at it.
		expect(checkerFor('6.14.0-alpha').check(graph, [[{ node_path: DENOISE, field_name: 'nope', items: [1] }]]).problems).toEqual(['data[0][0]: node 50a36525-3c0a-4cc5-977c-e4bfc3fd6dfb has no field nope']);
	});

	it('refuses what the UI\'s Invoke button refuses: an empty list, zipped lists of unlike lengths', () => {
		const empty = sdxlWith([invocation('b', 'string_batch', { batch_group_id: 'None', strings: [] }, 'Empty')], [edge('b', 'value', POSITIVE, 'value')]);
		expect(() => batchDataOf(planBatch(empty))).toThrow(expect.objectContaining({ parameter: 'workflow', message: 'Batch node "Empty" has no items.' }));
		const unlike = sdxlWith(
			[invocation('a', 'string_batch', { batch_group_id: 'Group 2', strings: ['x', 'y'] }, 'A'), invocation('b', 'integer_batch', { batch_group_id: 'Group 2', integers: [1] }, 'B')],
			[edge('a', 'value', POSITIVE, 'value'), edge('b', 'value', DENOISE, 'steps')],
		);
		expect(() => batchDataOf(planBatch(unlike))).toThrow('The batch nodes of Group 2 ("A", "B") have lists of different lengths; zipped lists must be alike.');
	});

	it('follows connectors to the inputs they feed, and leaves out feeds to nodes the server does not know', () => {
		const viaConnector = sdxlWith(
			[
				invocation('b', 'integer_batch', { batch_group_id: 'None', integers: [20, 30] }),
				{ id: 'c', type: 'connector', position: { x: 0, y: 0 }, data: { id: 'c', type: 'connector', label: '', isOpen: true } },
				invocation('mystery', 'not_a_node', { x: 1 }),
			],
			[edge('b', 'value', 'c', 'in'), edge('c', 'out', DENOISE, 'steps'), edge('b', 'value', 'mystery', 'x')],
		);
		const planned = planBatch(viaConnector, { templates: templatesFor('6.14.0-alpha') });
		expect(planned.nodes[0].targets).toEqual([{ node_path: DENOISE, field_name: 'steps' }]);
		expect(planned.warnings).toEqual(['Batch node "integer_batch" feeds node "mystery" (not_a_node), which this server does not know; that feed was left out.']);
	});

	describe('works out what a generator makes, as the UI does', () => {
		it('integers: sequences, spreads and parsed text', () => {
			expect(generated('integer_generator', { type: 'integer_generator_arithmetic_sequence', start: 3, step: 0, count: 5 })).toEqual({ kind: 'items', items: [3] });
			expect(generated('integer_generator', { type: 'integer_generator_linear_distribution', start: 0, end: 10, count: 4 })).toEqual({ kind: 'items', items: [0, 3, 7, 10] });
			expect(generated('integer_generator', { type: 'integer_generator_parse_string', input: '1, 2,x,, 30', splitOn: ',' })).toEqual({ kind: 'items', items: [1, 2, 30] });
			// A setting without its type is the first kind, with the UI's defaults.
			expect(generated('integer_generator', {})).toEqual({ kind: 'items', items: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] });
		});

		it('floats: spreads, stored values, and text split on an escaped newline', () => {
			expect(generated('float_generator', { type: 'float_generator_linear_distribution', start: 0, end: 1, count: 3 })).toEqual({ kind: 'items', items: [0, 0.5, 1] });
			expect(generated('float_generator', { type: 'float_generator_arithmetic_sequence', start: 1, step: 0.5, count: 3, values: [9, 8] })).toEqual({ kind: 'items', items: [9, 8] });
			expect(generated('float_generator', { type: 'float_generator_parse_string', input: '0.5\n1.5\nabc', splitOn: '\\n' })).toEqual({ kind: 'items', items: [0.5, 1.5] });
		});

		it('random spreads: the Mersenne Twister for a seed, the given random source without one', () => {
			const twister = mersenneTwister(5489);
			expect(twister() * 4294967296).toBe(3499211612); // MT19937's first output for its default seed
			expect(twister() * 4294967296).toBe(581869302);
			const seeded = generated('integer_generator', { type: 'integer_generator_random_distribution_uniform', min: 1, max: 6, count: 4, seed: 42 });
			const again = mersenneTwister(42);
			expect(seeded).toEqual({ kind: 'items', items: [0, 1, 2, 3].map(() => Math.floor(again() * 6) + 1) });
			expect(generated('float_generator', { type: 'float_generator_random_distribution_uniform', min: 0, max: 2, count: 2 }, { random: () => 0.25 })).toEqual({ kind: 'items', items: [0.5, 0.5] });
		});

		it('strings: parsed text locally, dynamic prompts and a board\'s images from the server', async () => {
			expect(generated('string_generator', { type: 'string_generator_parse_string', input: 'a|b||c', splitOn: '|' })).toEqual({ kind: 'items', items: ['a', 'b', 'c'] });
			const prompts = sdxlWith(
				[
					invocation('b', 'string_batch', { batch_group_id: 'None' }, 'Prompts'),
					invocation('g', 'string_generator', { generator: { type: 'string_generator_dynamic_prompts_combinatorial', input: 'a {red|blue} car', maxPrompts: 5 } }),
					invocation('ib', 'image_batch', { batch_group_id: 'None' }, 'Images'),
					invocation('ig', 'image_generator', { generator: { type: 'image_generator_images_from_board', board_id: 'board-1', category: 'images' } }),
					invocation('img', 'image', {}),
				],
				[edge('g', 'value', 'b', 'strings'), edge('b', 'value', POSITIVE, 'value'), edge('ig', 'value', 'ib', 'images'), edge('ib', 'image', 'img', 'image')],
			);
			const planned = planBatch(prompts);
			expect(planned.nodes.map((node) => node.source)).toEqual([
				{ kind: 'dynamic-prompts', prompt: 'a {red|blue} car', maxPrompts: 5, combinatorial: true },
				{ kind: 'board-images', boardId: 'board-1', category: 'images' },
			]);
			expect(batchNeedsServer(planned)).toBe(true);
			expect(() => batchDataOf(planned)).toThrow('Batch node "Prompts" takes its items from the server (dynamic-prompts).');
			await expect(resolveBatchData(planned)).rejects.toThrow('Batch node "Prompts" takes its items from the server (dynamic-prompts).');
			const resolver: BatchResolver = {
				dynamicPrompts: async (request) => (request.combinatorial ? ['a red car', 'a blue car'] : []),
				boardImageNames: async (boardId, category) => (boardId === 'board-1' && category === 'images' ? ['x.png', 'y.png', 'z.png'] : []),
			};
			expect(await resolveBatchData(planned, resolver)).toEqual([
				[{ node_path: POSITIVE, field_name: 'value', items: ['a red car', 'a blue car'] }],
				[{ node_path: 'img', field_name: 'image', items: [{ image_name: 'x.png' }, { image_name: 'y.png' }, { image_name: 'z.png' }] }],
			]);
		});

		it('refuses a generator setting InvokeAI would not read', () => {
			expect(() => generated('integer_generator', { type: 'integer_generator_arithmetic_sequence', start: 1.5 })).toThrow(
				expect.objectContaining({ parameter: 'workflow', message: expect.stringMatching(/^Generator node "gen" has a setting InvokeAI would not read \(Expected integer, received float\)\.$/) }),
			);
			expect(() => generated('integer_generator', { type: 'integer_generator_fibonacci' })).toThrow('Generator node "gen" has a setting InvokeAI would not read (unknown generator "integer_generator_fibonacci").');
		});
	});
});

describe('the graph and the batch data together', () => {
	it('as the UI\'s Invoke button makes them: data [] without batch nodes, the warnings of both', async () => {
		const templates = templatesFor('6.14.0-alpha');
		const plain = await buildGraphAndBatch(sdxlWith([], []), templates, { graphId: 'g' });
		expect(plain.data).toEqual([]);
		expect(plain.warnings).toEqual([]);
		expect(Object.keys(plain.graph.nodes)).toHaveLength(12);
		const batched = sdxlWith(
			[invocation('b', 'integer_batch', { batch_group_id: 'None', integers: [20, 30] }), invocation('mystery', 'not_a_node', {})],
			[edge('b', 'value', DENOISE, 'steps'), edge('b', 'value', 'mystery', 'x')],
		);
		const both = await buildGraphAndBatch(batched, templates, { graphId: 'g' });
		expect(both.data).toEqual([[{ node_path: DENOISE, field_name: 'steps', items: [20, 30] }]]);
		expect(both.warnings).toEqual([
			'Node "mystery" (not_a_node) is not a node this InvokeAI server knows; it was left out, with its edges.',
			'Batch node "integer_batch" feeds node "mystery" (not_a_node), which this server does not know; that feed was left out.',
		]);
		expect(checkerFor('6.14.0-alpha').check(both.graph, both.data).problems).toEqual([]);
	});
});
