import type { IDataObject } from 'n8n-workflow';

import { VisionatrixTrigger } from '../../../nodes/VisionatrixTrigger/VisionatrixTrigger.node.ts';
import { pollContext } from '../../helpers/n8nContext.ts';
import type { VisionatrixSimulator } from '../../simulators/visionatrix/index.ts';
import { startVisionatrixSimulator } from '../../simulators/visionatrix/index.ts';
import { credentialsFor, flow, mapped, runNode } from './setup.ts';

const trigger = new VisionatrixTrigger();

describe('Visionatrix Trigger, against the simulator', () => {
	let simulator: VisionatrixSimulator;

	beforeEach(async () => {
		simulator = await startVisionatrixSimulator({ taskDurationMs: 200 });
	});
	afterEach(() => simulator.close());

	function poll(staticData: IDataObject, parameters: Record<string, unknown> = {}, mode: 'trigger' | 'manual' = 'trigger') {
		const { context } = pollContext({ credentials: credentialsFor(simulator), parameters: { flowName: '', includeFailures: false, options: {}, ...parameters }, staticData, mode });
		return trigger.poll.call(context);
	}

	async function finishedTask(prompt: string, flowName = 'sdxl_lighting'): Promise<number> {
		const inputs = flowName === 'sdxl_lighting' ? { prompt } : { input_image: '{"task_id": 1, "node_id": 9}' };
		const { output } = await runNode(simulator, { resource: 'task', operation: 'create', flow: flow(flowName), flowInputs: mapped(inputs) });
		const taskId = output[0].json.task_id as number;
		await simulator.waitFor(taskId, (task) => task.progress === 100 || task.error !== '');
		return taskId;
	}

	it('fires once per finished task, never for what finished before it was activated', async () => {
		const staticData: IDataObject = {};
		const before = await finishedTask('before');
		expect(await poll(staticData)).toBeNull();

		const a = await finishedTask('a');
		const b = await finishedTask('b');
		const fired = await poll(staticData);
		expect(fired![0].map((item) => item.json.task_id)).toEqual([a, b]);
		expect(fired![0][0].json).toMatchObject({ status: 'succeeded', progress: 100, name: 'sdxl_lighting' });
		expect(fired![0].map((item) => item.json.task_id)).not.toContain(before);

		expect(await poll(staticData)).toBeNull();
		const c = await finishedTask('c');
		expect((await poll(staticData))![0].map((item) => item.json.task_id)).toEqual([c]);
		// The cursor survives as plain JSON, as n8n stores it between polls and restarts.
		const restored = JSON.parse(JSON.stringify(staticData));
		expect(await poll(restored)).toBeNull();
	});

	it('fires for failed tasks only when asked', async () => {
		const quiet: IDataObject = {};
		const loud: IDataObject = {};
		await poll(quiet);
		await poll(loud, { includeFailures: true });
		const failed = await finishedTask('FAIL');
		expect(await poll(quiet)).toBeNull();
		const fired = await poll(loud, { includeFailures: true });
		expect(fired![0][0].json).toMatchObject({ task_id: failed, status: 'failed', error: 'Allocation on device ' });
	});

	it('filters by flow and attaches the result files when asked', async () => {
		const staticData: IDataObject = {};
		const parameters = { flowName: 'remove_background_birefnet', options: { downloadResults: true, binaryPropertyName: 'image' } };
		await poll(staticData, parameters);
		await finishedTask('other flow');
		const cutout = await finishedTask('', 'remove_background_birefnet');
		const fired = await poll(staticData, parameters);
		expect(fired![0]).toHaveLength(1);
		const item = fired![0][0];
		expect(item.json.task_id).toBe(cutout);
		expect(Buffer.from(item.binary!.image.data, 'base64').equals(Buffer.from(simulator.resultBytes(cutout, 13, 0)))).toBe(true);
		expect(item.binary!.image.mimeType).toBe('image/png');
	});

	it('in a manual test returns the newest finished task without moving the cursor', async () => {
		const staticData: IDataObject = {};
		await poll(staticData);
		const a = await finishedTask('a');
		const b = await finishedTask('b');
		const sample = await poll(staticData, {}, 'manual');
		expect(sample![0].map((item) => item.json.task_id)).toEqual([b]);
		const fired = await poll(staticData);
		expect(fired![0].map((item) => item.json.task_id)).toEqual([a, b]);
	});

	it('keeps the tasks for the next poll when a download fails', async () => {
		const staticData: IDataObject = {};
		const parameters = { options: { downloadResults: true } };
		await poll(staticData, parameters);
		const a = await finishedTask('a');
		// Twice: one 500 to a read is tried again.
		simulator.faults.add({ method: 'GET', pathPrefix: '/vapi/tasks/results', fault: { kind: 'status', status: 500 }, times: 2 });
		await expect(poll(staticData, parameters)).rejects.toThrow(/answered 500 to GET \/vapi\/tasks\/results/);
		const fired = await poll(staticData, parameters);
		expect(fired![0].map((item) => item.json.task_id)).toEqual([a]);
	});

	it('gives one item per result file, each with the task and `file`, like Run Flow and Wait', async () => {
		await simulator.close();
		simulator = await startVisionatrixSimulator({ taskDurationMs: 200, outputs: { sdxl_lighting: [{ nodeId: 9, type: 'image', batchSize: 2 }] } });
		const staticData: IDataObject = {};
		await poll(staticData);
		const taskId = await finishedTask('two pictures');
		const [items] = (await poll(staticData, { options: { downloadResults: true } }))!;
		expect(items.map((item) => [item.json.task_id, (item.json.file as IDataObject).batchIndex, item.binary!.data.fileName])).toEqual([
			[taskId, 0, `${taskId}_9_00001.png`],
			[taskId, 1, `${taskId}_9_00002.png`],
		]);
		expect(Buffer.from(items[1].binary!.data.data, 'base64').equals(Buffer.from(simulator.resultBytes(taskId, 9, 1)))).toBe(true);
	});

	it('carries on from a cursor saved by the previous version, firing nothing twice', async () => {
		const old = await finishedTask('seen by the old version');
		// What version 0.1.0 kept in static data: numeric watermark and ids.
		const staticData: IDataObject = { cursor: { watermark: old, handled: [], skippedFailures: [] } };
		expect(await poll(staticData)).toBeNull();
		const next = await finishedTask('new');
		expect((await poll(staticData))![0].map((item) => item.json.task_id)).toEqual([next]);
	});
});
