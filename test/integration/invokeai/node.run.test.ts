// The InvokeAI node's Run and Wait through its real class, against the simulator over real sockets:
// a library workflow and pasted JSON with a prompt per item and a model by name, image to image from
// a binary field, the output items, Continue On Fail, and Stop cancelling the queue item.
import { loadDefaultWorkflow } from '../../helpers/invokeaiFixtures.ts';
import { bytesOf, failure, fileItem, loadContext, node, runNode, runParameters, waitUntil } from './nodeSetup.ts';
import { closeSimulators, PICTURE, SDXL_MODEL, startSimulator } from './setup.ts';

afterEach(closeSimulators);

const SDXL_ID = 'default_5e8b008d-c697-45d0-8883-085a954c6ace';
const PROMPT_NODE = 'ade2c0d3-0384-4157-b39b-29ce429cfa15';
const L2I = '63e91020-83b2-4f35-b174-ad9692aabb48';
const MODEL_LOADER = '30d3289c-773c-4152-a9d2-bd8a99c8fd22';
const SDXL_VALUES = { Model: SDXL_MODEL, 'VAE (use the FP16 model)': 'FLUX.1-schnell_ae' };
const PROMPTS = ['a lighthouse at dusk', 'a fox in the snow'];

type Graph = { nodes: Record<string, { type: string; value?: unknown; model?: { name: string } }> };

