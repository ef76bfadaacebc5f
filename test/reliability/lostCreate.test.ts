// A create request cut after the server committed it (the simulator makes the job, then resets the
// connection: the `drop-after` fault), for the four providers side by side, through the real node
// classes. Never sent again blindly: the job is looked for and finished exactly once, or, when it
// cannot be told for sure, the run fails saying the job may exist on the server and how to find it,
// with nothing created twice.
//   InvokeAI: the client chooses the batch_id and asks the server whether that batch landed.
//   Visionatrix: the task is found by the seed the client chose (lostTask.ts).
//   Flowscale: the run is found by its workflow, inputs and creation time (lostRun.ts).
//   Pet Portrait: the session (ours alone) shows whether a run began after the request (lostStart.ts).
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { ActionNodeName } from '../helpers/providerNodes.ts';
import { binaryBytes, flowscaleCredentials, openCredentials, runActionNode, visionatrixCredentials } from '../helpers/providerNodes.ts';
import type { FlowscaleSimulator } from '../simulators/flowscale/index.ts';
import { startFlowscaleSimulator } from '../simulators/flowscale/index.ts';
import type { InvokeAiSimulator } from '../simulators/invokeai/index.ts';
import { startInvokeAiSimulator } from '../simulators/invokeai/index.ts';
import type { PetPortraitSimulator } from '../simulators/petPortrait/index.ts';
import { startPetPortraitSimulator, STYLE_NODE } from '../simulators/petPortrait/index.ts';
import { encodeRgbPng } from '../simulators/shared/picture/png.ts';
import type { VisionatrixSimulator } from '../simulators/visionatrix/index.ts';
import { startVisionatrixSimulator } from '../simulators/visionatrix/index.ts';

const CUT_AFTER_COMMIT = { kind: 'drop-after' } as const;
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
	await Promise.all(closers.splice(0).map((close) => close()));
});

async function started<T extends { close(): Promise<void> }>(simulator: Promise<T>): Promise<T> {
	const ready = await simulator;
	closers.push(() => ready.close());
	return ready;
}

/** The node error a run ends with (it must end with one). */
async function nodeFailure(run: Promise<unknown>): Promise<NodeOperationError | NodeApiError> {
	const error = await run.then(
		() => undefined,
		(caught: unknown) => caught,
	);
	if (!(error instanceof NodeOperationError || error instanceof NodeApiError)) throw new Error(`expected a node error, got ${String(error)}`);
	return error;
}

function run(name: ActionNodeName, credentials: ICredentialDataDecryptedObject, parameters: Record<string, unknown>, items?: { json: object; binary?: object }[]) {
	return runActionNode(name, credentials, parameters, items ? { items: items as never } : {});
}

/** What every "cannot be told" error must say: the job may exist, it was not sent again, and where to look. */
function expectMayExist(error: NodeOperationError | NodeApiError, where: RegExp): void {
	expect(error.message).toMatch(/was lost \(.+\) after the request may have reached the server/);
	expect(error.message).toMatch(/may (exist|be generating)/);
	expect(error.message).toMatch(/not (submitted|queued|requested) again/);
	expect(error.message).not.toMatch(/\n\s+at /);
	expect(String(error.description)).toMatch(where);
}

