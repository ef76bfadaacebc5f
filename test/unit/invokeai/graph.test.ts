import type { OpenApiVersion } from '../../helpers/invokeaiFixtures';
import { buildNodesGraph, findMissingInputs, findOutputNodes, workflowForBatch } from '../../../nodes/shared/providers/invokeai/workflow/graph';
import type { InputValue } from '../../../nodes/shared/providers/invokeai/workflow/values';
import { withInputValues } from '../../../nodes/shared/providers/invokeai/workflow/values';
import { type Workflow, parseWorkflow } from '../../../nodes/shared/providers/invokeai/workflow/workflowSchema';
import { DEFAULT_WORKFLOW_FILES, OPENAPI_VERSIONS, checkerFor, loadDefaultWorkflow, modelFor, sequentialIds, templatesFor, workflow } from './setup';

const SDXL = {
	l2i: '63e91020-83b2-4f35-b174-ad9692aabb48',
	noise: '55705012-79b9-4aac-9f26-c0b10309785b',
	positive: 'faf965a4-7530-427b-b1f3-4ba6505c2a08',
	denoise: '50a36525-3c0a-4cc5-977c-e4bfc3fd6dfb',
};

/** The workflow with every required input it lacks filled as a user would: models, and an image for FLUX i2i. */
function filled(flow: Workflow, version: OpenApiVersion): Workflow {
	const templates = templatesFor(version);
	const values: InputValue[] = findMissingInputs(flow, templates).map(({ nodeId, fieldName }) => {
		const node = flow.nodes.find((candidate) => candidate.id === nodeId) as { data: { type: string } };
		const field = templates.get(node.data.type)?.inputs[fieldName];
		if (field?.type.kind === 'model') return { nodeId, fieldName, value: modelFor(field, `${fieldName}-model`) };
		if (field?.type.kind === 'image') return { nodeId, fieldName, value: { image_name: 'cat.png' } };
		throw new Error(`nothing to fill ${fieldName} with`);
	});
	return withInputValues(flow, values);
}

