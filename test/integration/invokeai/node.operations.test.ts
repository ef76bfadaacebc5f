// The InvokeAI node's other operations through its real class, against the simulator: the workflow
// library, the queue, images, boards and models.
import { bytesOf, failure, fileItem, runNode, runParameters } from './nodeSetup.ts';
import { closeSimulators, connect, defaultWorkflow, PICTURE, SDXL_MODEL, startSimulator } from './setup.ts';

afterEach(closeSimulators);

const SDXL_ID = 'default_5e8b008d-c697-45d0-8883-085a954c6ace';
const SDXL_VALUES = { Model: SDXL_MODEL, 'VAE (use the FP16 model)': 'FLUX.1-schnell_ae' };

describe('InvokeAI node: Workflow', () => {
	it('lists the library, searching and limiting, and gets one workflow ready to run as JSON', async () => {
		const simulator = await startSimulator();
		const all = await runNode(simulator, { resource: 'workflow', operation: 'getMany', returnAll: true, filters: {} });
		expect(all.output.map((item) => item.json.name)).toEqual(expect.arrayContaining(['Text to Image - SDXL', 'Image to Image - FLUX']));
		const limited = await runNode(simulator, { resource: 'workflow', operation: 'getMany', returnAll: false, limit: 2, filters: {} });
		expect(limited.output).toHaveLength(2);
		const searched = await runNode(simulator, { resource: 'workflow', operation: 'getMany', returnAll: true, filters: { query: 'SDXL' } });
		expect(searched.output.map((item) => item.json.workflow_id)).toEqual([SDXL_ID]);

		const got = await runNode(simulator, { resource: 'workflow', operation: 'get', workflowId: { mode: 'list', value: SDXL_ID } });
		expect(got.output[0].json).toMatchObject({ workflowId: SDXL_ID, name: 'Text to Image - SDXL' });
		// What Get returns runs as pasted JSON.
		const run = await runNode(simulator, runParameters({ workflowSource: 'json', workflowJson: JSON.stringify(got.output[0].json.workflow) }, SDXL_VALUES));
		expect(run.output[0].json.status).toBe('completed');
	});

	it('lists a workflow\'s inputs with their types and ids', async () => {
		const simulator = await startSimulator();
		const { output } = await runNode(simulator, { resource: 'workflow', operation: 'getInputs', workflowSource: 'library', workflowId: { mode: 'id', value: SDXL_ID } });
		expect(output.map((item) => [item.json.label, item.json.kind, item.json.required])).toEqual([
			['Positive Prompt', 'string', false],
			['Negative Prompt', 'string', false],
			['Model', 'model', true],
			['VAE (use the FP16 model)', 'model', true],
			['Board', 'board', false],
		]);
		expect(output[2].json.id).toBe('30d3289c-773c-4152-a9d2-bd8a99c8fd22.model');
	});
});