describe('InvokeAI: a lost enqueue_batch', () => {
	const SDXL_ID = 'default_5e8b008d-c697-45d0-8883-085a954c6ace';
	const ENQUEUE = '/api/v1/queue/default/enqueue_batch';
	const runAndWait = (prompt: string) => ({
		resource: 'workflow',
		operation: 'runAndWait',
		workflowSource: 'library',
		workflowId: { mode: 'list', value: SDXL_ID },
		inputValues: {
			values: [
				{ name: 'Model', value: 'Juggernaut XL v9' },
				{ name: 'VAE (use the FP16 model)', value: 'FLUX.1-schnell_ae' },
				{ name: 'Positive Prompt', value: prompt },
			],
		},
		options: { timeout: 60 },
	});

	it('asks the server whether the batch id it chose landed, finds it, and finishes it: one batch, one enqueue', async () => {
		const simulator: InvokeAiSimulator = await started(startInvokeAiSimulator({ nodeMs: 2, startDelayMs: 5 }));
		simulator.faults.add({ method: 'POST', pathPrefix: ENQUEUE, fault: CUT_AFTER_COMMIT });
		const { output } = await run('invokeai', openCredentials(simulator.url), runAndWait('a lost enqueue'));

		const batches = simulator.batches();
		expect(batches).toHaveLength(1);
		expect(simulator.enqueuedCount()).toBe(1);
		expect(simulator.requests.filter((request) => request.path === ENQUEUE)).toHaveLength(1);
		const [batch] = batches;
		// The batch the client named, looked up by that name after the cut.
		expect(output[0].json.batch_id).toBe(batch.batchId);
		expect(simulator.requests.some((request) => request.method === 'GET' && request.path === `/api/v1/queue/default/b/${batch.batchId}/status`)).toBe(true);
		const file = output[0].json.file as { imageName: string };
		expect(binaryBytes(output[0]).equals(Buffer.from(simulator.imageBytes(file.imageName)!))).toBe(true);
		expect(simulator.items().map((item) => item.status)).toEqual(['completed']);
	});

	it('says the batch may exist, naming it and where to look, when the server cannot be asked; queues nothing again', async () => {
		const simulator: InvokeAiSimulator = await started(startInvokeAiSimulator({ nodeMs: 2, startDelayMs: 5 }));
		simulator.faults.add({ method: 'POST', pathPrefix: ENQUEUE, fault: CUT_AFTER_COMMIT });
		simulator.faults.add({ method: 'GET', pathPrefix: '/api/v1/queue/default/b/', times: 50, fault: { kind: 'status', status: 503 } });
		const error = await nodeFailure(run('invokeai', openCredentials(simulator.url), runAndWait('a lost enqueue, unconfirmed')));

		const [batch] = simulator.batches();
		expect(simulator.batches()).toHaveLength(1);
		expect(simulator.requests.filter((request) => request.path === ENQUEUE)).toHaveLength(1);
		expect(error.message).toContain(`InvokeAI batch ${batch.batchId}`);
		expectMayExist(error, new RegExp(`/api/v1/queue/default/b/${batch.batchId}/status`));
	});
});

