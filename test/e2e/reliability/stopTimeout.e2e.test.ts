// Stop and workflow timeout in a real n8n, regular mode and queue mode (main + worker + Redis):
// for every provider that can cancel (Visionatrix, Flowscale, InvokeAI) the remote job is cancelled
// after n8n's Stop (POST /rest/executions/:id/stop) and after the workflow's own timeout (settings
// `executionTimeout`). Pet Portrait's API cannot cancel: Stop ends the execution and says the
// server finishes the portrait anyway. The jobs run for minutes on the simulators, so only a
// cancel ends them.
//
// The simulators record when each cancel request arrived; the delay from Stop (or from the moment
// the timeout was due) is measured and reported, not asserted on (a loaded machine would make such
// an assertion flaky): the cancel must arrive within a generous bound. With
// GENFLOWS_WRITE_RELIABILITY=1 the delays are written to RELIABILITY.md (section "stop").
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';

import { eventually } from '../../helpers/eventually.ts';
import type { ExecutionJson, RunningN8n } from '../harness/n8n.ts';
import { N8nHome } from '../harness/n8n.ts';
import { freePort } from '../harness/ports.ts';
import type { WorkflowJson } from '../harness/workflows.ts';
import type { Fleet, ProviderName } from '../load/fleet.ts';
import { exampleWorkflow, requestBody, startFleet } from '../load/fleet.ts';
import { activateWorkflows, writeReliabilitySection } from '../load/report.ts';

jest.setTimeout(300_000);

/** Seconds: the workflow timeout of the `timeout` variants (long enough for the job to be running first). */
const TIMEOUT_SECONDS = 6;
/** The "eventually" bound for a cancel to reach the server: generous, the delay itself is recorded. */
const CANCEL_BOUND_MS = 30_000;

type Mode = 'regular' | 'queue';
type Kind = 'stop' | 'timeout';
type Cancellable = Exclude<ProviderName, 'petPortrait'>;
const CANCELLABLE: Cancellable[] = ['visionatrix', 'flowscale', 'invokeai'];

let fleet: Fleet;
let redis: ChildProcess | undefined;
const servers: Partial<Record<Mode, { main: RunningN8n; worker?: RunningN8n }>> = {};
let n8nVersion = '';
const measured: Array<{ provider: ProviderName; mode: Mode; kind: Kind; delayMs: number; request: string }> = [];

function workflowsFor(): WorkflowJson[] {
	const workflows: WorkflowJson[] = [];
	for (const provider of CANCELLABLE) {
		workflows.push(exampleWorkflow(provider, { id: `stop-${provider}`, path: `stop-${provider}`, answerAtOnce: true }));
		workflows.push(exampleWorkflow(provider, { id: `timeout-${provider}`, path: `timeout-${provider}`, answerAtOnce: true, settings: { executionTimeout: TIMEOUT_SECONDS } }));
	}
	workflows.push(exampleWorkflow('petPortrait', { id: 'stop-petPortrait', path: 'stop-petPortrait', answerAtOnce: true }));
	return workflows;
}

async function prepareHome(): Promise<N8nHome> {
	const home = await N8nHome.create();
	n8nVersion = home.install.n8nVersion;
	await home.importCredentials(fleet.credentials);
	await home.importWorkflows(workflowsFor());
	return home;
}

