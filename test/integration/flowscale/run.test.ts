// Run a workflow and wait, against the Flowscale simulator over real sockets: outputs named late
// and stored late, downloaded byte for byte from the storage host; runs that fail, time out or
// are cancelled end the wait with the reason.
import { readAll } from '../../../nodes/shared/core/files.ts';
import type { OutputFile } from '../../../nodes/shared/providers/flowscale/api.ts';
import type { FlowscaleSimulator, WorkflowSpec } from '../../simulators/flowscale/index.ts';
import { DEFAULT_FAILURE_TEXT } from '../../simulators/flowscale/index.ts';
import { closeSimulators, connect, IMAGE_WORKFLOW, startSimulator, TEXT_WORKFLOW, textInputs } from './setup.ts';

afterEach(closeSimulators);

/**
 * Text to image with two outputs: one named as the run starts, one named at 80 % and stored two
 * seconds after the run completed, long after the wait (polling from half a second) sees the end.
 */
const LATE_WORKFLOW: WorkflowSpec = {
	id: 'late-outputs',
	name: 'Late outputs',
	inputs: { text_1: 'string' },
	outputs: [{ prefix: 'early_1' }, { prefix: 'late_2', extension: 'webp', namedAt: 0.8, readyDelayMs: 2_000 }],
};

async function collect(files: AsyncIterable<OutputFile>): Promise<Array<OutputFile & { bytes: Uint8Array }>> {
	const all: Array<OutputFile & { bytes: Uint8Array }> = [];
	for await (const file of files) all.push({ ...file, bytes: await readAll(file) });
	return all;
}

const sameBytes = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

function expectOutputsOf(simulator: FlowscaleSimulator, runId: string, files: Array<OutputFile & { bytes: Uint8Array }>): void {
	const outputs = simulator.run(runId)!.outputs;
	expect(files.map((file) => file.details)).toEqual(outputs.map((output) => ({ runId, outputName: output.name })));
	expect(files.map((file) => [file.fileName, file.mimeType])).toEqual(outputs.map((output) => [output.fileName, output.contentType]));
	for (const file of files) expect(sameBytes(file.bytes, simulator.outputBytes(runId, file.details.outputName))).toBe(true);
}

