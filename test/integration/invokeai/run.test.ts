// Workflow runs against the InvokeAI simulator over real sockets: HTTP with fetch, queue events with
// socket.io-client. The default workflows run end to end with models set by name, with the socket
// and without it, with an uploaded picture, with several outputs of one node, into a board made by
// name; and the listing a trigger reads.
import { readAll } from '../../../nodes/shared/core/files.ts';
import type { WaitProgress } from '../../../nodes/shared/core/waiter.ts';
import type { WorkflowRun } from '../../../nodes/shared/providers/invokeai/api.ts';
import { invokeaiJobs } from '../../../nodes/shared/providers/invokeai/job.ts';
import { buildGraphAndBatch } from '../../../nodes/shared/providers/invokeai/workflow/batch.ts';
import type { InvokeAiSimulator } from '../../simulators/invokeai/index.ts';
import { closeSimulators, connect, defaultWorkflow, PICTURE, recordingLogger, SDXL_MODEL, startSimulator } from './setup.ts';

afterEach(closeSimulators);

const SDXL_VALUES = { Model: SDXL_MODEL, 'VAE (use the FP16 model)': 'FLUX.1-schnell_ae', 'Positive Prompt': 'a lighthouse at dusk' };
const L2I = '63e91020-83b2-4f35-b174-ad9692aabb48';

/** Every file of the run, read: its name, details and whether its bytes are the simulator's. */
async function files(simulator: InvokeAiSimulator, run: WorkflowRun) {
	const read = [];
	for (const item of run.items) {
		for await (const file of item.files) {
			const bytes = await readAll(file);
			const name = String(file.details.imageName);
			read.push({ fileName: file.fileName, details: file.details, same: Buffer.from(bytes).equals(Buffer.from(simulator.imageBytes(name) ?? [])) });
		}
	}
	return read;
}

const itemReads = (simulator: InvokeAiSimulator) => simulator.requests.filter((request) => /^\/api\/v1\/queue\/default\/i\/\d+$/.test(request.path)).length;

