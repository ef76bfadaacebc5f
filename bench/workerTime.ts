// Worker time per job: how long n8n is busy inside the Visionatrix Task node for one 60 s job,
// waiting by polling (execute() runs until the job is done) versus by callback (execute() only
// submits and parks; each Visionatrix callback is a short webhook() call). The node runs with
// the test suite's emulated n8n contexts against the simulator, callbacks over real HTTP.
import { VisionatrixTask } from '../nodes/VisionatrixTask/VisionatrixTask.node.ts';
import { executeContext, parkedExecution } from '../test/helpers/n8nContext.ts';
import { WaitingWebhookEndpoint } from '../test/helpers/waitingWebhookEndpoint.ts';
import type { VisionatrixSimulator } from '../test/simulators/visionatrix/index.ts';

export interface WorkerTimeSample {
	/** Time inside execute(), where a worker (or the main process) is held. */
	executeMs: number;
	/** Time inside webhook() calls, summed, with how many there were. */
	callbacksMs: number;
	callbacks: number;
}

const node = new VisionatrixTask();

function parameters(prompt: string, waitMode: 'poll' | 'callback') {
	return {
		resource: 'task',
		operation: 'runAndWait',
		waitMode,
		flow: { __rl: true, mode: 'list', value: 'sdxl_lighting' },
		flowInputs: { mappingMode: 'defineBelow', value: { prompt } },
		options: { timeout: 600 },
	};
}

/** `prompt` must make the simulator run the job for the wanted length. */
export async function workerTime(simulator: VisionatrixSimulator, prompt: string, waitMode: 'poll' | 'callback'): Promise<WorkerTimeSample> {
	const credentials = { baseUrl: simulator.url, authentication: 'none' };
	const params = parameters(prompt, waitMode);
	if (waitMode === 'poll') {
		const started = performance.now();
		await node.execute.call(executeContext({ credentials, parameters: params }).context);
		return { executeMs: performance.now() - started, callbacksMs: 0, callbacks: 0 };
	}
	const parked = parkedExecution('');
	const endpoint = new WaitingWebhookEndpoint(node, credentials, parked, params);
	parked.resumeUrl = await endpoint.start();
	const started = performance.now();
	await node.execute.call(executeContext({ credentials, parameters: params, parked }).context);
	const executeMs = performance.now() - started;
	await endpoint.resumedWith;
	await endpoint.close();
	const callbacksMs = endpoint.callDurationsMs.reduce((sum, ms) => sum + ms, 0);
	return { executeMs, callbacksMs, callbacks: endpoint.callDurationsMs.length };
}