describe('InvokeAI node: Workflow → Run and Wait', () => {
	it('runs a library workflow once per item, with that item\'s prompt and the model chosen by name', async () => {
		const simulator = await startSimulator();
		const items = PROMPTS.map((prompt) => ({ json: { prompt } }));
		const { output } = await runNode(
			simulator,
			runParameters({ workflowSource: 'library', workflowId: { mode: 'list', value: SDXL_ID } }, { ...SDXL_VALUES, 'Positive Prompt': (index: number) => PROMPTS[index] }),
			{ items },
		);

		expect(output).toHaveLength(2);
		const items_ = simulator.items();
		expect(items_).toHaveLength(2);
		for (const [index, item] of output.entries()) {
			expect(item.pairedItem).toEqual({ item: index });
			const file = item.json.file as Record<string, unknown>;
			expect(file).toMatchObject({ nodeId: L2I, nodeLabel: 'Latents to Image - SD1.5, SDXL', width: 1024, height: 1024, mimeType: 'image/png' });
			expect(item.json.item_id).toBe(file.itemId);
			expect(item.json.status).toBe('completed');
			expect(item.json.origin).toBe('n8n');
			// The bytes are the simulator's image of that item.
			expect(bytesOf(item).equals(Buffer.from(simulator.imageBytes(String(file.imageName)) ?? []))).toBe(true);
			const graph = simulator.item(Number(file.itemId))?.session.graph as unknown as Graph;
			expect(graph.nodes[PROMPT_NODE]?.value).toBe(PROMPTS[index]);
			expect(Object.values(graph.nodes).find((graphNode) => graphNode.type === 'sdxl_model_loader')?.model?.name).toBe(SDXL_MODEL);
		}
		expect(new Set(output.map((item) => item.json.item_id)).size).toBe(2);
	});

	it('runs pasted JSON, with an input given as <node id>.<field>, runs 2 and a binary field of my naming', async () => {
		const simulator = await startSimulator();
		const json = JSON.stringify(loadDefaultWorkflow('Text to Image - SDXL'));
		const { output } = await runNode(
			simulator,
			runParameters({ workflowSource: 'json', workflowJson: json }, { ...SDXL_VALUES, [`${PROMPT_NODE}.value`]: 'a red boat', '50a36525-3c0a-4cc5-977c-e4bfc3fd6dfb.steps': '7' }, { runs: 2, binaryPropertyName: 'picture' }),
		);
		expect(output).toHaveLength(2);
		for (const item of output) {
			expect(Object.keys(item.binary ?? {})).toEqual(['picture']);
			const graph = simulator.item(Number(item.json.item_id))?.session.graph as unknown as Graph & { nodes: Record<string, { steps?: number }> };
			expect(graph.nodes[PROMPT_NODE]?.value).toBe('a red boat');
			expect(graph.nodes['50a36525-3c0a-4cc5-977c-e4bfc3fd6dfb']?.steps).toBe(7);
		}
	});

	it('runs image to image with the photo of the item (binary:<field>) uploaded for the Image input', async () => {
		const simulator = await startSimulator();
		const values = {
			'Model (dev variant recommended for Image-to-Image)': 'FLUX Schnell (Quantized)',
			'T5 Encoder': 't5_bnb_int8_quantized_encoder',
			'CLIP Embed': 'clip-vit-large-patch14',
			VAE: 'FLUX.1-schnell_ae',
			Image: 'binary:photo',
		};
		const json = JSON.stringify(loadDefaultWorkflow('FLUX Image to Image'));
		const { output } = await runNode(simulator, runParameters({ workflowSource: 'json', workflowJson: json }, values), { items: [fileItem('photo', PICTURE, 'cat.png', 'image/png')] });
		expect(output).toHaveLength(1);
		expect((output[0].json.file as Record<string, unknown>).nodeLabel).toBe('Latents to Image - FLUX');
		// The photo went up as the image the graph reads.
		const uploaded = simulator.images().filter((image) => image.is_intermediate && image.image_category === 'user').map((image) => String(image.image_name));
		expect(uploaded).toHaveLength(1);
		expect(Buffer.from(simulator.imageBytes(uploaded[0]) ?? []).equals(Buffer.from(PICTURE))).toBe(true);
		const graph = JSON.stringify(simulator.item(Number(output[0].json.item_id))?.session.graph);
		expect(graph).toContain(uploaded[0]);
	});

	it('reads the workflow from a JSON file in a binary field', async () => {
		const simulator = await startSimulator();
		const file = new TextEncoder().encode(JSON.stringify(loadDefaultWorkflow('Text to Image - SDXL')));
		const { output } = await runNode(simulator, runParameters({ workflowSource: 'binary', workflowBinaryProperty: 'wf' }, SDXL_VALUES), {
			items: [fileItem('wf', file, 'sdxl.json', 'application/json')],
		});
		expect(output).toHaveLength(1);
		expect(output[0].json.status).toBe('completed');
	});

	it('loads the chosen workflow\'s inputs for the Input Name list, with their types', async () => {
		const simulator = await startSimulator();
		const context = loadContext(simulator, { workflowSource: 'library', workflowId: { mode: 'list', value: SDXL_ID } });
		const options = await node.methods.loadOptions.getWorkflowInputs.call(context);
		expect(options.map((option) => option.name)).toEqual(['Positive Prompt (string)', 'Negative Prompt (string)', 'Model (model)', 'VAE (use the FP16 model) (model)', 'Board (board)']);
		expect(options[2]).toMatchObject({ value: 'Model', description: expect.stringContaining(`${MODEL_LOADER}.model`) });
		const search = await node.methods.listSearch.searchWorkflows.call(context, 'SDXL');
		expect(search.results.map((result) => result.value)).toEqual([SDXL_ID]);
	});

	it('puts the images on a board given by name (made once), at the front of the queue when asked', async () => {
		const simulator = await startSimulator();
		const source = { workflowSource: 'library', workflowId: { mode: 'id', value: SDXL_ID } };
		const first = await runNode(simulator, runParameters(source, SDXL_VALUES, { board: 'Lighthouses', prepend: true }));
		const second = await runNode(simulator, runParameters(source, SDXL_VALUES, { board: 'Lighthouses' }));
		const boards = simulator.images().map((image) => image.board_id);
		const names = [first, second].map(({ output }) => String((output[0].json.file as Record<string, unknown>).imageName));
		const boardIds = names.map((name) => simulator.images().find((image) => image.image_name === name)?.board_id);
		expect(boardIds[0]).toEqual(expect.any(String));
		expect(boardIds[1]).toBe(boardIds[0]);
		expect(boards.filter((board) => board === boardIds[0])).toHaveLength(2);
		expect(simulator.batches().map((batch) => [batch.prepend, batch.origin, batch.destination])).toEqual([
			[true, 'n8n', 'gallery'],
			[false, 'n8n', 'gallery'],
		]);
		const listed = await runNode(simulator, { resource: 'board', operation: 'getMany', includeArchived: false });
		expect(listed.output.filter((item) => item.json.board_name === 'Lighthouses')).toHaveLength(1);
	});

	it('cancels the queue item when the execution is stopped', async () => {
		const simulator = await startSimulator({ nodeMs: (graphNode) => (graphNode.type === 'denoise_latents' ? 5_000 : 2) });
		const controller = new AbortController();
		const run = failure(runNode(simulator, runParameters({ workflowSource: 'library', workflowId: { mode: 'id', value: SDXL_ID } }, SDXL_VALUES), { signal: controller.signal }));
		await waitUntil('the item running', () => simulator.items().some((item) => item.status === 'in_progress'));
		controller.abort();
		const error = await run;
		expect(error.message).toMatch(/cancel|stop/i);
		await waitUntil('the item cancelled', () => simulator.items()[0]?.status === 'canceled');
	});

	it('fails a failed item naming it, and goes on with the next item under Continue On Fail', async () => {
		const simulator = await startSimulator();
		const prompts = ['FAIL please', 'a calm sea'];
		const { output } = await runNode(
			simulator,
			runParameters({ workflowSource: 'library', workflowId: { mode: 'id', value: SDXL_ID } }, { ...SDXL_VALUES, 'Positive Prompt': (index: number) => prompts[index] }),
			{ items: prompts.map(() => ({ json: {} })), continueOnFail: true },
		);
		expect(output).toHaveLength(2);
		expect(output[0]).toMatchObject({ pairedItem: { item: 0 }, json: { error: expect.stringMatching(/fail/i) } });
		expect(output[0].binary).toBeUndefined();
		expect(output[1]).toMatchObject({ pairedItem: { item: 1 }, json: { status: 'completed' } });
	});
});
