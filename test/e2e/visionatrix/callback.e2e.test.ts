// Run Flow and Wait "By Callback" in a real n8n: the execution parks (status `waiting`, no
// worker held) and the simulator's Visionatrix-style callbacks, httpx URL joining included,
// resume it. Timeouts go both ways: a progress report after the deadline deletes the task; total
// silence ends in n8n's own wait limit, which fails the execution with the armed message.
import type { VisionatrixSimulator, WebhookPost } from '../../simulators/visionatrix/index.ts';
import { startVisionatrixSimulator } from '../../simulators/visionatrix/index.ts';
import type { ExecutionJson, RunningN8n } from '../harness/n8n.ts';
import { N8nHome, outcomeOf } from '../harness/n8n.ts';
import { eventually } from '../../helpers/eventually.ts';
import type { WorkflowJson } from '../harness/workflows.ts';
import { afterNode, generateImageNode, linearWorkflow, visionatrixCredential } from '../harness/workflows.ts';

jest.setTimeout(240_000);

const DURATIONS: Record<string, number> = { RESTART: 35_000, LONG: 120_000 };
let simulator: VisionatrixSimulator;
let n8n: N8nHome;
let server: RunningN8n;
const workflowId = 'byCallback';

/** Webhook (answers at once) -> Run Flow and Wait by callback -> Set. */
const workflow: WorkflowJson = linearWorkflow(workflowId, [
	{
		name: 'Webhook',
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2.1,
		parameters: { httpMethod: 'POST', path: 'generate-by-callback', responseMode: 'onReceived', options: {} },
		webhookId: '5f0f7c3e-6a4c-4a55-9d1f-000000000001',
	},
	generateImageNode('={{ $json.body.prompt }}', {}, { timeout: '={{ $json.body.timeout ?? 600 }}' }),
	afterNode(),
]);
workflow.nodes[1].parameters.waitMode = 'callback';

beforeAll(async () => {
	simulator = await startVisionatrixSimulator({
		taskDurationMs: (_flow, inputs) => DURATIONS[String(inputs.prompt).split(' ')[0]] ?? 6000,
		queueDelayMs: (_flow, inputs) => (String(inputs.prompt).startsWith('STUCK') ? 600_000 : 0),
		progressSteps: 12,
	});
	n8n = await N8nHome.create();
	await n8n.importCredentials([visionatrixCredential(simulator)]);
	await n8n.importWorkflows([workflow], { publish: true });
	server = await n8n.start();
});

afterAll(async () => {
	await server?.stop();
	await simulator?.close();
});

/** Starts a run through the workflow's webhook; resolves with its task id once the simulator has it. */
async function startRun(prompt: string, timeoutSeconds?: number): Promise<number> {
	const before = simulator.createdCount();
	const { status } = await server.postWebhook('generate-by-callback', { prompt, timeout: timeoutSeconds });
	expect(status).toBe(200);
	return await eventually(`the task for "${prompt}"`, async () => simulator.tasks().find((task) => task.id > before && task.inputs.prompt === prompt)?.id);
}

/**
 * The execution that submitted `taskId`: while parked its node metadata holds the armed timeout
 * message ("Visionatrix task 7 did not call back …"), once resumed its items carry `task_id`.
 */
async function executionOf(taskId: number): Promise<ExecutionJson | undefined> {
	const mentions = new RegExp(`Visionatrix task ${taskId} |"task_id":${taskId}[,}]`);
	return (await server.executions(workflowId)).find((execution) => mentions.test(JSON.stringify(execution)));
}

async function finished(taskId: number, timeoutMs = 60_000): Promise<ExecutionJson> {
	return await eventually(`the execution of task ${taskId} to end`, async () => {
		const execution = await executionOf(taskId);
		return execution && execution.status !== 'waiting' && execution.status !== 'running' ? execution : undefined;
	}, timeoutMs, 500);
}

const answered = (taskId: number, test: (post: WebhookPost) => boolean) =>
	simulator.webhookPosts.filter((post) => post.taskId === taskId && post.status !== undefined && test(post));

