// Flowscale Run's other operations through the real node class against the simulator: start, get,
// get many, get output, cancel, health, queue, and the Workflow list.
import { closeSimulators, startSimulator, TEXT_WORKFLOW } from './setup.ts';
import { bytesOf, inputs, runNode, searchWorkflows, workflow } from './nodeSetup.ts';
import type { FlowscaleSimulator } from '../../simulators/flowscale/index.ts';

afterEach(closeSimulators);

async function startRun(simulator: FlowscaleSimulator, prompt: string, groupId = ''): Promise<string> {
	const { output } = await runNode(simulator, { resource: 'run', operation: 'start', workflowId: workflow(TEXT_WORKFLOW), groupId, inputs: inputs({ text_51536: prompt }) });
	return output[0].json.run_id as string;
}

describe('Flowscale Run operations', () => {
	it('starts a run without waiting: run_id, workflow_id and output_names', async () => {
		const simulator = await startSimulator();
		const { output } = await runNode(simulator, { resource: 'run', operation: 'start', workflowId: workflow(TEXT_WORKFLOW), groupId: 'g', inputs: inputs({ text_51536: 'x' }) });
		const [run] = simulator.runs();
		expect(output).toEqual([{ json: expect.objectContaining({ run_id: run.id, workflow_id: TEXT_WORKFLOW, output_names: [run.outputs[0].name] }), pairedItem: { item: 0 } }]);
		expect(run.state).not.toBe('completed');
	});

	it('gets a run, and cancels one', async () => {
		const simulator = await startSimulator({ runMs: 10_000 });
		const runId = await startRun(simulator, 'get me');
		const { output } = await runNode(simulator, { resource: 'run', operation: 'get', runId });
		expect(output[0].json).toMatchObject({ run_id: runId, _id: runId, workflow_id: TEXT_WORKFLOW, inputs: [{ path: 'text_51536', value: 'get me' }] });

		const cancelled = await runNode(simulator, { resource: 'run', operation: 'cancel', runId: ` ${runId} ` });
		expect(cancelled.output[0].json).toEqual({ run_id: runId, cancelled: true });
		expect(simulator.run(runId)!.state).toBe('cancelled');
	});

	it('gets many runs: a group, a sort, a limit, or every page', async () => {
		const simulator = await startSimulator({ runMs: 20, containers: 4 });
		const ids: string[] = [];
		for (let index = 0; index < 5; index++) ids.push(await startRun(simulator, `run ${index}`, 'many'));
		await startRun(simulator, 'other', 'elsewhere');

		const newest = await runNode(simulator, { resource: 'run', operation: 'getMany', returnAll: false, limit: 3, filters: { groupId: 'many' }, options: {} });
		expect(newest.output.map((item) => item.json.run_id)).toEqual([...ids].reverse().slice(0, 3));

		const oldest = await runNode(simulator, { resource: 'run', operation: 'getMany', returnAll: true, filters: { groupId: 'many' }, options: { sortBy: 'created_at', sortOrder: 'asc' } });
		expect(oldest.output.map((item) => item.json.run_id)).toEqual(ids);

		const all = await runNode(simulator, { resource: 'run', operation: 'getMany', returnAll: true, filters: {}, options: {} });
		expect(all.output).toHaveLength(6);
	});

	it('gets an output as its download URL, not ready as ready: false, or as a file', async () => {
		const simulator = await startSimulator({ runMs: 300 });
		const runId = await startRun(simulator, 'outputs');
		const name = simulator.run(runId)!.outputs[0].name;
		const early = await runNode(simulator, { resource: 'run', operation: 'getOutput', outputName: name, returnAs: 'url' });
		expect(early.output[0].json).toEqual({ output_name: name, ready: false, state: 'not-ready' });
		await expect(runNode(simulator, { resource: 'run', operation: 'getOutput', outputName: name, returnAs: 'file' })).rejects.toThrow(`Flowscale output "${name}" cannot be downloaded: it is not stored yet (the server answered 204).`);

		await simulator.waitFor(runId, (run) => run.outputs[0].ready);
		const link = await runNode(simulator, { resource: 'run', operation: 'getOutput', outputName: name, returnAs: 'url' });
		expect(link.output[0].json).toMatchObject({ output_name: name, ready: true, generation_status: 'success', download_url: expect.stringContaining(simulator.storage.url) });

		const file = await runNode(simulator, { resource: 'run', operation: 'getOutput', outputName: name, returnAs: 'file', binaryPropertyName: 'picture' });
		const expected = simulator.run(runId)!.outputs[0];
		expect(file.output[0].json.file).toMatchObject({ fileName: expected.fileName, mimeType: expected.contentType });
		expect(bytesOf(file.output[0], 'picture').equals(Buffer.from(simulator.outputBytes(runId, name)))).toBe(true);
		for (const request of simulator.storage.requests) expect(request.headers).not.toHaveProperty('x-api-key');
	});

	it('reads health and queue: one item per container', async () => {
		const simulator = await startSimulator({ containers: 2, runMs: 10_000 });
		await startRun(simulator, 'busy');
		const health = await runNode(simulator, { resource: 'system', operation: 'health' });
		expect(health.output.map((item) => item.json)).toEqual([
			expect.objectContaining({ container: 'container #1', name: 'container #1', status: expect.any(String) }),
			expect.objectContaining({ container: 'container #2', name: 'container #2', status: expect.any(String) }),
		]);
		const queue = await runNode(simulator, { resource: 'system', operation: 'queue' });
		expect(queue.output).toHaveLength(2);
		expect(queue.output[0].json).toMatchObject({ name: 'container #1', queue: { queue_running: expect.any(Array), queue_pending: expect.any(Array) } });
	});

	it('lists and searches the deployed workflows, and gives an empty list where the deployment has no listing', async () => {
		const simulator = await startSimulator();
		expect((await searchWorkflows(simulator)).results).toEqual([
			{ name: `Pet Portrait (550e8400-e29b-41d4-a716-446655440000)`, value: '550e8400-e29b-41d4-a716-446655440000', description: 'A portrait from a photo' },
			{ name: `Text to Image (${TEXT_WORKFLOW})`, value: TEXT_WORKFLOW, description: 'SDXL text to image, with an upscaled copy' },
		]);
		expect((await searchWorkflows(simulator, 'TEXT')).results.map((result) => result.value)).toEqual([TEXT_WORKFLOW]);

		const bare = await startSimulator({ workflowsListing: 'absent' });
		expect(await searchWorkflows(bare)).toEqual({ results: [] });
	});
});
