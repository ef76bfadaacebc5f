// Flowscale Trigger through the real node class against the simulator: once per finished run, a
// burst larger than a page, failed runs only when asked, one group, files attached, manual samples.
import type { IDataObject } from 'n8n-workflow';

import type { FlowscaleSimulator } from '../../simulators/flowscale/index.ts';
import { DEFAULT_FAILURE_TEXT } from '../../simulators/flowscale/index.ts';
import { closeSimulators, startSimulator, TEXT_WORKFLOW } from './setup.ts';
import { bytesOf, inputs, pollTrigger, runNode, workflow } from './nodeSetup.ts';

afterEach(closeSimulators);

async function startRuns(simulator: FlowscaleSimulator, prompts: string[], groupId = ''): Promise<string[]> {
	const ids: string[] = [];
	for (const prompt of prompts) {
		const { output } = await runNode(simulator, { resource: 'run', operation: 'start', workflowId: workflow(TEXT_WORKFLOW), groupId, inputs: inputs({ text_51536: prompt }) });
		ids.push(output[0].json.run_id as string);
	}
	return ids;
}

async function finishedRuns(simulator: FlowscaleSimulator, prompts: string[], groupId = ''): Promise<string[]> {
	const ids = await startRuns(simulator, prompts, groupId);
	for (const id of ids) await simulator.waitFor(id, (run) => run.finishedAt !== null, 20_000);
	return ids;
}

const idsOf = (fired: Awaited<ReturnType<typeof pollTrigger>>) => (fired?.[0] ?? []).map((item) => item.json.run_id);

describe('Flowscale Trigger, against the simulator', () => {
	it('fires once per completed run, never for what finished before it was activated, and keeps its cursor as JSON', async () => {
		const simulator = await startSimulator({ runMs: 30 });
		const staticData: IDataObject = {};
		await finishedRuns(simulator, ['before']);
		expect(await pollTrigger(simulator, staticData)).toBeNull();

		const [a, b] = await finishedRuns(simulator, ['a', 'b']);
		const fired = await pollTrigger(simulator, staticData);
		expect(idsOf(fired)).toEqual([a, b]);
		expect(fired![0][0].json).toMatchObject({ run_id: a, status: 'succeeded', workflow_id: TEXT_WORKFLOW });
		expect(await pollTrigger(simulator, staticData)).toBeNull();

		const [c] = await finishedRuns(simulator, ['c']);
		expect(idsOf(await pollTrigger(simulator, JSON.parse(JSON.stringify(staticData))))).toEqual([c]);
	});

	it('reads a burst of runs larger than one page, each once', async () => {
		const simulator = await startSimulator({ runMs: 5, queueMs: 1, containers: 8 });
		const staticData: IDataObject = {};
		expect(await pollTrigger(simulator, staticData)).toBeNull();
		const burst = await finishedRuns(simulator, Array.from({ length: 105 }, (_, index) => `burst ${index}`));
		const fired = await pollTrigger(simulator, staticData);
		expect(idsOf(fired)).toEqual(burst);
		expect(simulator.requests.filter((request) => request.path === '/api/v1/runs' && request.method === 'GET').map((request) => request.query.page)).toContain('2');
		expect(await pollTrigger(simulator, staticData)).toBeNull();
	}, 30_000);

	it('fires for failed runs only when asked', async () => {
		const simulator = await startSimulator({ runMs: 30 });
		const quiet: IDataObject = {};
		const loud: IDataObject = {};
		await pollTrigger(simulator, quiet);
		await pollTrigger(simulator, loud, { includeFailures: true });
		const [failed] = await finishedRuns(simulator, ['please FAIL']);
		expect(await pollTrigger(simulator, quiet)).toBeNull();
		const fired = await pollTrigger(simulator, loud, { includeFailures: true });
		expect(fired![0]).toHaveLength(1);
		expect(fired![0][0].json).toMatchObject({ run_id: failed, status: 'failed' });
		expect(JSON.stringify(fired![0][0].json)).toContain(DEFAULT_FAILURE_TEXT);
	});

	it('watches one group, with the output files attached when asked', async () => {
		const simulator = await startSimulator({ runMs: 30 });
		const staticData: IDataObject = {};
		const options = { groupId: 'pets', downloadResults: true, binaryPropertyName: 'picture' };
		await pollTrigger(simulator, staticData, { options });
		const [mine] = await finishedRuns(simulator, ['mine'], 'pets');
		await finishedRuns(simulator, ['theirs'], 'other');
		const fired = await pollTrigger(simulator, staticData, { options });
		const outputs = simulator.run(mine)!.outputs;
		expect(fired![0]).toHaveLength(outputs.length);
		fired![0].forEach((item, index) => {
			expect(item.json).toMatchObject({ run_id: mine, group_id: 'pets', file: { fileName: outputs[index].fileName, outputName: outputs[index].name } });
			expect(bytesOf(item, 'picture').equals(Buffer.from(simulator.outputBytes(mine, outputs[index].name)))).toBe(true);
		});
		expect(simulator.requests.filter((request) => request.path === '/api/v1/runs' && request.method === 'GET').every((request) => request.query.group_id === 'pets')).toBe(true);
		for (const request of simulator.storage.requests) expect(request.headers).not.toHaveProperty('x-api-key');
	});

	it('in manual mode returns the newest finished run and leaves the cursor alone', async () => {
		const simulator = await startSimulator({ runMs: 30 });
		const staticData: IDataObject = {};
		expect(await pollTrigger(simulator, staticData, {}, 'manual')).toBeNull();
		const [, newest] = await finishedRuns(simulator, ['older', 'newer']);
		await startRuns(simulator, ['unfinished']);
		expect(idsOf(await pollTrigger(simulator, staticData, {}, 'manual'))).toEqual([newest]);
		expect(staticData).toEqual({});
	});
});