test('the parked execution ignores progress reports and resumes on the final callback with the files', async () => {
	const taskId = await startRun('a lighthouse at dusk');
	// Progress reports reach the node (n8n answers 200) while the execution stays parked.
	await eventually('three answered progress reports', async () => (answered(taskId, (post) => (post.body as { progress: number }).progress < 100).length >= 3 ? true : undefined));
	const parked = await executionOf(taskId);
	expect(parked?.status).toBe('waiting');
	expect(answered(taskId, () => true).every((post) => post.status === 200)).toBe(true);
	expect(simulator.task(taskId)?.progress).toBeLessThan(100);

	const execution = await finished(taskId);
	expect(outcomeOf(execution)).toEqual({ status: 'success' });
	const [item] = execution.data.resultData.runData['Generate Image'][0].data!.main[0]!;
	expect(item.json).toMatchObject({ task_id: taskId, progress: 100, input_params: { prompt: 'a lighthouse at dusk' } });
	expect(item.binary!.data).toMatchObject({ mimeType: 'image/png', fileName: `${taskId}_9_00001.png` });
	expect(n8n.storedBinary(item.binary!.data.id!).equals(Buffer.from(simulator.resultBytes(taskId, 9, 0)))).toBe(true);
	// The next node got the same item: the workflow went on from the resumed node.
	const [after] = execution.data.resultData.runData.After[0].data!.main[0]!;
	expect(after.json.task_id).toBe(taskId);
});

test('a callback with a wrong body or for another task does not resume the execution', async () => {
	const taskId = await startRun('RESTART forged calls first');
	const [post] = await eventually('a first progress report', async () => {
		const posts = answered(taskId, () => true);
		return posts.length ? posts : undefined;
	});
	const forge = async (body: unknown) =>
		(await fetch(post.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).status;
	expect(await forge({ task_id: taskId + 1000, progress: 100, execution_time: 1, error: '' })).toBe(200);
	expect(await forge({ hello: 'world' })).toBe(200);
	expect(await forge({ task_id: taskId, progress: 'done' })).toBe(200);
	expect((await executionOf(taskId))?.status).toBe('waiting');
	// A forged URL (wrong signature) is refused by n8n itself.
	const unsigned = post.url.replace(/signature=[0-9a-f]+/, 'signature=0000');
	expect((await fetch(unsigned, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status).toBe(401);

	// n8n restarts while the execution is parked; the callback after the restart still resumes it.
	await server.stop();
	server = await n8n.start();
	const execution = await finished(taskId, 90_000);
	expect(outcomeOf(execution)).toEqual({ status: 'success' });
	expect(answered(taskId, () => true).length).toBeGreaterThan(0);
	expect(simulator.webhookPosts.some((candidate) => candidate.taskId === taskId && candidate.error !== undefined)).toBe(true);
});

test("a failed task fails the resumed execution with the server's error", async () => {
	const taskId = await startRun('FAIL on purpose');
	const execution = await finished(taskId);
	expect(outcomeOf(execution)).toEqual({ status: 'error', error: `Visionatrix task ${taskId} failed: Allocation on device ` });
	expect(execution.data.resultData.runData.After).toBeUndefined();
});

test('a progress report after the deadline deletes the task and fails the execution', async () => {
	const taskId = await startRun('LONG render', 3);
	const execution = await finished(taskId);
	expect(outcomeOf(execution).status).toBe('error');
	expect(outcomeOf(execution).error).toMatch(new RegExp(`^Visionatrix task ${taskId} did not finish in time \\(still at [\\d.]+ %\\); deleted on the server\\.$`));
	expect(simulator.task(taskId)).toBeUndefined();
});

test("a task that never reports ends in n8n's wait limit with the armed message", async () => {
	const taskId = await startRun('STUCK in the queue', 2);
	// n8n's wait tracker looks for due executions once a minute.
	const execution = await finished(taskId, 150_000);
	expect(outcomeOf(execution)).toEqual({
		status: 'error',
		error:
			`Visionatrix task ${taskId} did not call back within 2 s. n8n runs no node code when a wait limit passes, so nothing was deleted: ` +
			'look the task up with the Get operation (one that finished within moments of its creation may have called back before n8n had parked the execution) and delete it if needed.',
	});
	// As the message says: nothing could delete it.
	expect(simulator.task(taskId)).toBeDefined();
});
