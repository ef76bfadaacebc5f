// The trigger example, published in a running n8n: one execution per finished task, never two
// for the same task, across scheduled polls and restarts of n8n. The example polls every minute
// (n8n refuses anything shorter), so this file takes a few minutes.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { fetchTransport } from '../../../nodes/shared/core/fetchTransport.ts';
import { Visionatrix } from '../../../nodes/shared/providers/visionatrix/api.ts';
import { scriptEnv } from '../../../scripts/runtime/timers.ts';
import type { VisionatrixSimulator } from '../../simulators/visionatrix/index.ts';
import { startVisionatrixSimulator } from '../../simulators/visionatrix/index.ts';
import type { ExecutionJson, RunningN8n } from '../harness/n8n.ts';
import { N8nHome } from '../harness/n8n.ts';
import { eventually } from '../../helpers/eventually.ts';
import { loadExample, visionatrixCredential } from '../harness/workflows.ts';

jest.setTimeout(420_000);

let simulator: VisionatrixSimulator;
let visionatrix: Visionatrix;
let n8n: N8nHome;
let server: RunningN8n | undefined;

const workflowId = 'exTrigger';

beforeAll(async () => {
	simulator = await startVisionatrixSimulator({ taskDurationMs: 300 });
	visionatrix = new Visionatrix({ baseUrl: simulator.url, env: scriptEnv(fetchTransport()) });
	n8n = await N8nHome.create();
	await n8n.importCredentials([visionatrixCredential(simulator)]);
	const example = loadExample('visionatrix-trigger-collect-finished.json', workflowId, [['/home/node/.n8n-files', n8n.filesFolder]]);
	await n8n.importWorkflows([example], { publish: true });
	mkdirSync(join(n8n.filesFolder, 'genflows', 'finished'), { recursive: true }); // the example's note: the folder must exist
});

afterAll(async () => {
	await server?.stop();
	await simulator?.close();
});

async function finishedTask(prompt: string): Promise<number> {
	const flow = await visionatrix.getInstalledFlow('sdxl_lighting');
	const { tasks_ids: [taskId] } = await visionatrix.createTask(flow, { inputs: { prompt } });
	await simulator.waitFor(taskId, (task) => task.progress === 100);
	return taskId;
}

/** Task ids of every execution so far, one entry per item the trigger emitted. */
async function firedTaskIds(): Promise<number[]> {
	const executions: ExecutionJson[] = await server!.executions(workflowId);
	return executions
		.flatMap((execution) => execution.data.resultData.runData['Visionatrix Trigger']?.[0]?.data?.main[0] ?? [])
		.map((item) => item.json.task_id as number)
		.sort((a, b) => a - b);
}

/** How often the trigger has asked the server for the task list. */
const pollCount = () => simulator.requests.filter((request) => request.path === '/vapi/tasks/progress-summary').length;

async function pollsReach(target: number): Promise<void> {
	await eventually(`poll number ${target}`, async () => (pollCount() >= target ? true : undefined), 150_000, 1000);
}

/** (Re)starts n8n and waits for the poll n8n runs when it activates the workflow. */
async function startAndAwaitActivationPoll(): Promise<void> {
	const polls = pollCount();
	server = await n8n.start();
	await pollsReach(polls + 1);
}

test('fires once per finished task, never twice across polls and restarts', async () => {
	// Already finished when the workflow is first activated: noted, never fired.
	await finishedTask('finished before the workflow was activated');
	await startAndAwaitActivationPoll();

	const first = await finishedTask('first');
	const second = await finishedTask('second');
	const fired = await eventually('both tasks to fire', async () => {
		const ids = await firedTaskIds();
		return ids.length >= 2 ? ids : undefined;
	}, 150_000, 1000);
	expect(fired).toEqual([first, second]);

	// The files reached the disk through the example's Write node, as the server served them.
	for (const taskId of [first, second]) {
		const written = readFileSync(join(n8n.filesFolder, 'genflows', 'finished', `task-${taskId}-${taskId}_9_00001.png`));
		expect(written.equals(Buffer.from(simulator.resultBytes(taskId, 9, 0)))).toBe(true);
	}

	// A task that finishes while n8n is down fires after the restart; the others do not fire again.
	await server!.stop();
	const third = await finishedTask('finished while n8n was down');
	await startAndAwaitActivationPoll();
	await eventually('the task finished during the downtime to fire', async () => ((await firedTaskIds()).includes(third) ? true : undefined), 150_000, 1000);
	await server!.stop();
	await startAndAwaitActivationPoll();
	// One scheduled poll after the activation poll, so both kinds have had their chance to repeat.
	await pollsReach(pollCount() + 1);

	expect(await firedTaskIds()).toEqual([first, second, third]);
});
