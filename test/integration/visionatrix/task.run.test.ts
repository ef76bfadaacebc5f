import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { VisionatrixSimulator } from '../../simulators/visionatrix/index.ts';
import { startVisionatrixSimulator } from '../../simulators/visionatrix/index.ts';
import { bytesOf, flow, mapped, runNode } from './setup.ts';

describe('Visionatrix Task: Run Flow and Wait, against the simulator', () => {
	let simulator: VisionatrixSimulator;

	beforeAll(async () => {
		simulator = await startVisionatrixSimulator({
			taskDurationMs: 400,
			outputs: {
				sdxl_lighting: [{ nodeId: 9, type: 'image', batchSize: 2 }],
				remove_background_birefnet: [{ nodeId: 13, type: 'image-animated' }],
			},
		});
	});
	afterAll(() => simulator.close());
	afterEach(() => simulator.faults.clear());

	it('submits, waits and returns one item per file with the bytes, name and type the server gave', async () => {
		const { output } = await runNode(simulator, {
			resource: 'task',
			operation: 'runAndWait',
			flow: flow('sdxl_lighting'),
			flowInputs: mapped({ prompt: 'a red fox', steps_number: '4 steps', negative_prompt: null }),
			options: { seed: 77 },
		});
		expect(output).toHaveLength(2);
		const taskId = output[0].json.task_id as number;
		const task = simulator.task(taskId)!;
		expect(task.inputs).toMatchObject({ prompt: 'a red fox', steps_number: '4 steps', seed: 77 });
		for (const [batchIndex, item] of output.entries()) {
			expect(item.pairedItem).toEqual({ item: 0 });
			expect(item.json).toMatchObject({ task_id: taskId, progress: 100, error: '', name: 'sdxl_lighting' });
			expect(item.json.flow_comfy).toBeUndefined();
			expect(item.json.file).toMatchObject({ nodeId: 9, batchIndex, outputType: 'image', mimeType: 'image/png' });
			expect(item.binary!.data.fileName).toBe(`${taskId}_9_0000${batchIndex + 1}.png`);
			expect(item.binary!.data.mimeType).toBe('image/png');
			expect(bytesOf(item).equals(Buffer.from(simulator.resultBytes(taskId, 9, batchIndex)))).toBe(true);
		}
	});

	it('takes a file input from a binary field of the item, and types a webp result by its name', async () => {
		const png = Buffer.from(simulator.resultBytes(1, 9, 0));
		const { output } = await runNode(
			simulator,
			{
				resource: 'task',
				operation: 'runAndWait',
				flow: flow('remove_background_birefnet'),
				flowInputs: mapped({ input_image: 'photo' }),
				options: { binaryPropertyName: 'cutout' },
			},
			{ items: [{ json: {}, binary: { photo: { data: png.toString('base64'), mimeType: 'image/png', fileName: 'cat.png' } } }] },
		);
		expect(output).toHaveLength(1);
		const taskId = output[0].json.task_id as number;
		expect(output[0].json.input_files).toEqual([{ file_name: `${taskId}_input_image.png`, file_size: png.length }]);
		// The simulated host has no /etc/mime.types, so it serves .webp as text/plain.
		expect(output[0].binary!.cutout.mimeType).toBe('image/webp');
		expect(bytesOf(output[0], 'cutout').equals(Buffer.from(simulator.resultBytes(taskId, 13, 0)))).toBe(true);
	});

	it('creates count tasks and pairs every output with its input item', async () => {
		const { output } = await runNode(
			simulator,
			{
				resource: 'task',
				operation: 'runAndWait',
				flow: flow('sdxl_lighting'),
				flowInputs: { mappingMode: 'defineBelow', value: (i: number) => ({ prompt: `prompt ${i}` }) },
				options: { count: 2, seed: 10 },
			},
			{ items: [{ json: {} }, { json: {} }] },
		);
		// 2 items × 2 tasks × 2 files.
		expect(output).toHaveLength(8);
		expect(output.map((item) => (item.pairedItem as { item: number }).item)).toEqual([0, 0, 0, 0, 1, 1, 1, 1]);
		const seeds = output.filter((_, index) => index % 2 === 0).map((item) => (item.json.input_params as { seed: number }).seed);
		expect(seeds).toEqual([10, 11, 10, 11]);
	});

	it('fails the item with the server error of a failed task, or carries it with Continue On Fail', async () => {
		const parameters = {
			resource: 'task',
			operation: 'runAndWait',
			flow: flow('sdxl_lighting'),
			flowInputs: mapped({ prompt: 'please FAIL now' }),
		};
		const error = await runNode(simulator, parameters).catch((caught) => caught);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toMatch(/^Visionatrix task \d+ failed: Allocation on device $/);

		const { output } = await runNode(simulator, parameters, { continueOnFail: true, items: [{ json: {} }] });
		expect(output).toEqual([{ json: { error: expect.stringMatching(/failed: Allocation on device/) }, pairedItem: { item: 0 } }]);
	});

	it('deletes the task on the server when the execution is stopped', async () => {
		const slow = await startVisionatrixSimulator({ taskDurationMs: 30_000 });
		try {
			const controller = new AbortController();
			const running = runNode(
				slow,
				{ resource: 'task', operation: 'runAndWait', flow: flow('sdxl_lighting'), flowInputs: mapped({ prompt: 'slow' }) },
				{ signal: controller.signal },
			).catch((caught) => caught);
			await slow.waitFor(1, (task) => task.progress > 0, 5_000);
			controller.abort();
			const error = await running;
			expect(error.message).toBe('Stopped waiting for Visionatrix task 1. Visionatrix task 1 was cancelled on the server.');
			expect(slow.task(1)).toBeUndefined();
		} finally {
			await slow.close();
		}
	});

	it('deletes the task even when the execution is stopped while the create request is in flight', async () => {
		simulator.faults.add({ method: 'PUT', pathPrefix: '/vapi/tasks/create/', fault: { kind: 'slow', delayMs: 600 } });
		const before = simulator.createdCount();
		const controller = new AbortController();
		const running = runNode(
			simulator,
			{ resource: 'task', operation: 'runAndWait', flow: flow('sdxl_lighting'), flowInputs: mapped({ prompt: 'stop me' }) },
			{ signal: controller.signal },
		).catch((caught) => caught);
		await new Promise((resolve) => setTimeout(resolve, 200));
		controller.abort();
		const error = await running;
		expect(error.message).toMatch(/^Stopped waiting for Visionatrix task (\d+)\. Visionatrix task \d+ was cancelled on the server\.$/);
		expect(simulator.createdCount()).toBe(before + 1);
		const taskId = Number(/task (\d+)/.exec(error.message)![1]);
		expect(simulator.task(taskId)).toBeUndefined();
	});

	it('deletes the task on the server when the timeout runs out', async () => {
		const slow = await startVisionatrixSimulator({ taskDurationMs: 30_000 });
		try {
			const error = await runNode(slow, {
				resource: 'task',
				operation: 'runAndWait',
				flow: flow('sdxl_lighting'),
				flowInputs: mapped({ prompt: 'slow' }),
				options: { timeout: 1 },
			}).catch((caught) => caught);
			expect(error).toBeInstanceOf(NodeOperationError);
			expect(error.message).toMatch(/^Visionatrix task 1 did not finish within the 1 s timeout \(last seen: .*\)\. Visionatrix task 1 was cancelled on the server\.$/);
			expect(error.description).toContain('Raise the timeout');
			expect(slow.task(1)).toBeUndefined();
		} finally {
			await slow.close();
		}
	});

	describe('under faults', () => {
		const run = () =>
			runNode(simulator, { resource: 'task', operation: 'runAndWait', flow: flow('sdxl_lighting'), flowInputs: mapped({ prompt: 'fault' }) });

		it('rides out gateway errors and rate limits on reads', async () => {
			simulator.faults.add({ method: 'GET', pathPrefix: '/vapi/tasks/progress/', times: 2, fault: { kind: 'status', status: 503 } });
			simulator.faults.add({ method: 'GET', pathPrefix: '/vapi/tasks/results', fault: { kind: 'rate-limit', retryAfterSeconds: 1 } });
			simulator.faults.add({ method: 'GET', pathPrefix: '/vapi/flows/installed', fault: { kind: 'drop-before' } });
			const { output } = await run();
			expect(output).toHaveLength(2);
			expect(output[0].json.progress).toBe(100);
		});

		it('never submits twice when the create answer is lost: it finds the task and waits for it', async () => {
			const before = simulator.createdCount();
			simulator.faults.add({ method: 'PUT', pathPrefix: '/vapi/tasks/create/', fault: { kind: 'drop-after' } });
			const { output } = await run();
			expect(output).toHaveLength(2);
			expect(simulator.createdCount()).toBe(before + 1);
		});

		it('submits once more when the server refused with 429 before doing anything', async () => {
			const before = simulator.createdCount();
			simulator.faults.add({ method: 'PUT', pathPrefix: '/vapi/tasks/create/', fault: { kind: 'rate-limit', retryAfterSeconds: 1 } });
			const { output } = await run();
			expect(output).toHaveLength(2);
			expect(simulator.createdCount()).toBe(before + 1);
		});

		it('does not retry a create that got a 502, since the task may exist, and says so when none is found', async () => {
			const before = simulator.createdCount();
			simulator.faults.add({ method: 'PUT', pathPrefix: '/vapi/tasks/create/', fault: { kind: 'status', status: 502 } });
			const error = await run().catch((caught) => caught);
			expect(error).toBeInstanceOf(NodeOperationError);
			expect(error.message).toMatch(/^The answer to creating a Visionatrix task of flow "sdxl_lighting" was lost \(Visionatrix answered 502 to PUT \/vapi\/tasks\/create\/sdxl_lighting: 502 Bad Gateway\) after the request may have reached the server/);
			expect(simulator.createdCount()).toBe(before);
		});

		it('names the field when the server sends malformed JSON, and deletes the task it can no longer follow', async () => {
			simulator.faults.add({ method: 'GET', pathPrefix: '/vapi/tasks/progress/', fault: { kind: 'malformed-json' } });
			const error = await run().catch((caught) => caught);
			expect(error).toBeInstanceOf(NodeApiError);
			expect(error.message).toMatch(/^Lost contact while waiting for Visionatrix task (\d+): Visionatrix GET \/vapi\/tasks\/progress\/\d+ answered with a body that is not JSON/);
			const taskId = Number(/task (\d+)/.exec(error.message)![1]);
			expect(error.message).toContain(`Visionatrix task ${taskId} was cancelled on the server.`);
			expect(simulator.task(taskId)).toBeUndefined();
		});

		it('answers slowly but surely', async () => {
			simulator.faults.add({ method: 'GET', pathPrefix: '/vapi/tasks/progress/', fault: { kind: 'slow', delayMs: 300 } });
			const { output } = await run();
			expect(output).toHaveLength(2);
		});
	});
});