describe('Visionatrix: a lost task create', () => {
	const CREATE = '/vapi/tasks/create/';
	const runAndWait = (prompt: string, options: Record<string, unknown> = {}) => ({
		resource: 'task',
		operation: 'runAndWait',
		flow: { __rl: true, mode: 'list', value: 'sdxl_lighting' },
		flowInputs: { mappingMode: 'defineBelow', value: { prompt } },
		options,
	});
	const start = () => started<VisionatrixSimulator>(startVisionatrixSimulator({ taskDurationMs: 200, progressSteps: 3 }));

	it('finds the task by the seed it chose and finishes it, exactly once', async () => {
		const simulator = await start();
		simulator.faults.add({ method: 'PUT', pathPrefix: CREATE, fault: CUT_AFTER_COMMIT });
		const { output, logs } = await run('visionatrix', visionatrixCredentials(simulator.url), runAndWait('a lost create'));

		expect(simulator.createdCount()).toBe(1);
		expect(simulator.requests.filter((request) => request.path.startsWith(CREATE))).toHaveLength(1);
		const [task] = simulator.tasks();
		expect(output[0].json.task_id).toBe(task.id);
		expect(binaryBytes(output[0]).equals(Buffer.from(simulator.resultBytes(task.id, 9, 0)))).toBe(true);
		expect(logs.join('\n')).toContain(`found task ${task.id} on the server`);
	});

	it('says the task may exist, and where to look, when looking for it fails too; creates nothing twice', async () => {
		const simulator = await start();
		simulator.faults.add({ method: 'PUT', pathPrefix: CREATE, fault: CUT_AFTER_COMMIT });
		simulator.faults.add({ method: 'GET', pathPrefix: '/vapi/tasks/progress-summary', times: 50, fault: { kind: 'status', status: 503 } });
		const error = await nodeFailure(run('visionatrix', visionatrixCredentials(simulator.url), runAndWait('a lost create, unfound')));

		expect(simulator.createdCount()).toBe(1);
		expect(simulator.requests.filter((request) => request.path.startsWith(CREATE))).toHaveLength(1);
		expect(error.message).toContain('looking for it failed too');
		expectMayExist(error, /Look for the newest task of "sdxl_lighting"/);
	});

	it('does not take an earlier task for its own when two match (a seed of the user\'s, used twice): it says the task may exist', async () => {
		const simulator = await start();
		const credentials = visionatrixCredentials(simulator.url);
		await run('visionatrix', credentials, runAndWait('the same twice', { seed: 42 }));
		const [earlier] = simulator.tasks();
		simulator.faults.add({ method: 'PUT', pathPrefix: CREATE, fault: CUT_AFTER_COMMIT });
		const error = await nodeFailure(run('visionatrix', credentials, runAndWait('the same twice', { seed: 42 })));

		expect(simulator.createdCount()).toBe(2);
		expect(simulator.requests.filter((request) => request.path.startsWith(CREATE))).toHaveLength(2);
		expect(error.message).toContain('tasks with these inputs were found');
		expect(error.message).toContain('which this request made cannot be told');
		expect(error.message).toContain(String(earlier.id));
		expectMayExist(error, /Look for the newest task of "sdxl_lighting"/);
	});
});

describe('Flowscale: a lost run start', () => {
	const TEXT_WORKFLOW = 'bncu0a1kipv';
	const runAndWait = (text: string) => ({
		resource: 'run',
		operation: 'runAndWait',
		workflowId: { __rl: true, mode: 'list', value: TEXT_WORKFLOW },
		groupId: 'g1',
		inputs: { input: [{ name: 'text_51536', value: text }] },
		options: {},
	});
	const start = () => started<FlowscaleSimulator>(startFlowscaleSimulator({ queueMs: 20, runMs: 200 }));
	const starts = (simulator: FlowscaleSimulator) => simulator.requests.filter((request) => request.method === 'POST' && request.path === '/api/v1/runs');

	it('finds the run by its workflow, inputs and time, and finishes it, exactly once', async () => {
		const simulator = await start();
		simulator.faults.add({ method: 'POST', pathPrefix: '/api/v1/runs', fault: CUT_AFTER_COMMIT });
		const { output, logs } = await run('flowscale', flowscaleCredentials(simulator.url, simulator.apiKey), runAndWait('a lost start'));

		expect(simulator.createdCount()).toBe(1);
		expect(starts(simulator)).toHaveLength(1);
		const [made] = simulator.runs();
		expect(made.state).toBe('completed');
		expect(output.map((item) => item.json.run_id)).toEqual(made.outputs.map(() => made.id));
		for (const item of output) {
			const file = item.json.file as { outputName: string };
			expect(binaryBytes(item).equals(Buffer.from(simulator.outputBytes(made.id, file.outputName)))).toBe(true);
		}
		expect(logs.join('\n')).toContain(`found run ${made.id} on the server`);
	});

	it('says the run may exist, and where to look, when looking for it fails too; starts nothing twice', async () => {
		const simulator = await start();
		simulator.faults.add({ method: 'POST', pathPrefix: '/api/v1/runs', fault: CUT_AFTER_COMMIT });
		simulator.faults.add({ method: 'GET', pathPrefix: '/api/v1/runs', times: 50, fault: { kind: 'status', status: 503 } });
		const error = await nodeFailure(run('flowscale', flowscaleCredentials(simulator.url, simulator.apiKey), runAndWait('a lost start, unfound')));

		expect(simulator.createdCount()).toBe(1);
		expect(starts(simulator)).toHaveLength(1);
		expect(error.message).toContain('looking for it failed too');
		expectMayExist(error, /Look for the newest run of that workflow/);
	});

	it('does not take an earlier identical run for its own: with two candidates it says the run may exist', async () => {
		const simulator = await start();
		const credentials = flowscaleCredentials(simulator.url, simulator.apiKey);
		await run('flowscale', credentials, runAndWait('the same twice'));
		const [earlier] = simulator.runs();
		simulator.faults.add({ method: 'POST', pathPrefix: '/api/v1/runs', fault: CUT_AFTER_COMMIT });
		const error = await nodeFailure(run('flowscale', credentials, runAndWait('the same twice')));

		expect(simulator.createdCount()).toBe(2);
		expect(starts(simulator)).toHaveLength(2);
		expect(error.message).toContain('2 runs with these inputs were found');
		expect(error.message).toContain('which this request made cannot be told');
		expect(error.message).toContain(earlier.id);
		expectMayExist(error, /Look for the newest run of that workflow/);
	});
});