describe('InvokeAI workflow runs against the simulator', () => {
	it('runs SDXL text to image with the model set by name, following the item over Socket.IO', async () => {
		// A slow denoise, so that progress comes after the first read of the item.
		const simulator = await startSimulator({ nodeMs: (node) => (node.type === 'denoise_latents' ? 1_500 : 2), progressSteps: 6 });
		const invokeai = connect(simulator);
		const progress: WaitProgress[] = [];
		const run = await invokeai.runWorkflow({ workflow: defaultWorkflow('Text to Image - SDXL'), values: SDXL_VALUES, timeoutMs: 30_000, onProgress: (update) => progress.push(update) });

		const item = simulator.item(run.itemIds[0]);
		expect(item?.status).toBe('completed');
		expect(item?.origin).toBe('genflows-test');
		const graph = item?.session.graph as unknown as { nodes: Record<string, { model?: { name: string }; type: string }> };
		expect(Object.values(graph.nodes).find((node) => node.type === 'sdxl_model_loader')?.model?.name).toBe(SDXL_MODEL);
		expect(await files(simulator, run)).toEqual([
			{
				fileName: expect.stringMatching(/\.png$/),
				details: { itemId: run.itemIds[0], nodeId: L2I, nodeLabel: 'Latents to Image - SD1.5, SDXL', imageName: expect.any(String), width: 1024, height: 1024 },
				same: true,
			},
		]);
		// Progress came by push (only push names the node running), more often than the item was read.
		const pushed = progress.filter((update) => update.phase === 'running' && update.stage && update.progress !== undefined);
		expect(pushed.length).toBeGreaterThanOrEqual(2);
		expect(pushed[0].stage).toMatch(/^Denoise/);
		expect(itemReads(simulator)).toBeLessThan(pushed.length + 2);
		// The socket joined the queue before the batch was queued, and is closed after the run.
		const handshake = simulator.requests.findIndex((request) => request.path.startsWith('/ws/socket.io'));
		const enqueue = simulator.requests.findIndex((request) => request.path.endsWith('/enqueue_batch'));
		expect(handshake).toBeGreaterThanOrEqual(0);
		expect(handshake).toBeLessThan(enqueue);
		expect(simulator.sockets.count()).toBe(0);
	});

	it('runs it by polling alone when the socket is refused, saying so once', async () => {
		const simulator = await startSimulator();
		simulator.faults.add({ pathPrefix: '/ws/socket.io', times: 5, fault: { kind: 'socket-refuse', status: 403, body: 'websockets are not allowed here' } });
		const logger = recordingLogger();
		const progress: WaitProgress[] = [];
		const run = await connect(simulator, { logger }).runWorkflow({
			workflow: defaultWorkflow('Text to Image - SDXL'),
			values: SDXL_VALUES,
			timeoutMs: 30_000,
			onProgress: (update) => progress.push(update),
		});
		expect(simulator.item(run.itemIds[0])?.status).toBe('completed');
		expect((await files(simulator, run)).map((file) => file.same)).toEqual([true]);
		expect(progress.some((update) => update.stage !== undefined)).toBe(false);
		expect(logger.lines.filter((line) => line.includes('could not connect'))).toHaveLength(1);
	});

	it('runs it by polling alone on a host without a Socket.IO client', async () => {
		const simulator = await startSimulator();
		const run = await connect(simulator, { openEventSocket: null }).runWorkflow({ workflow: defaultWorkflow('Text to Image - SDXL'), values: SDXL_VALUES, timeoutMs: 30_000 });
		expect(simulator.item(run.itemIds[0])?.status).toBe('completed');
		expect(simulator.requests.some((request) => request.path.startsWith('/ws/socket.io'))).toBe(false);
	});

	it('finishes a run whose socket drops mid-way', async () => {
		const simulator = await startSimulator({ nodeMs: (node) => (node.type === 'denoise_latents' ? 300 : 2) });
		simulator.faults.add({ pathPrefix: '/ws/socket.io', fault: { kind: 'socket-drop', afterMessages: 3 } });
		const run = await connect(simulator).runWorkflow({ workflow: defaultWorkflow('Text to Image - SDXL'), values: SDXL_VALUES, runs: 2, timeoutMs: 30_000 });
		expect(run.itemIds.map((id) => simulator.item(id)?.status)).toEqual(['completed', 'completed']);
		expect((await files(simulator, run)).map((file) => file.same)).toEqual([true, true]);
	});

	it('runs FLUX image to image with a picture it uploads', async () => {
		const simulator = await startSimulator();
		const run = await connect(simulator).runWorkflow({
			workflow: defaultWorkflow('FLUX Image to Image'),
			values: {
				'Model (dev variant recommended for Image-to-Image)': 'FLUX Schnell (Quantized)',
				'T5 Encoder': 't5_bnb_int8_quantized_encoder',
				'CLIP Embed': 'clip-vit-large-patch14',
				VAE: 'FLUX.1-schnell_ae',
				Image: { data: PICTURE, fileName: 'cat.png', mimeType: 'image/png' },
			},
			timeoutMs: 30_000,
		});
		expect(run.uploadedImages).toHaveLength(1);
		const uploaded = simulator.images().find((image) => image.image_name === run.uploadedImages[0]);
		expect(uploaded).toMatchObject({ image_category: 'user', is_intermediate: true, image_origin: 'external' });
		const graph = simulator.item(run.itemIds[0])?.session.graph as { nodes: Record<string, Record<string, unknown>> };
		expect(graph.nodes['2981a67c-480f-4237-9384-26b68dbf912b'].image).toEqual({ image_name: run.uploadedImages[0] });
		const outputs = await files(simulator, run);
		expect(outputs.map((file) => [file.details.nodeLabel, file.same])).toEqual([['Latents to Image - FLUX', true]]);
		expect(outputs[0].details.imageName).not.toBe(run.uploadedImages[0]);
	});

	it('hands on every image of "Prompt from File", whose image node is intermediate, one per prompt', async () => {
		const simulator = await startSimulator();
		// Three prompts from the file, set by node id as the form does not show the field.
		const values = { Model: 'Dreamshaper 8', '1b7e0df8-8589-4915-a4ea-c0088f15d642.max_prompts': 3 };
		const run = await connect(simulator).runWorkflow({ workflow: defaultWorkflow('Prompt from File'), values, timeoutMs: 30_000 });
		const outputs = await files(simulator, run);
		expect(outputs).toHaveLength(3);
		expect(new Set(outputs.map((file) => file.details.nodeId)).size).toBe(1);
		expect(new Set(outputs.map((file) => file.details.imageName)).size).toBe(3);
		expect(outputs.every((file) => file.same)).toBe(true);
	});

	it('puts the images into a board named for the run, created because none had the name', async () => {
		const simulator = await startSimulator();
		const run = await connect(simulator).runWorkflow({ workflow: defaultWorkflow('Text to Image - SDXL'), values: SDXL_VALUES, board: 'Lighthouses', timeoutMs: 30_000 });
		expect(run.board).toMatchObject({ board_name: 'Lighthouses', created: true });
		const [output] = await files(simulator, run);
		expect(simulator.images().find((image) => image.image_name === output.details.imageName)?.board_id).toBe(run.board?.board_id);
		// A second run finds the board it made.
		const again = await connect(simulator).runWorkflow({ workflow: defaultWorkflow('Text to Image - SDXL'), values: SDXL_VALUES, board: 'Lighthouses', timeoutMs: 30_000 });
		expect(again.board).toEqual({ ...run.board, created: false });
	});

	it("runs a workflow taken from the server's library", async () => {
		const simulator = await startSimulator();
		const invokeai = connect(simulator);
		const library = await invokeai.listWorkflows({ categories: ['default'], query: 'sdxl' });
		const record = library.items.find((item) => item.name === 'Text to Image - SDXL');
		expect(record?.workflow_id).toMatch(/^default_/);
		const { workflow, name } = await invokeai.getWorkflow(record?.workflow_id as string);
		expect(name).toBe('Text to Image - SDXL');
		const run = await invokeai.runWorkflow({ workflow, values: SDXL_VALUES, timeoutMs: 30_000 });
		expect((await files(simulator, run)).map((file) => file.same)).toEqual([true]);
	});

	it('lists the items newest first for a trigger, a page at a time', async () => {
		const simulator = await startSimulator();
		const invokeai = connect(simulator);
		const run = await invokeai.runWorkflow({ workflow: defaultWorkflow('Text to Image - SDXL'), values: SDXL_VALUES, runs: 3, timeoutMs: 30_000 });
		const adapter = invokeaiJobs(invokeai, { pageSize: 2, filter: { origin: 'genflows-test' } });
		const first = await adapter.listJobs!({});
		const second = await adapter.listJobs!({ page: first.next });
		expect([...first.jobs, ...second.jobs].map(({ listed }) => [listed.order, listed.phase])).toEqual([...run.itemIds].reverse().map((id) => [id, 'succeeded']));
		expect(second.next).toBeUndefined();
	});
});

