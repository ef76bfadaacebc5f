// What must hold under trouble, against the Flowscale simulator over real sockets: the API key
// never reaches the storage host, an expired link says so, and a start whose answer was lost is
// found instead of being sent twice.
import { readAll } from '../../../nodes/shared/core/files.ts';
import { closeSimulators, connect, recordingLogger, startSimulator, TEXT_WORKFLOW, textInputs } from './setup.ts';

afterEach(closeSimulators);

describe('Flowscale downloads', () => {
	it('sends the API key to the API on every request and never to the storage host', async () => {
		const simulator = await startSimulator();
		const flowscale = connect(simulator);
		const { files } = await flowscale.runWorkflow({ workflowId: TEXT_WORKFLOW, inputs: textInputs('a key test') }, { timeoutMs: 30_000 });
		for await (const file of files) await readAll(file);

		expect(simulator.requests.length).toBeGreaterThan(3);
		expect(simulator.requests.every((request) => request.headers['x-api-key'] === simulator.apiKey)).toBe(true);
		expect(simulator.storage.requests).toHaveLength(2);
		for (const request of simulator.storage.requests) {
			expect(request.status).toBe(200);
			const headers = JSON.stringify(request.headers).toLowerCase();
			expect(headers).not.toContain(simulator.apiKey.toLowerCase());
			expect(request.headers).not.toHaveProperty('x-api-key');
			expect(request.headers).not.toHaveProperty('authorization');
		}
	});

	it('says a pre-signed link has expired, in words', async () => {
		const simulator = await startSimulator();
		const flowscale = connect(simulator);
		const { job } = await flowscale.runWorkflow({ workflowId: TEXT_WORKFLOW, inputs: textInputs('expiring') }, { timeoutMs: 30_000 });
		const output = await flowscale.getOutput(job.output_names[0]);
		if (output.state !== 'ready') throw new Error(`the output is ${output.state}`);
		simulator.storage.advanceClock(3_601_000);

		const download = flowscale.downloadOutput(output.link.download_url);
		await expect(download).rejects.toMatchObject({ kind: 'api', status: 403, hint: expect.stringContaining('fresh link') });
		await expect(download).rejects.toThrow(
			`The Flowscale storage host answered 403 to GET /generations/${job.run_id}/${job.output_names[0]}.png: the pre-signed download link has expired ("Request has expired")`,
		);
		expect(simulator.storage.requests.at(-1)).toMatchObject({ status: 403 });
	});
});

describe('a Flowscale start whose answer was lost', () => {
	it('finds the run it made and waits for it, without starting another', async () => {
		const simulator = await startSimulator();
		// An earlier run with other inputs, and one of another workflow: neither may be taken for it.
		const flowscale = connect(simulator);
		await flowscale.startRun({ workflowId: TEXT_WORKFLOW, inputs: textInputs('another prompt') });
		await flowscale.startRun({ workflowId: '550e8400-e29b-41d4-a716-446655440000', inputs: [{ name: 'text_51536', value: 'a lost answer' }], files: [{ name: 'image_35728', file: { data: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1]), fileName: 'a.png', mimeType: 'image/png' } }] });
		simulator.faults.add({ method: 'POST', pathPrefix: '/api/v1/runs', fault: { kind: 'drop-after' } });
		const logger = recordingLogger();

		const { job, files } = await connect(simulator, { logger }).runWorkflow({ workflowId: TEXT_WORKFLOW, inputs: textInputs('a lost answer') }, { timeoutMs: 30_000 });
		expect(simulator.createdCount()).toBe(3);
		const made = simulator.runs()[2];
		expect(job.run_id).toBe(made.id);
		expect(made.inputs).toEqual([
			{ name: 'text_51536', value: 'a lost answer' },
			{ name: 'seed_456', value: '7' },
		]);
		let count = 0;
		for await (const file of files) count += (await readAll(file)).byteLength > 0 ? 1 : 0;
		expect(count).toBe(2);
		expect(logger.lines.join('\n')).toContain(`found run ${made.id} on the server`);
	});

	it('says the run may exist when looking for it fails too, and does not send it again', async () => {
		const simulator = await startSimulator();
		simulator.faults.add({ method: 'POST', pathPrefix: '/api/v1/runs', fault: { kind: 'drop-after' } });
		simulator.faults.add({ method: 'GET', pathPrefix: '/api/v1/runs', times: 10, fault: { kind: 'status', status: 503 } });
		const starting = connect(simulator).runWorkflow({ workflowId: TEXT_WORKFLOW, groupId: 'g1', inputs: textInputs('lost twice') }, { timeoutMs: 30_000 });
		await expect(starting).rejects.toMatchObject({ kind: 'job-uncertain', hint: expect.stringContaining('genflows flowscale list --group g1') });
		await expect(starting).rejects.toThrow(/^The answer to starting a Flowscale run of workflow "bncu0a1kipv" in group "g1" was lost \(.+\) after the request may have reached the server, and looking for it failed too/);
		expect(simulator.createdCount()).toBe(1);
	});
});
