// A whole workflow run against nock: templates, values resolved on the server, the graph the
// server would take, the batch queued after the socket joined, the wait (push, or polling), the
// outputs, and what a failure, a stop or a timeout does to the run's other items.
import nock from 'nock';

import { readAll } from '../../../nodes/shared/core/files.ts';
import type { RunWorkflowOptions } from '../../../nodes/shared/providers/invokeai/api.ts';
import { clearTemplateCache } from '../../../nodes/shared/providers/invokeai/templatesCache.ts';
import { DEFAULT_MODELS } from '../../simulators/invokeai/models.ts';
import type { TestEnv } from './fakes.ts';
import { BASE, client, fakeEventSockets, imageOutput, PNG, QUEUE, queueItem, sessionWith, sleepUntilWoken, statusEvent, testEnv } from './fakes.ts';
import { checkerFor, loadOpenApi, workflow } from './setup.ts';

beforeAll(() => nock.disableNetConnect());
beforeEach(() => clearTemplateCache());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

const L2I = '63e91020-83b2-4f35-b174-ad9692aabb48';
const MODEL_NODE = '30d3289c-773c-4152-a9d2-bd8a99c8fd22';
const JUGGERNAUT = '0b4c9d6e-2f9a-4e53-8c2d-5b2a0c1f7e11';
const VALUES = { Model: 'Juggernaut XL v9', 'VAE (use the FP16 model)': 'FLUX.1-schnell_ae', 'Positive Prompt': 'a lighthouse at dusk' };

type Batch = { batch_id: string; graph: { nodes: Record<string, Record<string, unknown>> }; data?: unknown; runs: number; workflow: { nodes: Array<{ id: string; data: { inputs: Record<string, { value?: unknown }> } }> } };

/** The server's version, its OpenAPI document (once) and its models. */
function server(options: { models?: boolean } = {}) {
	nock(BASE).get('/api/v1/app/version').reply(200, { version: '6.13.8' });
	nock(BASE).get('/openapi.json').reply(200, loadOpenApi('v6.13.8'));
	if (options.models !== false) nock(BASE).get('/api/v2/models/').reply(200, { models: DEFAULT_MODELS });
}

/** Takes the batch, answering with `itemIds` (newest first, as the server does); `then` runs once the answer is on its way. */
function enqueue(itemIds: number[], then?: () => void) {
	const sent: { batch?: Batch } = {};
	nock(BASE)
		.post(`${QUEUE}/enqueue_batch`, (body: { batch: Batch }) => ((sent.batch = body.batch), true))
		.reply(() => {
			if (then) setImmediate(then);
			return [200, { queue_id: 'default', enqueued: itemIds.length, requested: itemIds.length, batch: sent.batch, priority: 0, item_ids: [...itemIds].reverse() }];
		});
	return sent;
}

/** A completed item whose session made `name` at the workflow's l2i node, from the graph sent. */
function completed(itemId: number, batch: Batch, name = `item-${itemId}.png`) {
	return queueItem(itemId, 'completed', {
		batch_id: batch.batch_id,
		session: sessionWith({
			nodes: Object.fromEntries(Object.entries(batch.graph.nodes).map(([id, node]) => [id, { type: String(node.type), is_intermediate: node.is_intermediate as boolean }])),
			results: [
				{ prepared: `p-noise-${itemId}`, source: '55705012-79b9-4aac-9f26-c0b10309785b', output: { type: 'noise_output', noise: { latents_name: 'n' }, width: 128, height: 128 } },
				{ prepared: `p-l2i-${itemId}`, source: L2I, output: imageOutput(name) },
			],
		}),
	});
}

function run(env: TestEnv, options: Partial<RunWorkflowOptions> = {}) {
	return client(env).runWorkflow({ workflow: workflow('Text to Image - SDXL'), values: VALUES, timeoutMs: 600_000, ...options });
}