describe('InvokeAI queue, image and board operations against the simulator', () => {
	it('queues a graph, cancels its batch, retries its items, and reads the queue and batch status', async () => {
		const simulator = await startSimulator({ paused: true });
		const invokeai = connect(simulator);
		const templates = await invokeai.openApi();
		const workflow = defaultWorkflow('Text to Image - SDXL');
		const { graph } = await buildGraphAndBatch(workflow, templates);
		const enqueued = await invokeai.enqueue({ graph, runs: 2, destination: 'ops-test' });
		expect(enqueued).toMatchObject({ itemIds: [1, 2], enqueued: 2, requested: 2 });
		expect(simulator.batches()[0]).toMatchObject({ batchId: enqueued.batchId, origin: 'genflows-test', destination: 'ops-test', prepend: false });
		await expect(invokeai.batchStatus(enqueued.batchId)).resolves.toMatchObject({ pending: 2, total: 2 });
		await expect(invokeai.cancelBatch([enqueued.batchId])).resolves.toBe(2);
		expect((await invokeai.queueStatus()).queue).toMatchObject({ canceled: 2, pending: 0 });
		const retried = await invokeai.retryItems([1]);
		expect(retried).toEqual([1]);
		expect(simulator.items().map((item) => [item.item_id, item.status])).toEqual([
			[1, 'canceled'],
			[2, 'canceled'],
			[3, 'pending'],
		]);
		await expect(invokeai.cancelItem(3)).resolves.toMatchObject({ item_id: 3, status: 'canceled' });
	});

	it('lists, reads and deletes the images of a board, and deletes the board', async () => {
		const simulator = await startSimulator();
		const invokeai = connect(simulator);
		const run = await invokeai.runWorkflow({ workflow: defaultWorkflow('Text to Image - SDXL'), values: SDXL_VALUES, runs: 2, board: 'Scratch', timeoutMs: 30_000 });
		const boardId = run.board?.board_id as string;
		const names = await invokeai.boardImageNames(boardId, { categories: ['general'], isIntermediate: false });
		expect(names).toHaveLength(2);
		const listed = await invokeai.listImages({ board: boardId, categories: ['general'], limit: 10 });
		expect(listed.items.map((image) => image.image_name).sort()).toEqual([...names].sort());
		await expect(invokeai.getImage(names[0])).resolves.toMatchObject({ image_name: names[0], board_id: boardId, is_intermediate: false });
		await expect(invokeai.deleteImage(names[0])).resolves.toEqual([names[0]]);
		expect(simulator.imageBytes(names[0])).toBeUndefined();
		expect((await invokeai.listBoards()).map((board) => board.board_name)).toContain('Scratch');
		await invokeai.deleteBoard(boardId);
		expect((await invokeai.listBoards()).map((board) => board.board_name)).not.toContain('Scratch');
		await expect(invokeai.listModels({ base: 'sdxl', type: 'main' })).resolves.toEqual([expect.objectContaining({ name: SDXL_MODEL })]);
	});
});