beforeAll(async () => {
	fleet = await startFleet('long');
	const [regularHome, queueHome] = [await prepareHome(), await prepareHome()];
	const redisPort = await freePort();
	redis = spawn(queueHome.install.redisServer, ['--bind', '127.0.0.1', '--port', String(redisPort), '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
	const queueEnv = { EXECUTIONS_MODE: 'queue', QUEUE_BULL_REDIS_HOST: '127.0.0.1', QUEUE_BULL_REDIS_PORT: String(redisPort) };
	const ids = workflowsFor().map((workflow) => workflow.id);
	servers.regular = { main: await regularHome.start() };
	await activateWorkflows(servers.regular.main, ids);
	const queueMain = await queueHome.start({ env: queueEnv });
	servers.queue = { main: queueMain, worker: await queueHome.start({ role: 'worker', env: queueEnv }) };
	await activateWorkflows(queueMain, ids);
});

afterAll(async () => {
	await servers.queue?.worker?.stop();
	await servers.queue?.main.stop();
	await servers.regular?.main.stop();
	redis?.kill();
	await fleet?.close();
	if (measured.length > 0) {
		process.stdout.write(`stop/timeout → cancel delays (ms): ${JSON.stringify(measured)}\n`);
		if (process.env.GENFLOWS_WRITE_RELIABILITY === '1') writeReliabilitySection('stop', stopReport());
	}
});

/** The remote job a run with this key started, once it is running on the server; its id. */
function runningJob(provider: ProviderName, key: string): string | undefined {
	switch (provider) {
		case 'visionatrix':
			return fleet.visionatrix.tasks().find((task) => task.inputs.prompt === key && task.state === 'running')?.id.toString();
		case 'flowscale':
			return fleet.flowscale.runs().find((run) => run.inputs.some((input) => input.value === key) && run.state === 'running')?.id;
		case 'invokeai':
			// The simulator's one GPU may still be finishing the node of an item cancelled before: queued counts.
			return fleet.invokeai
				.items()
				.find((item) => ['pending', 'in_progress'].includes(item.status) && Object.values(item.session.graph.nodes).some((node) => node.prompt === key))
				?.item_id.toString();
		case 'petPortrait':
			return fleet.petPortrait.sessions.all().find((session) => session.generates.some((generate) => JSON.stringify(generate.userInputs).includes(JSON.stringify(key))))?.id;
	}
}

/** The n8n process that runs the executions: the worker in queue mode. */
function processOf(mode: Mode): RunningN8n {
	return mode === 'queue' ? servers.queue!.worker! : servers.regular!.main;
}

/** How the node's messages name the job. */
function jobLabel(provider: Cancellable, jobId: string): string {
	return { visionatrix: `Visionatrix task ${jobId}`, flowscale: `Flowscale run ${jobId}`, invokeai: `InvokeAI queue item ${jobId}` }[provider];
}

/** The node's own words (n8n may keep only its "cancelled" error), in the log of the process that ran it. */
async function nodeLoggedCancel(mode: Mode, provider: Cancellable, jobId: string): Promise<void> {
	const label = jobLabel(provider, jobId);
	const words = `: Stopped waiting for ${label}. ${label} was cancelled on the server.`;
	await eventually(`the node to log "${words}"`, async () => (processOf(mode).logs.includes(words) ? true : undefined), 10_000);
}

/** The cancel (or delete) request for the job that reached the simulator at or after `since`: when it arrived, and what it was. */
function cancelArrival(provider: Cancellable, jobId: string, since: number): { at: number; request: string } | undefined {
	type Logged = { method: string; path: string; query: Record<string, string>; at: number };
	const first = (requests: Logged[], match: (request: Logged) => boolean) => {
		const found = requests.find((request) => request.at >= since && match(request));
		return found && { at: found.at, request: `${found.method} ${found.path}` };
	};
	switch (provider) {
		case 'visionatrix':
			return first(fleet.visionatrix.requests, (request) => request.method === 'DELETE' && request.path === '/vapi/tasks/task' && request.query.task_id === jobId);
		case 'flowscale':
			return first(fleet.flowscale.requests, (request) => request.method === 'POST' && request.path === `/api/v1/runs/${jobId}/cancel`);
		case 'invokeai':
			// The item's own cancel, or its batch's (the node cancels what it started either way).
			return first(fleet.invokeai.requests, (request) => request.method === 'PUT' && (request.path.endsWith(`/i/${jobId}/cancel`) || request.path.endsWith('/cancel_by_batch_ids')));
	}
}

/** The job as the server shows it after the cancel: gone or cancelled. */
function remoteCancelled(provider: Cancellable, jobId: string): boolean {
	switch (provider) {
		case 'visionatrix':
			return fleet.visionatrix.task(Number(jobId)) === undefined;
		case 'flowscale':
			return fleet.flowscale.run(jobId)?.state === 'cancelled';
		case 'invokeai':
			return fleet.invokeai.item(Number(jobId))?.status === 'canceled';
	}
}

/** n8n's REST list of a workflow's executions (running ones included, which the public API may leave out). */
async function restExecutions(server: RunningN8n, workflowId: string): Promise<Array<{ id: string; status: string; startedAt?: string; stoppedAt?: string }>> {
	const filter = encodeURIComponent(JSON.stringify({ workflowId }));
	const page = await server.rest<{ results: Array<{ id: string; status: string; startedAt?: string; stoppedAt?: string }> }>('GET', `/executions?filter=${filter}`);
	return page.results;
}

/** The execution once n8n has ended it (status from the REST list, data from the public API). */
async function finished(server: RunningN8n, workflowId: string, executionId: string): Promise<ExecutionJson> {
	await eventually(
		`execution ${executionId} to end`,
		async () => ((await restExecutions(server, workflowId)).some((execution) => execution.id === executionId && !['running', 'new', 'waiting'].includes(execution.status)) ? true : undefined),
		60_000,
		500,
	);
	return await server.api<ExecutionJson>(`/executions/${executionId}?includeData=true`);
}

/** Starts the workflow by its webhook; the execution id and the remote job, once running. */
async function startJob(mode: Mode, provider: ProviderName, kind: Kind): Promise<{ server: RunningN8n; key: string; executionId: string; jobId: string; workflowId: string }> {
	const server = servers[mode]!.main;
	const workflowId = `${kind}-${provider}`;
	const key = `${kind} in ${mode} mode, ${provider}, ${Date.now()}`;
	const before = new Set((await restExecutions(server, workflowId)).map((execution) => execution.id));
	const answer = await server.postWebhook(workflowId, requestBody(fleet, provider, key));
	expect(answer.status).toBe(200);
	const jobId = await eventually(`the ${provider} job to run on the server`, async () => runningJob(provider, key), 60_000);
	const executionId = await eventually('the execution to be listed', async () => (await restExecutions(server, workflowId)).find((execution) => !before.has(execution.id))?.id);
	return { server, key, executionId, jobId, workflowId };
}

describe.each<Mode>(['regular', 'queue'])('%s mode', (mode) => {
	test.each(CANCELLABLE)("%s: n8n's Stop cancels the remote job", async (provider) => {
		const { server, executionId, jobId, workflowId } = await startJob(mode, provider, 'stop');
		const stopAt = Date.now();
		await server.rest('POST', `/executions/${executionId}/stop`);
		const cancel = await eventually(`the ${provider} cancel to arrive`, async () => cancelArrival(provider, jobId, stopAt), CANCEL_BOUND_MS, 50);
		measured.push({ provider, mode, kind: 'stop', delayMs: cancel.at - stopAt, request: cancel.request });
		await eventually('the job to be cancelled on the server', async () => (remoteCancelled(provider, jobId) ? true : undefined), CANCEL_BOUND_MS);
		expect((await finished(server, workflowId, executionId)).status).toBe('canceled');
		if (mode === 'queue') expect(servers.queue!.worker!.logs).toContain(`Worker started execution ${executionId}`);
		await nodeLoggedCancel(mode, provider, jobId);
	});

	test.each(CANCELLABLE)('%s: the workflow timeout cancels the remote job', async (provider) => {
		const { server, executionId, jobId, workflowId } = await startJob(mode, provider, 'timeout');
		const cancel = await eventually(`the ${provider} cancel to arrive`, async () => cancelArrival(provider, jobId, 0), TIMEOUT_SECONDS * 1000 + CANCEL_BOUND_MS, 50);
		await eventually('the job to be cancelled on the server', async () => (remoteCancelled(provider, jobId) ? true : undefined), CANCEL_BOUND_MS);
		const execution = await finished(server, workflowId, executionId);
		const startedAt = Date.parse((await restExecutions(server, workflowId)).find((candidate) => candidate.id === executionId)!.startedAt!);
		// The timeout was due TIMEOUT_SECONDS after n8n started the execution (in queue mode the worker counts from its own start, a little later).
		measured.push({ provider, mode, kind: 'timeout', delayMs: cancel.at - (startedAt + TIMEOUT_SECONDS * 1000), request: cancel.request });
		expect(cancel.at).toBeGreaterThanOrEqual(startedAt + TIMEOUT_SECONDS * 1000 - 1000);
		expect(execution.status).toBe('canceled');
		// Nothing else stopped it: in queue mode the main process logs that the worker ended it for the timeout.
		if (mode === 'queue') expect(server.logs).toMatch(new RegExp(`Execution ${executionId} \\(job \\d+\\) failed\\s+TimeoutExecutionCancelledError`));
		await nodeLoggedCancel(mode, provider, jobId);
	});

	test('Pet Portrait (no cancel in its API): Stop ends the execution, saying the server finishes the portrait anyway', async () => {
		const { server, key, executionId, workflowId } = await startJob(mode, 'petPortrait', 'stop');
		const generates = fleet.petPortrait.generateCount();
		await server.rest('POST', `/executions/${executionId}/stop`);
		const execution = await finished(server, workflowId, executionId);
		expect(execution.status).toBe('canceled');
		// n8n records its own "cancelled manually"; the node's words are in the log of the process that ran it.
		const runner = processOf(mode);
		const session = runningJob('petPortrait', key)!;
		await eventually('the node to log what becomes of the portrait', async () =>
			runner.logs.includes(`Pet Portrait cannot cancel a run: the server finishes the portrait of session ${session} anyway`) ? true : undefined,
		);
		// Nothing was sent again.
		expect(fleet.petPortrait.generateCount()).toBe(generates);
	});
});

const NAMES: Record<ProviderName, string> = { visionatrix: 'Visionatrix', flowscale: 'Flowscale', petPortrait: 'Pet Portrait', invokeai: 'InvokeAI' };

function stopReport(): string {
	const row = (provider: ProviderName, kind: Kind) =>
		(['regular', 'queue'] as Mode[]).map((mode) => {
			const entry = measured.find((candidate) => candidate.provider === provider && candidate.kind === kind && candidate.mode === mode);
			return entry ? `${entry.delayMs} ms` : 'not run';
		});
	const lines = [
		'## Stop and timeout in a real n8n: when the remote job is cancelled',
		'',
		`Measured by \`test/e2e/reliability/stopTimeout.e2e.test.ts\` (n8n ${n8nVersion}, regular mode and queue mode with main + worker + Redis, ${new Date().toISOString().slice(0, 10)}): the time from n8n's Stop`,
		`(\`POST /rest/executions/:id/stop\`), or from the moment the workflow timeout (\`executionTimeout\`: ${TIMEOUT_SECONDS} s) was due, to the`,
		"cancel request's arrival at the simulator, as the simulator logged it; for the timeout, from n8n's `startedAt` of the execution",
		`plus the timeout. Cancel requests seen: ${[...new Set(measured.map((entry) => `${NAMES[entry.provider]} \`${entry.request.replace(/\/[0-9a-f-]{36}\//, '/{id}/').replace(/\/i\/\d+\//, '/i/{id}/')}\``))].join(', ')}.`,
		'The test asserts that the cancel arrives (within 30 s) and that the job is cancelled on the server; the target is 5 s, recorded here.',
		'',
		'| Provider | Stop, regular | Stop, queue | Timeout, regular | Timeout, queue |',
		'| --- | --- | --- | --- | --- |',
		...CANCELLABLE.map((provider) => `| ${NAMES[provider]} | ${[...row(provider, 'stop'), ...row(provider, 'timeout')].join(' | ')} |`),
		"| Pet Portrait | no cancel in its API: Stop ends the execution (canceled) and the node logs that the server finishes the portrait anyway | same | — | — |",
		'',
		"After a Stop, n8n keeps its own error (\"The execution was cancelled manually\") and may drop the node's; the node's message",
		"(\"… was cancelled on the server\", or Pet Portrait's) is written to n8n's log (the worker's, in queue mode) at warn level.",
	];
	return lines.join('\n');
}
