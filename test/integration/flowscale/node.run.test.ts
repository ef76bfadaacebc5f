// Flowscale Run, Run Workflow and Wait, through the real node class against the simulator: text and
// file inputs, one item per output file, the key kept from the storage host, Stop and timeout.
import type { INodeExecutionData } from 'n8n-workflow';

import { DEFAULT_FAILURE_TEXT } from '../../simulators/flowscale/index.ts';
import { closeSimulators, IMAGE_WORKFLOW, startSimulator, TEXT_WORKFLOW } from './setup.ts';
import { bytesOf, inputs, runNode, workflow } from './nodeSetup.ts';

afterEach(closeSimulators);

const png = (bytes: number[], fileName: string) => ({ data: Buffer.from(bytes).toString('base64'), mimeType: 'image/png', fileName, fileExtension: 'png' });

describe('Flowscale Run: Run Workflow and Wait', () => {
	it('returns one item per output file with the run JSON, the right name and type, byte for byte', async () => {
		const simulator = await startSimulator();
		const { output } = await runNode(simulator, {
			resource: 'run',
			operation: 'runAndWait',
			workflowId: workflow(TEXT_WORKFLOW),
			groupId: 'n8n',
			inputs: inputs({ text_51536: 'a red fox', seed_456: '7' }),
			options: { binaryPropertyName: 'image' },
		});
		const [run] = simulator.runs();
		expect(run).toMatchObject({ workflowId: TEXT_WORKFLOW, groupId: 'n8n', state: 'completed' });
		expect(run.inputs.map(({ name, value }) => [name, value])).toEqual([
			['text_51536', 'a red fox'],
			['seed_456', '7'],
		]);
		expect(output).toHaveLength(run.outputs.length);
		output.forEach((item: INodeExecutionData, index) => {
			const expected = run.outputs[index];
			expect(item.json).toMatchObject({ run_id: run.id, status: 'completed', workflow_id: TEXT_WORKFLOW, file: { fileName: expected.fileName, mimeType: expected.contentType, runId: run.id, outputName: expected.name } });
			expect(item.binary!.image).toMatchObject({ fileName: expected.fileName, mimeType: expected.contentType });
			expect(bytesOf(item, 'image').equals(Buffer.from(simulator.outputBytes(run.id, expected.name)))).toBe(true);
			expect(item.pairedItem).toEqual({ item: 0 });
		});
	});

	it('uploads binary fields of the item as file inputs, a list of them as name_0, name_1', async () => {
		const simulator = await startSimulator();
		const item = { json: {}, binary: { photo: png([0x89, 0x50, 0x4e, 0x47, 1, 2], 'cat.png'), a: png([3], 'a.png'), b: png([4, 5], 'b.png') } };
		await runNode(
			simulator,
			{
				resource: 'run',
				operation: 'runAndWait',
				workflowId: { __rl: true, mode: 'id', value: IMAGE_WORKFLOW },
				inputs: inputs({ text_51536: 'a portrait' }),
				files: {
					file: [
						{ name: 'image_35728', binaryProperties: 'photo' },
						{ name: 'extra', binaryProperties: 'a, b' },
						{ name: 'single', binaryProperties: 'a', asList: true },
					],
				},
				options: {},
			},
			{ items: [item] },
		);
		const [run] = simulator.runs();
		expect(run.encoding).toBe('multipart');
		expect(run.inputs.filter((input) => input.file).map(({ name, file }) => [name, file!.fileName])).toEqual([
			['image_35728', 'cat.png'],
			['extra_0', 'a.png'],
			['extra_1', 'b.png'],
			['single_0', 'a.png'],
		]);
		expect(Buffer.from(simulator.inputBytes(run.id, 'image_35728'))).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2]));
		expect(Buffer.from(simulator.inputBytes(run.id, 'extra_1'))).toEqual(Buffer.from([4, 5]));
	});

	it('sends X-API-KEY to the API on every request and nothing of the credential to the storage host', async () => {
		const simulator = await startSimulator();
		await runNode(simulator, { resource: 'run', operation: 'runAndWait', workflowId: workflow(TEXT_WORKFLOW), inputs: inputs({ text_51536: 'keep the key' }), options: {} });
		expect(simulator.requests.length).toBeGreaterThan(2);
		expect(simulator.requests.every((request) => request.headers['x-api-key'] === simulator.apiKey)).toBe(true);
		// No `//api`: the credential's trailing slash is dropped.
		expect(simulator.requests.every((request) => request.path.startsWith('/api/'))).toBe(true);
		expect(simulator.storage.requests).toHaveLength(2);
		for (const request of simulator.storage.requests) {
			expect(request.headers).not.toHaveProperty('x-api-key');
			expect(request.headers).not.toHaveProperty('authorization');
			expect(JSON.stringify(request.headers)).not.toContain(simulator.apiKey);
		}
	});

	it('fails the item with the run id, the status and the server text when the run fails', async () => {
		const simulator = await startSimulator();
		const running = runNode(simulator, { resource: 'run', operation: 'runAndWait', workflowId: workflow(TEXT_WORKFLOW), inputs: inputs({ text_51536: 'please FAIL' }), options: {} });
		await running.catch(() => undefined);
		const [run] = simulator.runs();
		await expect(running).rejects.toThrow(`Flowscale run ${run.id} failed: it failed (status "failed"): ${DEFAULT_FAILURE_TEXT}`);
	});

	it('cancels the run when the execution is stopped, and says the cancel worked', async () => {
		const simulator = await startSimulator({ runMs: 10_000 });
		const stop = new AbortController();
		const running = runNode(
			simulator,
			{ resource: 'run', operation: 'runAndWait', workflowId: workflow(TEXT_WORKFLOW), inputs: inputs({ text_51536: 'stop me' }), options: {} },
			{ signal: stop.signal },
		);
		await waitUntil(() => simulator.runs()[0]?.state === 'running');
		stop.abort();
		const [run] = simulator.runs();
		await expect(running).rejects.toThrow(`Stopped waiting for Flowscale run ${run.id}. Flowscale run ${run.id} was cancelled on the server.`);
		expect(simulator.run(run.id)!.state).toBe('cancelled');
		expect(simulator.requests.some((request) => request.method === 'POST' && request.path === `/api/v1/runs/${run.id}/cancel`)).toBe(true);
	});

	it('cancels the run when the timeout runs out, and the error names the limit', async () => {
		const simulator = await startSimulator({ runMs: 10_000 });
		const running = runNode(simulator, { resource: 'run', operation: 'runAndWait', workflowId: workflow(TEXT_WORKFLOW), inputs: inputs({ text_51536: 'too slow' }), options: { timeout: 1 } });
		await expect(running).rejects.toThrow(/did not finish within the 1 s timeout/);
		const [run] = simulator.runs();
		await expect(running).rejects.toThrow(`Flowscale run ${run.id} was cancelled on the server.`);
		expect(simulator.run(run.id)!.state).toBe('cancelled');
	});
});

async function waitUntil(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
	const end = Date.now() + timeoutMs;
	while (!condition()) {
		if (Date.now() > end) throw new Error('condition not met in time');
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
}
