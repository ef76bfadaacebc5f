// InvokeAI Trigger through its real class against the simulator: the first poll only marks where
// the queue is; later polls fire once per queue item that completed since (failed and cancelled
// ones only when asked), only of an origin or destination when asked, with the output images when
// asked; manual mode gives the newest finished item as a sample without moving the cursor.
import type { IDataObject } from 'n8n-workflow';

import { bytesOf, pollTrigger, runNode, runParameters } from './nodeSetup.ts';
import { closeSimulators, connect, defaultWorkflow, SDXL_MODEL, startSimulator } from './setup.ts';
import type { InvokeAiSimulator } from '../../simulators/invokeai/index.ts';

afterEach(closeSimulators);

const SDXL_ID = 'default_5e8b008d-c697-45d0-8883-085a954c6ace';
const SDXL_VALUES = { Model: SDXL_MODEL, 'VAE (use the FP16 model)': 'FLUX.1-schnell_ae' };

/** One item queued by the module (origin genflows-test); its id. `prompt` with FAIL fails it. */
async function moduleRun(simulator: InvokeAiSimulator, prompt = 'a quiet harbour'): Promise<number> {
	const run = await connect(simulator)
		.runWorkflow({ workflow: defaultWorkflow('Text to Image - SDXL'), values: { ...SDXL_VALUES, 'Positive Prompt': prompt }, timeoutMs: 30_000 })
		.catch(() => undefined);
	if (run) return run.itemIds[0];
	return Math.max(...simulator.items().map((item) => item.item_id as number));
}

/** One item queued by the InvokeAI node (origin n8n); its id. */
async function nodeRun(simulator: InvokeAiSimulator): Promise<number> {
	const { output } = await runNode(simulator, runParameters({ workflowSource: 'library', workflowId: { mode: 'id', value: SDXL_ID } }, SDXL_VALUES));
	return Number(output[0].json.item_id);
}

describe('InvokeAI Trigger', () => {
	it('fires once per completed item since the first poll, with its images when asked, and not again', async () => {
		const simulator = await startSimulator();
		const before = await moduleRun(simulator);
		const staticData: IDataObject = {};
		expect((await pollTrigger(simulator, staticData, {})).fired).toBeNull();

		const a = await moduleRun(simulator);
		const b = await nodeRun(simulator);
		const failed = await moduleRun(simulator, 'FAIL now');
		expect(simulator.item(failed)?.status).toBe('failed');

		const { fired } = await pollTrigger(simulator, staticData, { options: { downloadResults: true, binaryPropertyName: 'image' } });
		expect(fired!.map((item) => item.json.item_id).sort()).toEqual([a, b].sort());
		expect(JSON.stringify(fired)).not.toContain(`"item_id":${before},`);
		for (const item of fired!) {
			const file = item.json.file as Record<string, unknown>;
			expect(item.json).toMatchObject({ status: 'succeeded', queueStatus: 'completed' });
			// Without the server's templates the node is named by its type.
			expect(file).toMatchObject({ itemId: item.json.item_id, nodeId: '63e91020-83b2-4f35-b174-ad9692aabb48', nodeLabel: 'l2i', width: 1024, height: 1024 });
			expect(bytesOf(item, 'image').equals(Buffer.from(simulator.imageBytes(String(file.imageName)) ?? []))).toBe(true);
		}

		expect((await pollTrigger(simulator, staticData, {})).fired).toBeNull();
		// The state survives being stored and read back as n8n does.
		expect((await pollTrigger(simulator, JSON.parse(JSON.stringify(staticData)) as IDataObject, {})).fired).toBeNull();
	});

	it('fires for failed items too when asked, and only for items of the origin asked for', async () => {
		const simulator = await startSimulator();
		const all: IDataObject = {};
		const fromN8n: IDataObject = {};
		await pollTrigger(simulator, all, { includeFailures: true });
		await pollTrigger(simulator, fromN8n, { options: { origin: 'n8n' } });

		const failed = await moduleRun(simulator, 'FAIL again');
		const ours = await nodeRun(simulator);

		const { fired } = await pollTrigger(simulator, all, { includeFailures: true });
		expect(fired!.map((item) => [item.json.item_id, item.json.status, item.json.queueStatus]).sort()).toEqual(
			[
				[failed, 'failed', 'failed'],
				[ours, 'succeeded', 'completed'],
			].sort(),
		);
		expect(fired!.every((item) => item.binary === undefined)).toBe(true);

		const filtered = await pollTrigger(simulator, fromN8n, { options: { origin: 'n8n' } });
		expect(filtered.fired!.map((item) => item.json.item_id)).toEqual([ours]);
		const elsewhere = await pollTrigger(simulator, {}, { options: { destination: 'canvas' } }, 'manual');
		expect(elsewhere.fired).toBeNull();
	});

	it('gives the newest finished item as a sample in manual mode, without moving the cursor', async () => {
		const simulator = await startSimulator();
		const staticData: IDataObject = {};
		await pollTrigger(simulator, staticData, {});
		await moduleRun(simulator);
		const newest = await moduleRun(simulator);
		const saved = JSON.stringify(staticData);

		const { fired } = await pollTrigger(simulator, staticData, {}, 'manual');
		expect(fired!.map((item) => item.json.item_id)).toEqual([newest]);
		expect(JSON.stringify(staticData)).toBe(saved);
		// The trigger still fires for both afterwards.
		expect((await pollTrigger(simulator, staticData, {})).fired).toHaveLength(2);
	});
});