describe('Pet Portrait: a lost generate', () => {
	const PHOTO = encodeRgbPng(4, 4, new Uint8Array(48).fill(120), 'lost create');
	const createAndWait = (style: string) => ({
		resource: 'portrait',
		operation: 'createAndWait',
		inputBinaryField: 'data',
		userInputs: { input: [{ nodeId: STYLE_NODE, value: style }] },
		options: {},
	});
	const photo = () => [{ json: {}, binary: { data: { data: PHOTO.toString('base64'), mimeType: 'image/png', fileName: 'rex.png', fileExtension: 'png' } } }];
	const start = () => started<PetPortraitSimulator>(startPetPortraitSimulator({ nodeMs: 3, startDelayMs: 20, imageSize: { width: 32, height: 32 } }));
	const generates = (simulator: PetPortraitSimulator) => simulator.requests.filter((request) => request.path === '/api/generate');

	it('reads its own session, sees the run the cut request began, and finishes it, exactly once', async () => {
		const simulator = await start();
		simulator.faults.add({ method: 'POST', pathPrefix: '/api/generate', fault: CUT_AFTER_COMMIT });
		const { output } = await run('petPortrait', openCredentials(simulator.url), createAndWait('lost generate'), photo());

		expect(simulator.generateCount()).toBe(1);
		expect(generates(simulator)).toHaveLength(1);
		const [session] = simulator.sessions.all();
		expect(output[0].json).toMatchObject({ sessionId: session.id, status: 'completed', resultImage: session.resultImage });
		const fileName = decodeURIComponent(new URL(session.resultImage!, 'http://x').pathname.split('/').pop()!);
		expect(binaryBytes(output[0]).equals(Buffer.from(simulator.imageBytes(fileName)!))).toBe(true);
	});

	it('says the portrait may be generating, and how to look, when the session cannot be read; asks nothing again', async () => {
		const simulator = await start();
		simulator.faults.add({ method: 'POST', pathPrefix: '/api/generate', fault: CUT_AFTER_COMMIT });
		// The one read of the session before generate (what it was like before) passes; every read after fails.
		simulator.faults.add({ method: 'GET', pathPrefix: '/api/status/', times: 1, fault: { kind: 'slow', delayMs: 0 } });
		simulator.faults.add({ method: 'GET', pathPrefix: '/api/status/', times: 50, fault: { kind: 'status', status: 503 } });
		const error = await nodeFailure(run('petPortrait', openCredentials(simulator.url), createAndWait('lost generate, unread'), photo()));

		const [session] = simulator.sessions.all();
		expect(simulator.generateCount()).toBe(1);
		expect(generates(simulator)).toHaveLength(1);
		expect(error.message).toContain(`Pet Portrait session ${session.id}`);
		expectMayExist(error, new RegExp(`GET /api/status/${session.id}`));
	});
});
