// Run Flow and Wait "By Callback" with emulated n8n contexts: execute() parks, a local stand-in
// for n8n's waiting-webhook endpoint hands the simulator's real callbacks to webhook(). The same
// paths run in a real n8n in test/e2e/visionatrix.callback.e2e.test.ts.
import { executeContext, parkedExecution } from '../../helpers/n8nContext.ts';
import { WaitingWebhookEndpoint } from '../../helpers/waitingWebhookEndpoint.ts';
import type { VisionatrixSimulator } from '../../simulators/visionatrix/index.ts';
import { startVisionatrixSimulator } from '../../simulators/visionatrix/index.ts';
import { bytesOf, credentialsFor, flow, mapped, node } from './setup.ts';


describe('Visionatrix Task: Run Flow and Wait by callback', () => {
	let simulator: VisionatrixSimulator;
	const endpoints: WaitingWebhookEndpoint[] = [];

	beforeAll(async () => {
		simulator = await startVisionatrixSimulator({
			taskDurationMs: (_flow, inputs) => (String(inputs.prompt).startsWith('LONG') ? 30_000 : 800),
			progressSteps: 6,
		});
	});
	afterAll(async () => {
		await Promise.all(endpoints.map((endpoint) => endpoint.close()));
		await simulator.close();
	});

	async function park(prompt: string, options: Record<string, unknown> = {}, extra: { customData?: Record<string, string> } = {}) {
		const parameters = { resource: 'task', operation: 'runAndWait', waitMode: 'callback', flow: flow('sdxl_lighting'), flowInputs: mapped({ prompt }), options };
		const parked = parkedExecution('', extra.customData);
		const endpoint = new WaitingWebhookEndpoint(node, credentialsFor(simulator), parked, parameters);
		endpoints.push(endpoint);
		parked.resumeUrl = await endpoint.start();
		const { context } = executeContext({ credentials: credentialsFor(simulator), parameters, parked, mode: 'trigger' });
		const output = await node.execute.call(context);
		return { endpoint, parked, output, taskId: simulator.createdCount() };
	}

	it('parks with the resume URL as webhook, ignores progress reports, and resumes with the files on the final callback', async () => {
		const { endpoint, parked, output, taskId } = await park('a harbour at dawn', { timeout: 60 });
		expect(output).toEqual([[{ json: {}, pairedItem: { item: 0 } }]]);
		expect(parked.waitTill!.getTime()).toBeGreaterThan(Date.now() + 55_000);
		expect(parked.metadata.resumeError?.message).toMatch(new RegExp(`^Visionatrix task ${taskId} did not call back within 60 s\\.`));

		const resumed = await endpoint.resumedWith;
		const posts = simulator.webhookPosts.filter((post) => post.taskId === taskId);
		expect(posts.at(-1)!.url).toBe(`${parked.resumeUrl}/task-progress`);
		// Every progress report before the last call kept the execution parked.
		expect(endpoint.answers.slice(0, -1).length).toBeGreaterThan(2);
		expect(endpoint.answers.slice(0, -1).every((answer) => answer.workflowData === undefined)).toBe(true);
		const [[item]] = resumed.workflowData!;
		expect(item.json).toMatchObject({ task_id: taskId, progress: 100, name: 'sdxl_lighting' });
		expect(item.pairedItem).toEqual({ item: 0 });
		expect(bytesOf(item).equals(Buffer.from(simulator.resultBytes(taskId, 9, 0)))).toBe(true);
		// The armed timeout failure is disarmed, so n8n continues with these items.
		expect(parked.metadata.resumeError).toBeUndefined();
	});

	it("resumes a failed task as this node's error with the server's message", async () => {
		const { endpoint, parked, taskId } = await park('FAIL here');
		await endpoint.resumedWith;
		expect(parked.metadata.resumeError?.message).toBe(`Visionatrix task ${taskId} failed: Allocation on device `);
	});

	it('ignores a callback for another task, a malformed body, and executions it did not park', async () => {
		const { endpoint, taskId } = await park('LONG wait for forged calls', { timeout: 60 });
		expect(await endpoint.deliver({ task_id: taskId + 1, progress: 100, execution_time: 1, error: '' })).toEqual({});
		expect(await endpoint.deliver({ task_id: taskId, progress: 'done' })).toEqual({});
		expect(await endpoint.deliver('not even an object')).toEqual({});
		const stranger = new WaitingWebhookEndpoint(node, credentialsFor(simulator), parkedExecution('http://unused'), {});
		expect(await stranger.deliver({ task_id: taskId, progress: 100, execution_time: 1, error: '' })).toEqual({});
		expect(simulator.task(taskId)?.progress).toBeLessThan(100);
	});

	it('deletes the task on the first progress report after the deadline and resumes with a timeout error', async () => {
		const { endpoint, parked, taskId } = await park('LONG past its deadline', { timeout: 1 });
		await endpoint.resumedWith;
		expect(parked.metadata.resumeError?.message).toMatch(new RegExp(`^Visionatrix task ${taskId} did not finish in time \\(still at [\\d.]+ %\\); deleted on the server\\.$`));
		expect(simulator.task(taskId)).toBeUndefined();
	});

	it('waits for every task of a run with count > 1 and resumes once with all their files', async () => {
		const { endpoint, parked, taskId } = await park('two of them', { count: 2 });
		const resumed = await endpoint.resumedWith;
		const taskIds = resumed.workflowData![0].map((item) => item.json.task_id);
		expect(taskIds).toEqual([taskId - 1, taskId]);
		expect(parked.metadata.resumeError).toBeUndefined();
	});

	it('refuses more than one input item, naming the parameter', async () => {
		const parameters = { resource: 'task', operation: 'runAndWait', waitMode: 'callback', flow: flow('sdxl_lighting'), flowInputs: mapped({ prompt: 'x' }) };
		const parked = parkedExecution('http://unused');
		const before = simulator.createdCount();
		const { context } = executeContext({ credentials: credentialsFor(simulator), parameters, parked, items: [{ json: {} }, { json: {} }] });
		await expect(node.execute.call(context)).rejects.toMatchObject({
			message: expect.stringMatching(/^Waiting by callback handles one input item per execution .* got 2\./),
			description: 'Check the parameter "Wait By".',
		});
		expect(simulator.createdCount()).toBe(before);
		expect(parked.waitTill).toBeUndefined();
	});

	it('deletes the task it just created when n8n cannot keep the parked state (custom data full)', async () => {
		const full = Object.fromEntries(Array.from({ length: 10 }, (_, index) => [`user_key_${index}`, 'x']));
		const before = simulator.createdCount();
		await expect(park('no room', {}, { customData: full })).rejects.toThrow(/did not keep the state/);
		expect(simulator.createdCount()).toBe(before + 1);
		expect(simulator.task(before + 1)).toBeUndefined();
	});
});