describe('InvokeAI workflow runs', () => {
	it('queues a graph the server takes once the socket joined, follows the item by push, and hands on the output node\'s image', async () => {
		const sockets = fakeEventSockets();
		const env = testEnv(sockets.open);
		// A nap ends only when the socket wakes it: the item's end is heard, not polled for.
		sleepUntilWoken(env);
		server();
		const order: string[] = [];
		const sent = enqueue([1], () => sockets.sockets[0].send('queue_item_status_changed', statusEvent(1, 'completed')));
		nock(BASE)
			.get(`${QUEUE}/i/1`)
			.reply(() => (order.push('read'), [200, completed(1, sent.batch as Batch)]));
		nock(BASE).get('/api/v1/images/i/item-1.png/full').reply(200, Buffer.from(PNG), { 'content-type': 'image/png' });
		const submitted: number[][] = [];
		const result = await run(env, { onSubmitted: (enqueued) => submitted.push(enqueued.itemIds) });

		const batch = sent.batch as Batch;
		expect(checkerFor('v6.13.8').check(batch.graph, batch.data).problems).toEqual([]);
		expect(batch.graph.nodes[MODEL_NODE].model).toMatchObject({ key: JUGGERNAUT, name: 'Juggernaut XL v9', base: 'sdxl', type: 'main' });
		expect(batch.workflow.nodes.find((node) => node.id === 'ade2c0d3-0384-4157-b39b-29ce429cfa15')?.data.inputs.value.value).toBe('a lighthouse at dusk');
		expect(sockets.sockets[0].emitted[0].event).toBe('subscribe_queue');
		expect(submitted).toEqual([[1]]);
		expect(order).toEqual(['read']);
		expect(result).toMatchObject({ batchId: batch.batch_id, itemIds: [1], enqueued: 1, requested: 1, warnings: [], createdBoards: [], uploadedImages: [] });
		const files = [];
		for await (const file of result.items[0].files) files.push({ name: file.fileName, details: file.details, bytes: (await readAll(file)).length });
		expect(files).toEqual([
			{
				name: 'item-1.png',
				details: { itemId: 1, nodeId: L2I, nodeLabel: 'Latents to Image - SD1.5, SDXL', imageName: 'item-1.png', width: 1024, height: 1024 },
				bytes: PNG.length,
			},
		]);
		expect(sockets.sockets[0].disconnected).toBe(true);
	});

	it('fetches the OpenAPI document once for two runs', async () => {
		const env = testEnv();
		server();
		nock(BASE).get('/api/v2/models/').reply(200, { models: DEFAULT_MODELS });
		for (const itemId of [1, 2]) {
			const sent = enqueue([itemId]);
			nock(BASE)
				.get(`${QUEUE}/i/${itemId}`)
				.reply(() => [200, completed(itemId, sent.batch as Batch)]);
		}
		const invokeai = client(env);
		const options = { workflow: workflow('Text to Image - SDXL'), values: VALUES, timeoutMs: 600_000 };
		// Only one answer for /openapi.json is there: a second request would fail the run.
		await expect(invokeai.runWorkflow(options)).resolves.toMatchObject({ itemIds: [1] });
		await expect(invokeai.runWorkflow(options)).resolves.toMatchObject({ itemIds: [2] });
		expect(nock.pendingMocks()).toEqual([]);
	});

	it('refuses a run that leaves a required input empty before anything is uploaded or queued', async () => {
		server({ models: false });
		await expect(run(testEnv(), { values: { Model: 'Juggernaut XL v9' } })).rejects.toMatchObject({
			kind: 'input',
			parameter: 'inputs',
			message:
				'The workflow leaves a required input empty: "VAE (use the FP16 model)" of node "VAE Model - SD1.5, SD2, SDXL, SD3, FLUX" (0093692f-9cf4-454d-a5b8-62f0e3eb3bb8.vae_model).',
		});
	});

	it('sends the images of "auto" board inputs to a board named for the run, creating it', async () => {
		server();
		nock(BASE).get('/api/v1/boards/').query({ all: 'true', include_archived: 'true' }).times(2).reply(200, []);
		nock(BASE).post('/api/v1/boards/').query({ board_name: 'Lighthouses' }).reply(201, { board_id: 'b-9', board_name: 'Lighthouses', archived: false, image_count: 0 });
		const sent = enqueue([1]);
		nock(BASE)
			.get(`${QUEUE}/i/1`)
			.reply(() => [200, completed(1, sent.batch as Batch)]);
		const result = await run(testEnv(), { board: 'Lighthouses' });
		expect(sent.batch?.graph.nodes[L2I].board).toEqual({ board_id: 'b-9' });
		expect(result.board).toEqual({ board_id: 'b-9', board_name: 'Lighthouses', created: true });
		expect(result.createdBoards).toEqual([{ board_id: 'b-9', board_name: 'Lighthouses' }]);
	});

	describe('with several items', () => {
		function threeItems(second: Record<string, unknown>) {
			server();
			const sent = enqueue([1, 2, 3]);
			nock(BASE)
				.get(`${QUEUE}/i/1`)
				.reply(() => [200, completed(1, sent.batch as Batch)]);
			nock(BASE).get(`${QUEUE}/i/2`).reply(200, queueItem(2, 'failed', second));
		}

		it("fails the run naming the item that failed, and cancels the others", async () => {
			threeItems({ error_type: 'OutOfMemoryError', error_message: 'CUDA out of memory' });
			const cancel = nock(BASE).put(`${QUEUE}/i/3/cancel`).reply(200, queueItem(3, 'canceled'));
			await expect(run(testEnv(), { runs: 3 })).rejects.toMatchObject({
				kind: 'job-failed',
				jobId: '2',
				message:
					"InvokeAI queue item 2 failed: OutOfMemoryError: CUDA out of memory Finished before this: queue item 1, whose results stay on the server. Cancelled the run's other queue item 3.",
			});
			expect(cancel.isDone()).toBe(true);
		});

		it('leaves the others running when asked to', async () => {
			threeItems({ error_type: 'OutOfMemoryError', error_message: 'CUDA out of memory' });
			const cancel = nock(BASE).put(`${QUEUE}/i/3/cancel`).reply(200, queueItem(3, 'canceled'));
			const error = (await run(testEnv(), { runs: 3, keepOthersOnFailure: true }).catch((caught: unknown) => caught)) as Error;
			expect(error.message).toContain("Left the run's other queue item 3 running, as asked; their results stay on the server.");
			expect(cancel.isDone()).toBe(false);
		});

		it('cancels the item waited for and the rest when the caller stops, and says it did', async () => {
			server();
			enqueue([1, 2]);
			nock(BASE).get(`${QUEUE}/i/1`).reply(200, queueItem(1, 'in_progress'));
			const cancels = [1, 2].map((itemId) => nock(BASE).put(`${QUEUE}/i/${itemId}/cancel`).reply(200, queueItem(itemId, 'canceled')));
			const stop = new AbortController();
			await expect(run(testEnv(), { runs: 2, signal: stop.signal, onProgress: () => stop.abort() })).rejects.toMatchObject({
				kind: 'job-aborted',
				message: "Stopped waiting for InvokeAI queue item 1. InvokeAI queue item 1 was cancelled on the server. Cancelled the run's other queue item 2.",
			});
			expect(cancels.map((scope) => scope.isDone())).toEqual([true, true]);
		});

		it('says when the cancel after a timeout failed', async () => {
			server();
			enqueue([1]);
			nock(BASE).get(`${QUEUE}/i/1`).times(50).reply(200, queueItem(1, 'pending'));
			nock(BASE).put(`${QUEUE}/i/1/cancel`).reply(500, { detail: 'database is locked' });
			const error = (await run(testEnv(), { timeoutMs: 20_000 }).catch((caught: unknown) => caught)) as Error;
			expect(error).toMatchObject({ kind: 'job-timeout' });
			expect(error.message).toBe(
				'InvokeAI queue item 1 did not finish within the 20 s timeout (last seen: queued). Cancelling InvokeAI queue item 1 on the server failed (InvokeAI answered 500 to PUT /api/v1/queue/default/i/1/cancel: database is locked); it may still be running, cancel it by hand.',
			);
		});
	});
});
