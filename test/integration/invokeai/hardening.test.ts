// What goes wrong in a run, against the InvokeAI simulator over real sockets: an item that fails
// (the others cancelled, or kept), a stop and a timeout (our items cancelled), an item cancelled by
// someone else, an enqueue whose answer is lost (found, or said to be uncertain, never doubled),
// and a server too old.
import type { RunWorkflowOptions } from '../../../nodes/shared/providers/invokeai/api.ts';
import type { InvokeAiSimulator } from '../../simulators/invokeai/index.ts';
import { DEFAULT_FAILURE_TEXT } from '../../simulators/invokeai/index.ts';
import { closeSimulators, connect, defaultWorkflow, SDXL_MODEL, startSimulator } from './setup.ts';

afterEach(closeSimulators);

const SDXL_VALUES = { Model: SDXL_MODEL, 'VAE (use the FP16 model)': 'FLUX.1-schnell_ae' };

function runSdxl(simulator: InvokeAiSimulator, options: Partial<RunWorkflowOptions> = {}) {
	return connect(simulator).runWorkflow({ workflow: defaultWorkflow('Text to Image - SDXL'), values: SDXL_VALUES, timeoutMs: 30_000, ...options });
}

const statuses = (simulator: InvokeAiSimulator) => simulator.items().map((item) => item.status);

describe('InvokeAI runs that go wrong', () => {
	it('fails the run naming the item that failed, and cancels the others', async () => {
		const simulator = await startSimulator();
		simulator.failNext();
		const error = (await runSdxl(simulator, { runs: 3 }).catch((caught: unknown) => caught)) as Error;
		expect(error).toMatchObject({ kind: 'job-failed', jobId: '1' });
		expect(error.message).toBe(`InvokeAI queue item 1 failed: OutOfMemoryError: ${DEFAULT_FAILURE_TEXT} (at node "Denoise - SD1.5, SDXL") Cancelled the run's other queue items 2, 3.`);
		expect(statuses(simulator)).toEqual(['failed', 'canceled', 'canceled']);
	});

	it('leaves the others running when asked to', async () => {
		const simulator = await startSimulator();
		simulator.failNext();
		const error = (await runSdxl(simulator, { runs: 2, keepOthersOnFailure: true }).catch((caught: unknown) => caught)) as Error;
		expect(error.message).toContain("Left the run's other queue item 2 running, as asked");
		await simulator.waitFor(2, (item) => item.status === 'completed');
		expect(statuses(simulator)).toEqual(['failed', 'completed']);
	});

	it('cancels its items on the server when the caller stops, and says so', async () => {
		// A denoise that would take a minute: the stop comes with its first progress.
		const simulator = await startSimulator({ nodeMs: (node) => (node.type === 'denoise_latents' ? 60_000 : 2), progressSteps: 100 });
		const stop = new AbortController();
		const error = (await runSdxl(simulator, { runs: 2, signal: stop.signal, onProgress: (progress) => progress.stage && stop.abort() }).catch((caught: unknown) => caught)) as Error;
		expect(error).toMatchObject({
			kind: 'job-aborted',
			message: "Stopped waiting for InvokeAI queue item 1. InvokeAI queue item 1 was cancelled on the server. Cancelled the run's other queue item 2.",
		});
		expect(statuses(simulator)).toEqual(['canceled', 'canceled']);
	});

	it('cancels its item when the run times out', async () => {
		const simulator = await startSimulator({ paused: true });
		const error = (await runSdxl(simulator, { timeoutMs: 1_500 }).catch((caught: unknown) => caught)) as Error;
		expect(error).toMatchObject({ kind: 'job-timeout' });
		expect(error.message).toContain('InvokeAI queue item 1 was cancelled on the server.');
		expect(statuses(simulator)).toEqual(['canceled']);
	});

	it('fails an item someone else cancelled with a message that says so', async () => {
		const simulator = await startSimulator({ paused: true });
		const run = runSdxl(simulator, {
			onSubmitted: ({ itemIds }) => {
				simulator.cancelFromServer(itemIds[0]);
				simulator.resume();
			},
		});
		await expect(run).rejects.toMatchObject({
			kind: 'job-failed',
			message: "InvokeAI queue item 1 failed: it was cancelled on the server (in InvokeAI's queue, by someone or something other than this run)",
		});
	});

	it('finds the batch whose enqueue answer was lost, and runs it without queueing it twice', async () => {
		const simulator = await startSimulator();
		simulator.faults.add({ method: 'POST', pathPrefix: '/api/v1/queue/default/enqueue_batch', fault: { kind: 'drop-after' } });
		const run = await runSdxl(simulator, { runs: 2 });
		expect(run.recovered).toBe(true);
		expect(simulator.enqueuedCount()).toBe(2);
		expect(simulator.batches().map((batch) => batch.batchId)).toEqual([run.batchId]);
		expect(run.items.map((item) => item.job.status)).toEqual(['completed', 'completed']);
	});

	it('says a batch may exist, and queues nothing again, when the lost request never made it', async () => {
		const simulator = await startSimulator();
		simulator.faults.add({ method: 'POST', pathPrefix: '/api/v1/queue/default/enqueue_batch', fault: { kind: 'drop-before' } });
		await expect(runSdxl(simulator)).rejects.toMatchObject({ kind: 'job-uncertain', message: expect.stringContaining('the server has no queue item of that batch') });
		expect(simulator.requests.filter((request) => request.path.endsWith('/enqueue_batch'))).toHaveLength(1);
		expect(simulator.enqueuedCount()).toBe(0);
	});

	it('refuses a 5.x server before queueing anything', async () => {
		const simulator = await startSimulator({ version: '5.6.0' });
		await expect(runSdxl(simulator)).rejects.toMatchObject({ kind: 'input', message: expect.stringMatching(/is version 5\.6\.0; this package works with InvokeAI 6\.0 or later\.$/) });
		expect(simulator.requests.map((request) => request.path)).toEqual(['/api/v1/app/version']);
	});
});
