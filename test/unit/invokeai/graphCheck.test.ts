import { checkInvokeAIGraph } from '../../helpers/invokeaiGraphCheck';
import { checkerFor, loadOpenApi } from './setup';

const checker = checkerFor('6.14.0-alpha');
const model = { key: 'k', hash: 'h', name: 'sdxl', base: 'sdxl', type: 'main' };

/** A small graph the server takes: an SDXL model loader feeding a denoise node's UNet, and a seed. */
function graph() {
	return {
		id: 'g',
		nodes: {
			loader: { type: 'sdxl_model_loader', id: 'loader', model, use_cache: true, is_intermediate: true },
			seed: { type: 'rand_int', id: 'seed', low: 0, high: 10, use_cache: false, is_intermediate: true },
			noise: { type: 'noise', id: 'noise', width: 1024, height: 1024, use_cpu: true },
			denoise: { type: 'denoise_latents', id: 'denoise', steps: 30, scheduler: 'euler', cfg_scale: [7, 6] },
		},
		edges: [
			{ source: { node_id: 'loader', field: 'unet' }, destination: { node_id: 'denoise', field: 'unet' } },
			{ source: { node_id: 'seed', field: 'value' }, destination: { node_id: 'noise', field: 'seed' } },
			{ source: { node_id: 'noise', field: 'noise' }, destination: { node_id: 'denoise', field: 'noise' } },
		],
	};
}