describe('building the graph InvokeAI\'s UI would send', () => {
	describe.each(OPENAPI_VERSIONS)('against the OpenAPI document of %s', (version) => {
		it.each(DEFAULT_WORKFLOW_FILES)('"%s", its required inputs filled, is a graph the server takes', (file) => {
			const flow = filled(workflow(file), version);
			expect(findMissingInputs(flow, templatesFor(version))).toEqual([]);
			const { graph } = buildNodesGraph(flow, templatesFor(version), { newId: sequentialIds('graph') });
			expect(graph.id).toBe('graph-1');
			expect(Object.keys(graph.nodes).length).toBeGreaterThan(0);
			expect(checkerFor(version).check(graph).problems).toEqual([]);
		});
	});

	it('without its model, a graph the server refuses (so the validator does look)', () => {
		const cogview = buildNodesGraph(workflow('CogView4_TextToImage'), templatesFor('6.14.0-alpha'), { graphId: 'g' }).graph;
		expect(checkerFor('6.14.0-alpha').check(cogview).problems).toEqual(['nodes["7890507c-d346-4d13-bcb4-bc6d4850b2e3"]: required field model is missing']);
		const wan = buildNodesGraph(workflow('Text to Video - Wan 2.2 Lightning'), templatesFor('6.14.0-alpha'), { graphId: 'g' }).graph;
		expect(checkerFor('6.14.0-alpha').check(wan).problems).toEqual(['nodes["1a0e6c7b-9d2f-4b3c-8e1a-2f3d4c5b6a7e"].model: null is not of type object']);
	});

	it('names the required inputs left empty: the default workflows ship without models', () => {
		const templates = templatesFor('6.14.0-alpha');
		expect(findMissingInputs(workflow('Text to Image - SDXL'), templates).map((missing) => `${missing.nodeLabel} → ${missing.fieldLabel}`)).toEqual([
			'VAE Model - SD1.5, SD2, SDXL, SD3, FLUX → VAE (use the FP16 model)',
			'Main Model - SDXL → Model',
		]);
		expect(findMissingInputs(workflow('FLUX Image to Image'), templates).map((missing) => missing.fieldName)).toEqual(['image', 'model']);
		expect(findMissingInputs(workflow('Text to Video - Wan 2.2 Lightning'), templates).map((missing) => missing.fieldLabel)).toEqual([
			'Transformer (High Noise)',
			'Lightning LoRA (High Noise)',
			'Lightning LoRA (Low Noise)',
		]);
	});

	describe('SDXL text to image', () => {
		const templates = templatesFor('6.14.0-alpha');
		const flow = filled(workflow('Text to Image - SDXL'), '6.14.0-alpha');
		const { graph, warnings } = buildNodesGraph(flow, templates, { graphId: 'g-1' });

		it('sends every invocation node as {type, id, ...values, use_cache, is_intermediate}', () => {
			expect(warnings).toEqual([]);
			expect(graph.id).toBe('g-1');
			expect(Object.keys(graph.nodes)).toHaveLength(12);
			expect(Object.entries(graph.nodes).every(([key, node]) => node.id === key)).toBe(true);
			expect(graph.nodes[SDXL.noise]).toEqual({ type: 'noise', id: SDXL.noise, width: 1024, height: 1024, use_cpu: true, use_cache: true, is_intermediate: true });
			expect(Object.keys(graph.nodes[SDXL.noise])).toEqual(['type', 'id', 'width', 'height', 'use_cpu', 'use_cache', 'is_intermediate']);
			expect(graph.nodes[SDXL.l2i]).toEqual({ type: 'l2i', id: SDXL.l2i, tiled: false, tile_size: 0, fp32: false, use_cache: false, is_intermediate: false });
			expect(graph.nodes[SDXL.denoise]).toEqual(expect.objectContaining({ steps: 32, cfg_scale: 6, scheduler: 'dpmpp_2m_sde_k', denoising_start: 0, denoising_end: 1 }));
		});

		it('skips the collapsed edges and sends the default ones as {source, destination}', () => {
			expect(flow.edges).toHaveLength(19);
			expect(flow.edges.filter((edge) => edge.type === 'collapsed')).toHaveLength(2);
			expect(graph.edges).toHaveLength(17);
			expect(graph.edges).toContainEqual({ source: { node_id: 'ea94bc37-d995-4a83-aa99-4af42479f2f2', field: 'value' }, destination: { node_id: SDXL.noise, field: 'seed' } });
			expect(graph.edges.every((edge) => edge.source.field && edge.destination.field)).toBe(true);
		});

		it('leaves out every input an edge feeds', () => {
			for (const { destination } of graph.edges) expect(graph.nodes[destination.node_id]).not.toHaveProperty(destination.field);
			expect(Object.keys(graph.nodes[SDXL.positive])).toEqual([
				'type',
				'id',
				'original_width',
				'original_height',
				'crop_top',
				'crop_left',
				'target_width',
				'target_height',
				'use_cache',
				'is_intermediate',
			]);
		});

		it('translates the board: unset and "auto" go to the auto-add board (none by default), "none" is left out, a board id is kept', () => {
			const board = (value: unknown, autoAddBoardId?: string) =>
				buildNodesGraph(withInputValues(flow, [{ nodeId: SDXL.l2i, fieldName: 'board', value }]), templates, { graphId: 'g', autoAddBoardId }).graph.nodes[SDXL.l2i].board;
			expect(board('auto')).toBeUndefined();
			expect(board('')).toBeUndefined();
			expect(board('none')).toBeUndefined();
			expect(board({ board_id: 'b-1' })).toEqual({ board_id: 'b-1' });
			expect(board('auto', 'b-auto')).toEqual({ board_id: 'b-auto' });
			expect(board('none', 'b-auto')).toBeUndefined();
			expect(board('auto', 'none')).toBeUndefined();
		});

		it('sends a null value as null, and leaves out a missing one', () => {
			const nulled = withInputValues(flow, [{ nodeId: SDXL.denoise, fieldName: 'denoise_mask', value: null }]);
			const node = buildNodesGraph(nulled, templates, { graphId: 'g' }).graph.nodes[SDXL.denoise];
			expect(node).toHaveProperty('denoise_mask', null);
			expect(node).not.toHaveProperty('control');
		});

		it('makes a fresh graph id each time unless told, from crypto.randomUUID by default', () => {
			const first = buildNodesGraph(flow, templates).graph.id;
			expect(first).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
			expect(buildNodesGraph(flow, templates).graph.id).not.toBe(first);
		});
	});

	it('Prompt from File: the file reader, iterate and the nodes it fans out to; no output node, so all images', () => {
		const templates = templatesFor('6.14.0-alpha');
		const flow = filled(workflow('Prompt from File'), '6.14.0-alpha');
		const { graph, warnings } = buildNodesGraph(flow, templates, { graphId: 'g' });
		expect(warnings).toEqual([]);
		expect(Object.values(graph.nodes).map((node) => node.type).sort()).toEqual(
			['compel', 'compel', 'denoise_latents', 'iterate', 'l2i', 'main_model_loader', 'noise', 'prompt_from_file', 'rand_int'].sort(),
		);
		expect(graph.nodes['1b7e0df8-8589-4915-a4ea-c0088f15d642']).toEqual({
			type: 'prompt_from_file',
			id: '1b7e0df8-8589-4915-a4ea-c0088f15d642',
			file_path: '',
			pre_prompt: '',
			post_prompt: '',
			start_line: 1,
			max_prompts: 1,
			use_cache: true,
			is_intermediate: true,
		});
		expect(graph.nodes['1b89067c-3f6b-42c8-991f-e3055789b251']).toEqual({ type: 'iterate', id: '1b89067c-3f6b-42c8-991f-e3055789b251', use_cache: true, is_intermediate: true });
		expect(graph.nodes['fc9d0e35-a6de-4a19-84e1-c72497c823f6']).not.toHaveProperty('prompt');
		expect(graph.nodes['c2eaf1ba-5708-4679-9e15-945b8b432692']).toHaveProperty('prompt', '');
		expect(graph.edges).toHaveLength(11);
		expect(findOutputNodes(flow, templates)).toEqual({ nodes: [], allImages: true });
	});

	it('finds the output nodes: the non-intermediate invocations', () => {
		const templates = templatesFor('6.14.0-alpha');
		expect(findOutputNodes(workflow('Text to Video - Wan 2.2 Lightning'), templates)).toEqual({
			nodes: [{ nodeId: '6f5dcb1c-e27d-9fb0-d16f-7e8cbaa1fcbd', type: 'wan_l2v', label: 'Latents to Video - Wan 2.2' }],
			allImages: false,
		});
		expect(findOutputNodes(workflow('Flux Text to Image')).nodes.map((node) => node.type)).toEqual(['flux_vae_decode']);
		// The server does not know the Wan nodes before 6.14: nothing of them runs.
		expect(findOutputNodes(workflow('Text to Video - Wan 2.2 Lightning'), templatesFor('v6.13.8')).allImages).toBe(true);
	});

	it('leaves out, with a warning, the nodes the server does not know and every edge of theirs', () => {
		const { graph, warnings } = buildNodesGraph(workflow('Text to Video - Wan 2.2 Lightning'), templatesFor('v6.13.8'), { graphId: 'g' });
		expect(Object.values(graph.nodes).map((node) => node.type)).toEqual(['rand_int']);
		expect(graph.edges).toEqual([]);
		expect(warnings).toHaveLength(7);
		expect(warnings[0]).toBe('Node "1a0e6c7b-9d2f-4b3c-8e1a-2f3d4c5b6a7e" (wan_model_loader) is not a node this InvokeAI server knows; it was left out, with its edges.');
		expect(warnings[1]).toBe('Node "Positive Prompt" (wan_text_encoder) is not a node this InvokeAI server knows; it was left out, with its edges.');
		expect(checkerFor('v6.13.8').check(graph).problems).toEqual([]);
	});

	it("keeps FLUX's t5_max_seq_len, a numeric enum (Literal[256, 512]) fed by the model loader: the input goes, the edge stays", () => {
		const { graph, warnings } = buildNodesGraph(workflow('Flux Text to Image'), templatesFor('6.14.0-alpha'), { graphId: 'g' });
		expect(graph.nodes['01f674f8-b3d1-4df1-acac-6cb8e0bfb63c']).toEqual({ type: 'flux_text_encoder', id: '01f674f8-b3d1-4df1-acac-6cb8e0bfb63c', prompt: 'a cat', use_cache: true, is_intermediate: true });
		expect(graph.edges).toContainEqual({
			source: { node_id: 'f8d9d7c8-9ed7-4bd7-9e42-ab0e89bfac90', field: 'max_seq_len' },
			destination: { node_id: '01f674f8-b3d1-4df1-acac-6cb8e0bfb63c', field: 't5_max_seq_len' },
		});
		expect(warnings).toEqual([]);
	});

	describe('a 4.0.0 workflow with notes and connectors', () => {
		const LOADER = 'f8d9d7c8-9ed7-4bd7-9e42-ab0e89bfac90';
		const DECODE = '7e5172eb-48c1-44db-a770-8fd83e1435d1';
		const raw = loadDefaultWorkflow('Flux Text to Image');
		(raw.meta as Record<string, unknown>).version = '4.0.0';
		const nodes = raw.nodes as unknown[];
		nodes.push(
			{ id: 'note', type: 'notes', position: { x: 0, y: 0 }, data: { id: 'note', type: 'notes', label: 'Read me', isOpen: true, notes: 'hello' } },
			{ id: 'c1', type: 'connector', position: { x: 0, y: 0 }, data: { id: 'c1', type: 'connector', label: '', isOpen: true } },
			{ id: 'c2', type: 'connector', position: { x: 0, y: 0 }, data: { id: 'c2', type: 'connector', label: '', isOpen: true } },
		);
		const edges = (raw.edges as Array<{ source: string; target: string; sourceHandle?: string; targetHandle?: string }>).filter(
			(edge) => !(edge.source === LOADER && edge.target === DECODE),
		);
		edges.push(
			{ id: 'e1', type: 'default', source: LOADER, sourceHandle: 'vae', target: 'c1', targetHandle: 'in' } as never,
			{ id: 'e2', type: 'default', source: 'c1', sourceHandle: 'out', target: 'c2', targetHandle: 'in' } as never,
			{ id: 'e3', type: 'default', source: 'c2', sourceHandle: 'out', target: DECODE, targetHandle: 'vae' } as never,
			{ id: 'e4', type: 'default', source: 'c1', sourceHandle: 'out', target: DECODE, targetHandle: 'vae' } as never,
		);
		raw.edges = edges;
		const flow = filled(parseWorkflow(raw), '6.14.0-alpha');
		const { graph } = buildNodesGraph(flow, templatesFor('6.14.0-alpha'), { graphId: 'g' });

		it('sends no notes or connectors, and re-points a connector\'s edges at its real source, once', () => {
			expect(Object.keys(graph.nodes)).not.toEqual(expect.arrayContaining(['note']));
			expect(Object.values(graph.nodes).map((node) => node.type)).not.toContain('connector');
			const intoDecode = graph.edges.filter((edge) => edge.destination.node_id === DECODE && edge.destination.field === 'vae');
			expect(intoDecode).toEqual([{ source: { node_id: LOADER, field: 'vae' }, destination: { node_id: DECODE, field: 'vae' } }]);
			expect(graph.nodes[DECODE]).not.toHaveProperty('vae');
			expect(checkerFor('6.14.0-alpha').check(graph).problems).toEqual([]);
		});
	});

	it('keeps a core_metadata node\'s extra inputs, and fills call_saved_workflow\'s workflow_inputs', () => {
		const raw = loadDefaultWorkflow('Flux Text to Image');
		(raw.nodes as unknown[]).push(
			{
				id: 'meta',
				type: 'invocation',
				data: { id: 'meta', type: 'core_metadata', isIntermediate: true, useCache: true, inputs: { positive_prompt: { name: 'positive_prompt', value: 'a cat' }, z_image_seed_variance_enabled: { value: true }, unset_extra: {} } },
			},
			{
				id: 'call',
				type: 'invocation',
				data: {
					id: 'call',
					type: 'call_saved_workflow',
					isIntermediate: true,
					useCache: false,
					inputs: { workflow_id: { value: 'wf-1' }, workflow_inputs: { value: { stale: 1 } }, 'saved_workflow_input::n1::prompt': { value: 'a dog' } },
				},
			},
		);
		const templates = templatesFor('6.14.0-alpha');
		const { graph } = buildNodesGraph(filled(parseWorkflow(raw), '6.14.0-alpha'), templates, { graphId: 'g' });
		expect(graph.nodes.meta).toEqual({ type: 'core_metadata', id: 'meta', positive_prompt: 'a cat', z_image_seed_variance_enabled: true, use_cache: true, is_intermediate: true });
		expect(graph.nodes.call).toEqual({
			type: 'call_saved_workflow',
			id: 'call',
			workflow_id: 'wf-1',
			workflow_inputs: { 'saved_workflow_input::n1::prompt': 'a dog' },
			use_cache: false,
			is_intermediate: true,
		});
		expect(checkerFor('6.14.0-alpha').check(graph).problems).toEqual([]);
	});

	it('embeds the workflow without its id, as the UI does', () => {
		const flow = workflow('Flux Text to Image');
		expect(flow.id).toBe('default_444fe292-896b-44fd-bfc6-c0b5d220fffc');
		const embedded = workflowForBatch(flow);
		expect(embedded).not.toHaveProperty('id');
		expect(embedded.nodes).toBe(flow.nodes);
		expect(flow.id).toBe('default_444fe292-896b-44fd-bfc6-c0b5d220fffc');
	});
});
