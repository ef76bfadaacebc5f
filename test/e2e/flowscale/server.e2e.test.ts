// Flowscale Run in a real n8n: the credential test through n8n's own endpoint (the key sent as
// X-API-KEY), a run-and-wait whose output files reach n8n's binary store byte for byte from the
// pre-signed storage host without the key, and a failed run failing the execution.
import type { FlowscaleSimulator } from '../../simulators/flowscale/index.ts';
import { startFlowscaleSimulator } from '../../simulators/flowscale/index.ts';
import type { ExecutionItem, ExecutionJson, RunningN8n } from '../harness/n8n.ts';
import { N8nHome, outcomeOf } from '../harness/n8n.ts';
import { linearWorkflow, manualTrigger } from '../harness/workflows.ts';

jest.setTimeout(180_000);

const TEXT_WORKFLOW = 'bncu0a1kipv';
let simulator: FlowscaleSimulator;
let n8n: N8nHome;
let server: RunningN8n | undefined;

function flowscaleCredential(id: string, apiKey: string) {
	return { id, name: id, type: 'flowscaleApi', data: { baseUrl: `${simulator.url}/`, apiKey, ignoreSslIssues: false } };
}

function runAndWait(id: string, prompt: string) {
	return linearWorkflow(id, [
		manualTrigger,
		{
			name: 'Run Workflow',
			type: 'n8n-nodes-genflows.flowscaleRun',
			typeVersion: 1,
			parameters: {
				resource: 'run',
				operation: 'runAndWait',
				workflowId: { __rl: true, mode: 'id', value: TEXT_WORKFLOW },
				inputs: { input: [{ name: 'text_51536', value: prompt }] },
				options: {},
			},
			credentials: { flowscaleApi: { id: 'e2eFlowscale', name: 'e2eFlowscale' } },
		},
	]);
}

function outputOf(execution: ExecutionJson, nodeName: string): ExecutionItem[] {
	const run = execution.data.resultData.runData[nodeName]?.[0];
	if (!run?.data) throw new Error(`node "${nodeName}" has no output in the execution`);
	return run.data.main[0] ?? [];
}

beforeAll(async () => {
	simulator = await startFlowscaleSimulator({ queueMs: 50, runMs: 800 });
	n8n = await N8nHome.create();
	await n8n.importCredentials([flowscaleCredential('e2eFlowscale', simulator.apiKey), flowscaleCredential('e2eFlowscaleWrong', 'not-the-key')]);
	await n8n.importWorkflows([runAndWait('flowscaleRun', 'a red fox'), runAndWait('flowscaleFails', 'please FAIL')]);
});

afterAll(async () => {
	await server?.stop();
	await simulator?.close();
});

test('run and wait: every output file in n8n, byte for byte, fetched from the storage host without the key', async () => {
	const { code, execution } = await n8n.execute('flowscaleRun');
	expect(outcomeOf(execution)).toEqual({ status: 'success' });
	expect(code).toBe(0);
	const [run] = simulator.runs().filter((candidate) => candidate.inputs.some((input) => input.value === 'a red fox'));
	const items = outputOf(execution, 'Run Workflow');
	expect(items.map((item) => (item.json.file as { outputName: string }).outputName)).toEqual(run.outputs.map((output) => output.name));
	for (const [index, item] of items.entries()) {
		expect(item.binary!.data).toMatchObject({ fileName: run.outputs[index].fileName, mimeType: run.outputs[index].contentType });
		expect(n8n.storedBinary(item.binary!.data.id!).equals(Buffer.from(simulator.outputBytes(run.id, run.outputs[index].name)))).toBe(true);
	}
	// The key went with every API request and with none to the storage host.
	expect(simulator.storage.requests.length).toBeGreaterThan(0);
	expect(simulator.storage.requests.every((request) => request.headers['x-api-key'] === undefined)).toBe(true);
});

test('a failed run fails the execution with the run id and the server status', async () => {
	const { execution } = await n8n.execute('flowscaleFails');
	const outcome = outcomeOf(execution);
	expect(outcome.status).toBe('error');
	expect(outcome.error).toMatch(/^Flowscale run \S+ failed/);
});

test("the credential test passes through n8n's credential-test endpoint, and fails readably with a wrong key", async () => {
	server = await n8n.start();
	const good = flowscaleCredential('e2eFlowscale', simulator.apiKey);
	expect(await server.rest('POST', '/credentials/test', { credentials: good })).toEqual({ status: 'OK', message: 'Connection successful!' });
	const wrong = await server.rest<{ status: string; message: string }>('POST', '/credentials/test', { credentials: flowscaleCredential('e2eFlowscaleWrong', 'not-the-key') });
	expect(wrong.status).toBe('Error');
	expect(wrong.message).not.toContain('not-the-key');
});