describe('InvokeAI node: Queue', () => {
	it('gets an item and the status, cancels an item and a batch, and retries the cancelled items', async () => {
		const simulator = await startSimulator({ paused: true });
		// Two waiting items, queued by the module itself, left alone when one fails.
		const controller = new AbortController();
		const background = connect(simulator)
			.runWorkflow({ workflow: defaultWorkflow('Text to Image - SDXL'), values: SDXL_VALUES, runs: 2, keepOthersOnFailure: true, timeoutMs: 30_000, signal: controller.signal })
			.then(
				() => 'finished',
				(error: Error) => error.message,
			);
		const deadline = Date.now() + 10_000;
		while (simulator.items().length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
		const [first, second] = simulator.items().map((item) => item.item_id as number).sort((a, b) => a - b);

		const got = await runNode(simulator, { resource: 'queue', operation: 'getItem', itemId: first });
		expect(got.output[0].json).toMatchObject({ item_id: first, status: 'pending' });
		expect(got.output[0].json.session).toBeUndefined();
		const status = await runNode(simulator, { resource: 'queue', operation: 'getStatus' });
		expect(status.output[0].json).toMatchObject({ queue: expect.objectContaining({ pending: 2 }) });

		const cancelled = await runNode(simulator, { resource: 'queue', operation: 'cancelItem', itemId: first });
		expect(cancelled.output[0].json).toMatchObject({ item_id: first, status: 'canceled' });
		const batchId = String(got.output[0].json.batch_id);
		const batch = await runNode(simulator, { resource: 'queue', operation: 'cancelBatch', batchIds: ` ${batchId} ` });
		expect(batch.output[0].json).toEqual({ batchIds: [batchId], canceled: 1 });
		expect(simulator.item(second)?.status).toBe('canceled');
		expect(await background).toMatch(/cancel/i);
		controller.abort();

		const retried = await runNode(simulator, { resource: 'queue', operation: 'retryItems', itemIds: `${first}, ${second}` });
		expect(retried.output[0].json.itemIds).toEqual([first, second]);
		expect(retried.output[0].json.retried).toEqual([first, second]);
		expect(simulator.items().filter((item) => item.status === 'pending').length).toBeGreaterThanOrEqual(2);

		const bad = await failure(runNode(simulator, { resource: 'queue', operation: 'retryItems', itemIds: '12, twelve' }));
		expect(bad.message).toContain('twelve');
		expect(bad.description).toContain('Check the parameter "Item IDs"');
		const badItem = await failure(runNode(simulator, { resource: 'queue', operation: 'getItem', itemId: 0 }));
		expect(badItem.description).toContain('Check the parameter "Item ID"');
	});
});

describe('InvokeAI node: Image and Board', () => {
	it('creates a board, uploads to it, lists, gets, downloads and deletes the image, and deletes the board', async () => {
		const simulator = await startSimulator();
		const board = await runNode(simulator, { resource: 'board', operation: 'create', boardName: 'Cats' });
		const boardId = String(board.output[0].json.board_id);
		expect(board.output[0].json.board_name).toBe('Cats');
		const boards = await runNode(simulator, { resource: 'board', operation: 'getMany', includeArchived: false });
		expect(boards.output.map((item) => item.json.board_name)).toContain('Cats');

		const uploaded = await runNode(simulator, { resource: 'image', operation: 'upload', inputBinaryField: 'photo', options: { boardId } }, { items: [fileItem('photo', PICTURE, 'cat.png', 'image/png')] });
		const imageName = String(uploaded.output[0].json.image_name);
		expect(uploaded.output[0].pairedItem).toEqual({ item: 0 });
		expect(Buffer.from(simulator.imageBytes(imageName) ?? []).equals(Buffer.from(PICTURE))).toBe(true);

		const names = await runNode(simulator, { resource: 'board', operation: 'getImageNames', boardId });
		expect(names.output[0].json).toEqual({ boardId, imageNames: [imageName] });
		const listed = await runNode(simulator, { resource: 'image', operation: 'getMany', returnAll: true, filters: { boardId, includeIntermediate: true } });
		expect(listed.output.map((item) => item.json.image_name)).toEqual([imageName]);
		const got = await runNode(simulator, { resource: 'image', operation: 'get', imageName });
		expect(got.output[0].json).toMatchObject({ image_name: imageName, width: 4, height: 3 });
		const downloaded = await runNode(simulator, { resource: 'image', operation: 'download', imageName, options: { binaryPropertyName: 'img' } });
		expect(bytesOf(downloaded.output[0], 'img').equals(Buffer.from(PICTURE))).toBe(true);

		const deleted = await runNode(simulator, { resource: 'image', operation: 'delete', imageName });
		expect(deleted.output[0].json.deleted).toEqual([imageName]);
		expect(simulator.imageBytes(imageName)).toBeUndefined();
		await runNode(simulator, { resource: 'board', operation: 'delete', boardId, includeImages: false });
		const after = await runNode(simulator, { resource: 'board', operation: 'getMany', includeArchived: true });
		expect(after.output.map((item) => item.json.board_id)).not.toContain(boardId);
	});

	it('refuses an upload that is no picture, naming the field', async () => {
		const simulator = await startSimulator();
		const error = await failure(
			runNode(simulator, { resource: 'image', operation: 'upload', inputBinaryField: 'data', options: {} }, { items: [fileItem('data', new TextEncoder().encode('hello'), 'a.txt', 'text/plain')] }),
		);
		expect(error.description).toContain('Check the parameter "Input Binary Field"');
		expect(simulator.images()).toHaveLength(0);
	});
});

describe('InvokeAI node: Model', () => {
	it('lists the installed models, by base and type', async () => {
		const simulator = await startSimulator();
		const all = await runNode(simulator, { resource: 'model', operation: 'getMany', filters: {} });
		expect(all.output.length).toBeGreaterThan(4);
		const fluxVaes = await runNode(simulator, { resource: 'model', operation: 'getMany', filters: { base: 'flux', type: 'vae' } });
		expect(fluxVaes.output.map((item) => item.json.name)).toEqual(['FLUX.1-schnell_ae']);
		const sdxlMain = await runNode(simulator, { resource: 'model', operation: 'getMany', filters: { base: 'sdxl', type: 'main' } });
		expect(sdxlMain.output.map((item) => item.json.name)).toContain(SDXL_MODEL);
		expect(sdxlMain.output.every((item) => item.json.base === 'sdxl' && item.json.type === 'main')).toBe(true);
	});
});
