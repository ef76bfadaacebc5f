// Queue mode: n8n's main process takes the webhook, a separate `n8n worker` runs the node, Redis
// carries the job and binary data lives on the filesystem. The answer must be the same as in
// regular mode.
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';

import type { VisionatrixSimulator } from '../../simulators/visionatrix/index.ts';
import { startVisionatrixSimulator } from '../../simulators/visionatrix/index.ts';
import type { RunningN8n } from '../harness/n8n.ts';
import { N8nHome, outcomeOf } from '../harness/n8n.ts';
import { eventually } from '../../helpers/eventually.ts';
import { freePort } from '../harness/ports.ts';
import { loadExample, visionatrixCredential } from '../harness/workflows.ts';

jest.setTimeout(180_000);

/** The webhook example switched to waiting by callback, answering as soon as it starts. */
const byCallback = loadExample('visionatrix-webhook-prompt-to-image.json', 'byCallbackQueue');
byCallback.nodes = byCallback.nodes.filter((node) => node.name !== 'Respond with Image');
byCallback.connections = { Webhook: byCallback.connections.Webhook };
for (const node of byCallback.nodes) {
	if (node.name === 'Webhook') Object.assign(node.parameters, { path: 'generate-by-callback', responseMode: 'onReceived' });
	if (node.name === 'Generate Image') node.parameters.waitMode = 'callback';
}

let simulator: VisionatrixSimulator;
let redis: ChildProcess;
let main: RunningN8n;
let worker: RunningN8n;

beforeAll(async () => {
	simulator = await startVisionatrixSimulator({ taskDurationMs: 1500 });
	const n8n = await N8nHome.create();
	const redisPort = await freePort();
	redis = spawn(n8n.install.redisServer, ['--bind', '127.0.0.1', '--port', String(redisPort), '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
	const queueEnv = { EXECUTIONS_MODE: 'queue', QUEUE_BULL_REDIS_HOST: '127.0.0.1', QUEUE_BULL_REDIS_PORT: String(redisPort) };
	await n8n.importCredentials([visionatrixCredential(simulator)]);
	await n8n.importWorkflows([loadExample('visionatrix-webhook-prompt-to-image.json', 'exWebhookQueue'), byCallback], { publish: true });
	main = await n8n.start({ env: queueEnv });
	worker = await n8n.start({ role: 'worker', env: queueEnv });
});

afterAll(async () => {
	await worker?.stop();
	await main?.stop();
	redis?.kill();
	await simulator?.close();
});

test('the webhook example runs in a worker process and answers with the same image', async () => {
	const { status, contentType, body } = await main.postWebhook('generate-image', { prompt: 'queue mode' });
	expect({ status, contentType }).toEqual({ status: 200, contentType: 'image/png' });

	const execution = await eventually('the execution to be stored', async () => (await main.executions('exWebhookQueue')).find((candidate) => candidate.status === 'success'));
	expect(worker.logs).toContain(`Worker started execution ${execution.id}`);
	const [item] = execution.data.resultData.runData['Generate Image'][0].data!.main[0]!;
	const taskId = item.json.task_id as number;
	expect(body.equals(Buffer.from(simulator.resultBytes(taskId, 9, 0)))).toBe(true);
	// Deleted after download, as in regular mode.
	expect(simulator.task(taskId)).toBeUndefined();
	expect(item.binary!.data).toMatchObject({ mimeType: 'image/png', fileName: `${taskId}_9_00001.png` });
	expect(item.binary!.data.id).toMatch(/^filesystem-v2:/);
	expect(main.home.storedBinary(item.binary!.data.id!).equals(body)).toBe(true);
});

test('waiting by callback in queue mode: parked by the worker, resumed by the main process, finished in a worker', async () => {
	const before = simulator.createdCount();
	expect((await main.postWebhook('generate-by-callback', { prompt: 'parked in queue mode' })).status).toBe(200);
	const execution = await eventually(
		'the parked execution to finish',
		async () => (await main.executions(byCallback.id)).find((candidate) => candidate.status !== 'waiting' && candidate.status !== 'running' && candidate.status !== 'new'),
		60_000,
	);
	expect(outcomeOf(execution)).toEqual({ status: 'success' });
	const [item] = execution.data.resultData.runData['Generate Image'][0].data!.main[0]!;
	const taskId = item.json.task_id as number;
	expect(taskId).toBeGreaterThan(before);
	expect(main.home.storedBinary(item.binary!.data.id!).equals(Buffer.from(simulator.resultBytes(taskId, 9, 0)))).toBe(true);
	// The callbacks reached n8n and were answered; the final one resumed the execution.
	expect(simulator.webhookPosts.filter((post) => post.taskId === taskId).every((post) => post.status === 200)).toBe(true);
	// The worker ran it twice: up to the park, and from the resume on.
	expect(worker.logs.split(`Worker started execution ${execution.id} (`).length - 1).toBe(2);
});
