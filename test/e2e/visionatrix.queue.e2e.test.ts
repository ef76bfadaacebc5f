// Queue mode: n8n's main process takes the webhook, a separate `n8n worker` runs the node, Redis
// carries the job and binary data lives on the filesystem. The answer must be the same as in
// regular mode.
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';

import type { VisionatrixSimulator } from '../simulators/visionatrix/index.ts';
import { startVisionatrixSimulator } from '../simulators/visionatrix/index.ts';
import type { RunningN8n } from './harness/n8n.ts';
import { N8nHome } from './harness/n8n.ts';
import { eventually, freePort } from './harness/ports.ts';
import { loadExample, visionatrixCredential } from './harness/workflows.ts';

jest.setTimeout(180_000);

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
	await n8n.importWorkflows([loadExample('visionatrix-webhook-prompt-to-image.json', 'exWebhookQueue')], { publish: true });
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