describe('the graph check, as the server validates an enqueued graph', () => {
	it('takes a good graph, against either document', () => {
		expect(checker.check(graph()).problems).toEqual([]);
		expect(checkInvokeAIGraph(loadOpenApi('v6.13.8'), graph())).toEqual([]);
		expect(checker.types()).toContain('sdxl_model_loader');
	});

	it('refuses an unknown node type, a key that is not the id, and a field the class does not have', () => {
		const bad = graph() as ReturnType<typeof graph> & { nodes: Record<string, Record<string, unknown>> };
		bad.nodes.mystery = { type: 'teleport', id: 'mystery' };
		expect(checker.check(bad).problems).toEqual(['nodes["mystery"]: unknown node type "teleport"']);
		const mismatch = graph() as { nodes: Record<string, Record<string, unknown>> };
		mismatch.nodes.seed.id = 'other';
		mismatch.nodes.noise.colour = 'red';
		expect(checker.check(mismatch).problems).toEqual(['nodes["seed"]: the key is not the node\'s id (other)', 'nodes["noise"]: NoiseInvocation has no field "colour"']);
	});

	it('refuses values of the wrong type, out of bounds or missing where required', () => {
		const bad = graph() as { nodes: Record<string, Record<string, unknown>> };
		bad.nodes.denoise.steps = '30';
		bad.nodes.denoise.scheduler = 'fast';
		bad.nodes.noise.width = 1004;
		bad.nodes.loader.model = { key: 'k', name: 'x' };
		expect(checker.check(bad).problems).toEqual([
			'nodes["loader"].model: {"key":"k","name":"x"} fits none of the allowed types',
			'nodes["noise"].width: 1004 is not a multiple of 8',
			'nodes["denoise"].steps: "30" is not of type integer',
			'nodes["denoise"].scheduler: "fast" is not one of ["ddim","ddpm","deis","deis_k","lms","lms_k","pndm","heun","heun_k","euler","euler_k","euler_a","kdpm_2","kdpm_2_k","kdpm_2_a","kdpm_2_a_k","dpmpp_2s","dpmpp_2s_k","dpmpp_2m","dpmpp_2m_k","dpmpp_2m_sde","dpmpp_2m_sde_k","dpmpp_3m","dpmpp_3m_k","dpmpp_sde","dpmpp_sde_k","er_sde","unipc","unipc_k","lcm","tcd"]',
		]);
		const cogview = { id: 'g', nodes: { m: { type: 'cogview4_model_loader', id: 'm' } }, edges: [] };
		expect(checker.check(cogview).problems).toEqual(['nodes["m"]: required field model is missing']);
	});

	it('refuses edges to missing nodes or fields, of incompatible types, twice into one input, or in a cycle', () => {
		const bad = graph();
		bad.edges.push(
			{ source: { node_id: 'ghost', field: 'value' }, destination: { node_id: 'noise', field: 'width' } },
			{ source: { node_id: 'seed', field: 'nope' }, destination: { node_id: 'noise', field: 'height' } },
			{ source: { node_id: 'seed', field: 'value' }, destination: { node_id: 'noise', field: 'nope' } },
			{ source: { node_id: 'noise', field: 'noise' }, destination: { node_id: 'denoise', field: 'unet' } },
			{ source: { node_id: 'seed', field: 'value' }, destination: { node_id: 'noise', field: 'seed' } },
		);
		expect(checker.check(bad).problems).toEqual([
			'edges[3]: source node ghost does not exist in the graph',
			'edges[4]: source field nope does not exist on the output of seed',
			'edges[5]: destination field nope does not exist in node noise',
			'edges[6]: field types are incompatible (noise.noise → denoise.unet)',
			'edges[6]: denoise.unet already has an edge',
			'edges[7]: noise.seed already has an edge',
		]);
		const cyclic = {
			id: 'g',
			nodes: { a: { type: 'add', id: 'a' }, b: { type: 'add', id: 'b' } },
			edges: [
				{ source: { node_id: 'a', field: 'value' }, destination: { node_id: 'b', field: 'a' } },
				{ source: { node_id: 'b', field: 'value' }, destination: { node_id: 'a', field: 'a' } },
			],
		};
		expect(checker.check(cyclic).problems).toEqual(['the graph has a cycle: a → b → a']);
	});

	it('takes int into float and str, any into anything, and an item into a list of it', () => {
		const compatible = {
			id: 'g',
			nodes: {
				i: { type: 'integer', id: 'i', value: 3 },
				f: { type: 'float_math', id: 'f' },
				s: { type: 'string_join', id: 's' },
				it: { type: 'iterate', id: 'it', collection: [1, 2] },
				img: { type: 'image', id: 'img', image: { image_name: 'a.png' } },
				col: { type: 'collect', id: 'col' },
			},
			edges: [
				{ source: { node_id: 'i', field: 'value' }, destination: { node_id: 'f', field: 'a' } },
				{ source: { node_id: 'i', field: 'value' }, destination: { node_id: 's', field: 'string_left' } },
				{ source: { node_id: 'it', field: 'item' }, destination: { node_id: 's', field: 'string_right' } },
				{ source: { node_id: 'img', field: 'image' }, destination: { node_id: 'col', field: 'item' } },
				{ source: { node_id: 'i', field: 'value' }, destination: { node_id: 'col', field: 'item' } },
			],
		};
		expect(checker.check(compatible).problems).toEqual([]);
	});

	it('checks a batch\'s data: nodes and fields that exist, once each, zipped lists alike', () => {
		const data = [
			[
				{ node_path: 'noise', field_name: 'width', items: [512, 768] },
				{ node_path: 'noise', field_name: 'height', items: [512] },
			],
			[{ node_path: 'ghost', field_name: 'x', items: [{ nope: 1 }] }],
			[{ node_path: 'noise', field_name: 'width', items: [1] }],
		];
		expect(checker.check(graph(), data).problems).toEqual([
			'data[0]: zipped lists have different lengths (2, 1)',
			'data[1][0]: node ghost is not in the graph',
			'data[1][0].items[0] is not a string, number, {image_name} or {video_name}',
			'data[2][0]: noise.width appears twice in the batch data',
		]);
		expect(checker.check(graph(), 'nope').problems).toEqual(['batch.data is not a list of lists']);
	});

	it('refuses what is not a graph at all', () => {
		expect(checker.check([]).problems).toEqual(['the graph is not an object']);
		expect(checker.check({ id: 'g', nodes: [], edges: [] }).problems).toEqual(['graph.nodes is not an object of nodes by id']);
		expect(() => checkInvokeAIGraph({}, graph())).toThrow('Not an OpenAPI document: no components.schemas');
	});
});
