// What an independent audit found in Run Flow and Wait, each through the real node class against
// the simulator over a socket: a lost create answer, a timeout that did not bound the run, and
// input the server would have taken silently.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { executeContext } from '../../helpers/n8nContext.ts';
import type { VisionatrixSimulator } from '../../simulators/visionatrix/index.ts';
import { startVisionatrixSimulator } from '../../simulators/visionatrix/index.ts';
import { bytesOf, flow, mapped, node, runNode } from './setup.ts';

const SLOW_SEED = 1001;

describe('Visionatrix Task hardening, against the simulator', () => {
	let simulator: VisionatrixSimulator;

	beforeAll(async () => {
		simulator = await startVisionatrixSimulator({
			// One GPU; the task with seed SLOW_SEED runs for a minute, every other one for 300 ms.
			serial: true,
			taskDurationMs: (_flow, inputs) => (inputs.seed === SLOW_SEED ? 60_000 : 300),
		});
	});
	afterAll(() => simulator.close());
	afterEach(() => simulator.faults.clear());

	const runAndWait = (flowName: string, inputs: Record<string, unknown>, options: Record<string, unknown> = {}) => ({
		resource: 'task',
		operation: 'runAndWait',
		flow: flow(flowName),
		flowInputs: mapped(inputs),
		options,
	});

	async function failure(parameters: Record<string, unknown>, extra = {}): Promise<NodeApiError | NodeOperationError> {
		try {
			await runNode(simulator, parameters, extra);
		} catch (error) {
			return error as NodeApiError | NodeOperationError;
		}
		throw new Error('the node did not fail');
	}

	it('finds the task a lost create answer made and waits for it, without creating another', async () => {
		const before = simulator.createdCount();
		simulator.faults.add({ method: 'PUT', pathPrefix: '/vapi/tasks/create/', fault: { kind: 'drop-after' } });
		const { output, logs } = await runNode(simulator, runAndWait('sdxl_lighting', { prompt: 'a lost answer' }));
		expect(simulator.createdCount()).toBe(before + 1);
		const taskId = output[0].json.task_id as number;
		expect(simulator.task(taskId)!.inputs).toMatchObject({ prompt: 'a lost answer' });
		expect(bytesOf(output[0]).equals(Buffer.from(simulator.resultBytes(taskId, 9, 0)))).toBe(true);
		expect(logs.join('\n')).toContain(`found task ${taskId} on the server`);
	});

	it('tells two identical prompts apart by the seed it chose, when the answer to the second is lost', async () => {
		await runNode(simulator, runAndWait('sdxl_lighting', { prompt: 'twice' }));
		simulator.faults.add({ method: 'PUT', pathPrefix: '/vapi/tasks/create/', fault: { kind: 'drop-after' } });
		const { output } = await runNode(simulator, runAndWait('sdxl_lighting', { prompt: 'twice' }));
		const newest = Math.max(...simulator.tasks().map((task) => task.id));
		expect(output[0].json.task_id).toBe(newest);
	});

	it('finds the task of a flow without seeds (a file input) as the newest unfinished one', async () => {
		const png = Buffer.from(simulator.resultBytes(1, 9, 0));
		const before = simulator.createdCount();
		simulator.faults.add({ method: 'PUT', pathPrefix: '/vapi/tasks/create/', fault: { kind: 'drop-after' } });
		const { output } = await runNode(simulator, runAndWait('remove_background_birefnet', { input_image: 'photo' }), {
			items: [{ json: {}, binary: { photo: { data: png.toString('base64'), mimeType: 'image/png', fileName: 'cat.png' } } }],
		});
		expect(simulator.createdCount()).toBe(before + 1);
		expect(output[0].json).toMatchObject({ name: 'remove_background_birefnet', progress: 100 });
	});

	it('says that the task may exist, in words n8n does not replace, when it cannot be found', async () => {
		const before = simulator.createdCount();
		// The connection drops before the server acts: nothing was created, but the client cannot know.
		simulator.faults.add({ method: 'PUT', pathPrefix: '/vapi/tasks/create/', fault: { kind: 'drop-before' } });
		const error = await failure(runAndWait('sdxl_lighting', { prompt: 'never arrives' }));
		expect(simulator.createdCount()).toBe(before);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toMatch(/^The answer to creating a Visionatrix task of flow "sdxl_lighting" was lost \(.+\) after the request may have reached the server, and no task with these inputs was found\. The task may exist and run on the server: it was not submitted again\.$/);
		expect(error.message).not.toMatch(/retry|ECONN/i);
		expect(error.description).toContain('Look for the newest task of "sdxl_lighting"');
	});

	it('ends the whole run at its timeout when the server stops answering, and says which request ran out', async () => {
		const before = simulator.createdCount();
		simulator.faults.add({ method: 'GET', pathPrefix: '/vapi/flows/installed', fault: { kind: 'slow', delayMs: 30_000 } });
		const error = await failure(runAndWait('sdxl_lighting', { prompt: 'x' }, { timeout: 1 }));
		expect(error.message).toBe('Visionatrix did not answer GET /vapi/flows/installed within the 1 s limit.');
		expect(simulator.createdCount()).toBe(before);
	});

	it('names the real limit and the task that finished, and deletes the one left, when a run of two times out', async () => {
		const error = await failure(runAndWait('sdxl_lighting', { prompt: 'two of them' }, { count: 2, seed: SLOW_SEED - 1, timeout: 3 }));
		// Only the finished one is left on the server: the one still running was deleted.
		const left = simulator.tasks().filter((task) => task.inputs.prompt === 'two of them');
		expect(left.map((task) => [task.inputs.seed, task.state])).toEqual([[SLOW_SEED - 1, 'finished']]);
		const [finished] = left;
		expect(error.message).toBe(
			`Visionatrix task ${finished.id + 1} did not finish within the 3 s timeout (last seen: ${/last seen: ([^)]+)\)/.exec(error.message)?.[1]}). ` +
				`Visionatrix task ${finished.id + 1} was cancelled on the server. Finished before this: task ${finished.id}, whose results stay on the server.`,
		);
	});

	it('refuses a missing required input and a fraction for a whole-number input before submitting, naming the parameter', async () => {
		const before = simulator.createdCount();
		const missing = await failure(runAndWait('sdxl_lighting', { negative_prompt: 'blurry' }));
		expect(missing).toMatchObject({ message: 'Flow "sdxl_lighting" needs a value for its input "prompt" (Prompt), and none was given.', description: 'Check the parameter "Flow Inputs".' });
		const fraction = await failure(runAndWait('sdxl_lighting', { prompt: 'x', batch_size: 2.5 }));
		expect(fraction.message).toContain('Input "batch_size" of flow "sdxl_lighting" must be a whole number');
		expect(simulator.createdCount()).toBe(before);
	});

	it('refuses a password written into the Base URL without repeating it', async () => {
		const { context } = executeContext({
			credentials: { baseUrl: simulator.url.replace('http://', 'http://admin:s3cret@'), authentication: 'none' },
			parameters: runAndWait('sdxl_lighting', { prompt: 'x' }),
		});
		const error = await node.execute.call(context).catch((caught: unknown) => caught as NodeOperationError);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect((error as NodeOperationError).message).toContain("address holds a user name or password");
		expect(JSON.stringify({ ...(error as object), message: (error as Error).message })).not.toContain('s3cret');
	});

	it('refuses an empty input file, naming the flow input', async () => {
		const error = await failure(runAndWait('remove_background_birefnet', { input_image: 'photo' }), {
			items: [{ json: {}, binary: { photo: { data: '', mimeType: 'image/png', fileName: 'empty.png' } } }],
		});
		expect(error).toMatchObject({ message: 'The file "empty.png" for input "input_image" of flow "remove_background_birefnet" is empty (0 bytes).', description: 'Check the parameter "Flow Inputs".' });
	});

	it('reports a redirect of the Base URL instead of following it without the credential', async () => {
		const redirecting = createServer((request, response) => response.writeHead(307, { location: `http://sso.example.test${request.url}` }).end());
		await new Promise<void>((resolve) => redirecting.listen(0, '127.0.0.1', resolve));
		try {
			const { context } = executeContext({
				credentials: { baseUrl: `http://127.0.0.1:${(redirecting.address() as AddressInfo).port}`, authentication: 'basicAuth', user: 'u', password: 'p' },
				parameters: runAndWait('sdxl_lighting', { prompt: 'x' }),
			});
			const error = await node.execute.call(context).catch((caught: unknown) => caught as NodeApiError);
			expect(error).toBeInstanceOf(NodeApiError);
			expect((error as NodeApiError).message).toBe(
				'Visionatrix redirected GET /vapi/flows/installed to http://sso.example.test/vapi/flows/installed (307). Set the address to the server that answers, without a redirect.',
			);
		} finally {
			await new Promise((resolve) => redirecting.close(resolve));
		}
	});
});