describe('Flowscale runWorkflow', () => {
	it('follows output names that appear late and waits for files stored after completion, then downloads them byte for byte', async () => {
		// The current create answer names no output: every name is learnt while waiting.
		const simulator = await startSimulator({ workflows: [LATE_WORKFLOW], createShape: 'current' });
		const flowscale = connect(simulator);
		let submitted = '';
		const { job, files } = await flowscale.runWorkflow({ workflowId: LATE_WORKFLOW.id, inputs: [{ name: 'text_1', value: 'a red fox' }] }, {
			timeoutMs: 30_000,
			onSubmitted: (started) => (submitted = started.run_id),
		});
		expect(job).toMatchObject({ run_id: submitted, status: 'completed', workflow_id: LATE_WORKFLOW.id });
		expect(job.output_names).toHaveLength(2);
		expectOutputsOf(simulator, submitted, await collect(files));
		// The late file answered "not ready" at least once before it was stored.
		const lateName = simulator.run(submitted)!.outputs[1].name;
		const asked = simulator.requests.filter((request) => request.path === '/api/v1/runs/output' && request.query.filename === lateName);
		expect(asked.map((request) => request.status)).toEqual([...asked.slice(0, -1).map(() => 204), 200]);
		expect(asked.length).toBeGreaterThan(1);
		expect(simulator.createdCount()).toBe(1);
	});

	it.each([404, 504] as const)('reads a "not ready" %s as such while an output is being stored', async (notReady) => {
		const simulator = await startSimulator({ workflows: [LATE_WORKFLOW], notReady });
		const flowscale = connect(simulator, { retry: { maxRetries: 0 } });
		const { job, files } = await flowscale.runWorkflow({ workflowId: LATE_WORKFLOW.id, inputs: [{ name: 'text_1', value: 'x' }] }, { timeoutMs: 30_000 });
		expectOutputsOf(simulator, job.run_id, await collect(files));
		expect(simulator.requests.some((request) => request.status === notReady)).toBe(true);
	});

	it('uploads file inputs as multipart, a list as name_0, name_1, with the workflow and group in the query string', async () => {
		const simulator = await startSimulator();
		const flowscale = connect(simulator);
		const photo = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
		const extra = new Uint8Array([9, 9, 9]);
		const { job, files } = await flowscale.runWorkflow(
			{
				workflowId: IMAGE_WORKFLOW,
				groupId: 'pets',
				inputs: [{ name: 'text_51536', value: 'a portrait' }],
				files: [
					{ name: 'image_35728', file: { data: photo, fileName: 'cat.png', mimeType: 'image/png' } },
					{ name: 'extra', file: [{ data: extra, fileName: 'a.bin', mimeType: 'application/octet-stream' }, { data: extra, fileName: 'b.bin', mimeType: '' }] },
				],
			},
			{ timeoutMs: 30_000 },
		);
		const run = simulator.run(job.run_id)!;
		expect(run).toMatchObject({ workflowId: IMAGE_WORKFLOW, groupId: 'pets', encoding: 'multipart' });
		expect(run.inputs.map((input) => input.name)).toEqual(['text_51536', 'image_35728', 'extra_0', 'extra_1']);
		expect(sameBytes(simulator.inputBytes(job.run_id, 'image_35728'), photo)).toBe(true);
		expect(job.group_id).toBe('pets');
		expectOutputsOf(simulator, job.run_id, await collect(files));
	});

	it('fails at once on a failed run, with its id, status and error text, and downloads nothing', async () => {
		const simulator = await startSimulator();
		const flowscale = connect(simulator);
		const failure = flowscale.runWorkflow({ workflowId: TEXT_WORKFLOW, inputs: textInputs('please FAIL') }, { timeoutMs: 60_000 });
		await expect(failure).rejects.toMatchObject({ kind: 'job-failed', serverMessage: `it failed (status "failed"): ${DEFAULT_FAILURE_TEXT}` });
		const [run] = simulator.runs();
		await expect(failure).rejects.toThrow(`Flowscale run ${run.id} failed: it failed (status "failed"): ${DEFAULT_FAILURE_TEXT}`);
		expect(simulator.requests.some((request) => request.path === '/api/v1/runs/output')).toBe(false);
		expect(simulator.storage.requests).toEqual([]);
	});

	it('fails on a run the server timed out, and on its outputs answering 408', async () => {
		const simulator = await startSimulator();
		const flowscale = connect(simulator);
		const failure = flowscale.runWorkflow({ workflowId: TEXT_WORKFLOW, inputs: textInputs('TIMEOUT soon') }, { timeoutMs: 60_000 });
		await expect(failure).rejects.toMatchObject({ kind: 'job-failed', serverMessage: 'it timed out on the server (status "timeout")' });

		// A run read before the status said so: its outputs say it instead.
		const [timedOut] = simulator.runs();
		const stale = { ...(await flowscale.getRun(timedOut.id)), status: 'running', output_names: timedOut.outputNames };
		await expect(collect(flowscale.results(stale))).rejects.toMatchObject({
			kind: 'job-failed',
			message: `Flowscale run ${timedOut.id} failed: it timed out on the server (its output "${timedOut.outputNames[0]}" answered 408 Run Timeout)`,
		});
	});

	it('fails on a run cancelled by someone else', async () => {
		const simulator = await startSimulator({ runMs: 60_000 });
		const flowscale = connect(simulator);
		const waiting = flowscale.runWorkflow({ workflowId: TEXT_WORKFLOW, inputs: textInputs('long') }, { timeoutMs: 120_000, onSubmitted: ({ run_id }) => void cancelWhenRunning(run_id) });
		async function cancelWhenRunning(runId: string): Promise<void> {
			await simulator.waitFor(runId, (run) => run.state === 'running');
			await connect(simulator).cancelRun(runId);
		}
		await expect(waiting).rejects.toMatchObject({ kind: 'job-failed', serverMessage: 'it was cancelled (status "cancelled")' });
	});

	it('cancels the run on the server when the caller stops waiting', async () => {
		const simulator = await startSimulator({ runMs: 60_000 });
		const flowscale = connect(simulator);
		const stop = new AbortController();
		const waiting = flowscale.runWorkflow(
			{ workflowId: TEXT_WORKFLOW, inputs: textInputs('stop me') },
			{ timeoutMs: 120_000, signal: stop.signal, onSubmitted: ({ run_id }) => void simulator.waitFor(run_id, (run) => run.state === 'running').then(() => stop.abort()) },
		);
		await expect(waiting).rejects.toMatchObject({ kind: 'job-aborted', cancel: { status: 'cancelled' } });
		expect(simulator.runs()[0].state).toBe('cancelled');
	});

	it('cancels the run on the server when its time limit runs out, and names the limit', async () => {
		const simulator = await startSimulator({ runMs: 60_000 });
		const flowscale = connect(simulator);
		const waiting = flowscale.runWorkflow({ workflowId: TEXT_WORKFLOW, inputs: textInputs('too long') }, { timeoutMs: 1_500 });
		await expect(waiting).rejects.toMatchObject({ kind: 'job-timeout', cancel: { status: 'cancelled' } });
		await expect(waiting).rejects.toThrow(/did not finish within the 1\.5 s timeout/);
		expect(simulator.runs()[0].state).toBe('cancelled');
	});

	it("gives up on an output still not stored when the run's limit runs out, saying the run completed", async () => {
		const slowStore: WorkflowSpec = { ...LATE_WORKFLOW, outputs: [{ prefix: 'stuck_1', readyDelayMs: 120_000 }] };
		const simulator = await startSimulator({ workflows: [slowStore] });
		const flowscale = connect(simulator);
		const { job, files } = await flowscale.runWorkflow({ workflowId: slowStore.id, inputs: [{ name: 'text_1', value: 'x' }] }, { timeoutMs: 3_000 });
		await expect(collect(files)).rejects.toMatchObject({
			kind: 'job-timeout',
			message: `Flowscale run ${job.run_id} completed, but its output "${job.output_names[0]}" was still not ready for download (the server answered 204) when the 3 s limit ran out.`,
		});
	});

	it("gives the server's text for an unknown workflow, naming the parameter", async () => {
		const simulator = await startSimulator();
		await expect(connect(simulator).runWorkflow({ workflowId: 'no-such-workflow' }, { timeoutMs: 10_000 })).rejects.toMatchObject({
			kind: 'input',
			parameter: 'workflowId',
			message: 'Flowscale has no workflow "no-such-workflow" on this deployment (404: Workflow not found: no-such-workflow).',
		});
		expect(simulator.createdCount()).toBe(0);
	});
});
