// Real n8n as a server (`n8n start`): credential test through n8n's own endpoint, the webhook and
// schedule examples, and Stop on a running execution.
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { VisionatrixSimulator } from '../../simulators/visionatrix/index.ts';
import { startVisionatrixSimulator } from '../../simulators/visionatrix/index.ts';
import type { ExecutionJson, RunningN8n } from '../harness/n8n.ts';
import { N8nHome, outcomeOf } from '../harness/n8n.ts';
import { eventually } from '../../helpers/eventually.ts';
import { generateImageNode, linearWorkflow, loadExample, manualTrigger, visionatrixCredential } from '../harness/workflows.ts';

jest.setTimeout(180_000);

const alice = { user: 'alice', password: 'wonder' };
let simulator: VisionatrixSimulator;
let n8n: N8nHome;
let server: RunningN8n;

const webhookExample = loadExample('visionatrix-webhook-prompt-to-image.json', 'exWebhook');
const stoppable = linearWorkflow('stoppableRun', [manualTrigger, generateImageNode('a SLOW render')]);

beforeAll(async () => {
	simulator = await startVisionatrixSimulator({
		auth: { users: { alice: { password: alice.password } } },
		taskDurationMs: (_flow, inputs) => (String(inputs.prompt).includes('SLOW') ? 120_000 : 1500),
	});
	n8n = await N8nHome.create();
	await n8n.importCredentials([
		visionatrixCredential(simulator, alice),
		visionatrixCredential(simulator, { user: 'alice', password: 'not-her-password' }, 'e2eVisionatrixWrong'),
	]);
	const scheduleExample = loadExample('visionatrix-schedule-image-to-disk.json', 'exSchedule', [['/home/node/.n8n-files', n8n.filesFolder]]);
	await n8n.importWorkflows([scheduleExample, stoppable]);
	await n8n.importWorkflows([webhookExample], { publish: true });
	server = await n8n.start();
});

afterAll(async () => {
	await server?.stop();
	await simulator?.close();
});

async function finishedExecution(workflowId: string, executionId?: string): Promise<ExecutionJson> {
	return await eventually(`an execution of ${workflowId} to finish`, async () => {
		const executions = await server.executions(workflowId);
		return executions.find((execution) => (executionId === undefined || String(execution.id) === executionId) && execution.status !== 'running' && execution.status !== 'new');
	});
}

test("the credential test passes through n8n's credential-test endpoint, and fails readably with a wrong password", async () => {
	const good = visionatrixCredential(simulator, alice);
	expect(await server.rest('POST', '/credentials/test', { credentials: good })).toEqual({ status: 'OK', message: 'Connection successful!' });

	const wrong = visionatrixCredential(simulator, { user: 'alice', password: 'not-her-password' }, 'e2eVisionatrixWrong');
	const failed = await server.rest<{ status: string; message: string }>('POST', '/credentials/test', { credentials: wrong });
	expect(failed.status).toBe('Error');
	expect(failed.message).toMatch(/401|credentials|authori[sz]/i);
});

test('n8n serves the credential type with its test request', async () => {
	const response = await server.getSignedIn('/types/credentials.json');
	const types = (await response.json()) as Array<{ name: string; displayName: string; test?: { request: { url: string } } }>;
	const ours = types.find((type) => type.name === 'visionatrixApi');
	expect(ours?.displayName).toBe('Visionatrix API');
	expect(ours?.test?.request.url).toBe('/vapi/other/whoami');
});

test('example "webhook": a prompt POSTed to n8n comes back as the generated PNG', async () => {
	const { status, contentType, body } = await server.postWebhook('generate-image', { prompt: 'a lighthouse at dusk' });
	expect({ status, contentType }).toEqual({ status: 200, contentType: 'image/png' });

	const execution = await finishedExecution(webhookExample.id);
	expect(outcomeOf(execution)).toEqual({ status: 'success' });
	const [item] = execution.data.resultData.runData['Generate Image'][0].data!.main[0]!;
	const taskId = item.json.task_id as number;
	expect(item.json).toMatchObject({ name: 'sdxl_lighting', progress: 100, input_params: { prompt: 'a lighthouse at dusk' } });
	expect(item.binary!.data).toMatchObject({ mimeType: 'image/png', fileName: `${taskId}_9_00001.png` });
	expect(body.equals(Buffer.from(simulator.resultBytes(taskId, 9, 0)))).toBe(true);
	// The example deletes the task once its image is downloaded, and basic auth went through n8n.
	expect(simulator.task(taskId)).toBeUndefined();
	expect(simulator.requests.filter((request) => request.path.startsWith('/vapi/tasks')).every((request) => request.user === 'alice')).toBe(true);
});

test('example "schedule": a run writes the generated image to disk', async () => {
	const folder = join(n8n.filesFolder, 'genflows');
	mkdirSync(folder); // the example's note: the folder must exist
	const { executionId } = await server.rest<{ executionId: string }>('POST', '/workflows/exSchedule/run', { triggerToStartFrom: { name: 'Every Morning' } });
	const execution = await finishedExecution('exSchedule', executionId);
	expect(outcomeOf(execution)).toEqual({ status: 'success' });
	const [item] = execution.data.resultData.runData['Generate Image'][0].data!.main[0]!;
	const taskId = item.json.task_id as number;
	const written = readdirSync(folder).filter((name) => name.endsWith(`-${taskId}_9_00001.png`));
	expect(written).toHaveLength(1);
	expect(readFileSync(join(folder, written[0])).equals(Buffer.from(simulator.resultBytes(taskId, 9, 0)))).toBe(true);
});

test("Stop on a running execution deletes the remote task", async () => {
	const before = simulator.createdCount();
	const { executionId } = await server.rest<{ executionId: string }>('POST', `/workflows/${stoppable.id}/run`, { triggerToStartFrom: { name: 'Start' } });
	const task = await eventually('the task to start running', async () => simulator.tasks().find((candidate) => candidate.id > before && candidate.progress > 0));

	await server.rest('POST', `/executions/${executionId}/stop`);
	await eventually('the task to be deleted on the server', async () => (simulator.task(task.id) === undefined ? true : undefined), 10_000);
	const execution = await finishedExecution(stoppable.id, executionId);
	expect(execution.status).toBe('canceled');
	expect(simulator.createdCount()).toBe(before + 1);
});

