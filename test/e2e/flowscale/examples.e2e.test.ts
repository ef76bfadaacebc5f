// The two Flowscale examples, imported as shipped and published in a running n8n: the webhook that
// downloads a photo with an HTTP Request node and answers with the portrait, and the trigger that
// saves every finished run's files to disk, once per run. The trigger polls every minute (n8n's
// shortest), so this file takes a couple of minutes.
import { readdirSync, readFileSync, mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

import { fetchTransport } from '../../../nodes/shared/core/fetchTransport.ts';
import { Flowscale } from '../../../nodes/shared/providers/flowscale/api.ts';
import { scriptEnv } from '../../../scripts/runtime/timers.ts';
import { eventually } from '../../helpers/eventually.ts';
import type { FlowscaleSimulator } from '../../simulators/flowscale/index.ts';
import { startFlowscaleSimulator } from '../../simulators/flowscale/index.ts';
import { makePlaceholderPng } from '../../simulators/shared/picture/placeholderImage.ts';
import type { ExecutionJson, RunningN8n } from '../harness/n8n.ts';
import { N8nHome, outcomeOf } from '../harness/n8n.ts';
import { flowscaleCredential, loadExample } from '../harness/workflows.ts';

jest.setTimeout(300_000);

const CREDENTIAL = { id: 'e2eFlowscaleExamples', name: 'Flowscale account' };
const PORTRAIT_WORKFLOW = '550e8400-e29b-41d4-a716-446655440000';
const TEXT_WORKFLOW = 'bncu0a1kipv';
const photo = makePlaceholderPng({ width: 64, height: 48, flow: 'photo', request: 'a dog on a sofa', footer: 'e2e' }, 'the photo the webhook downloads');

let simulator: FlowscaleSimulator;
let photoServer: Server;
let photoUrl: string;
let n8n: N8nHome;
let server: RunningN8n | undefined;

const webhookExample = loadExample('flowscale-webhook-photo-to-portrait.json', 'exFlowscaleWebhook', [], { flowscaleApi: CREDENTIAL });
const triggerExample = loadExample('flowscale-trigger-save-finished.json', 'exFlowscaleTrigger', [['/home/node/.n8n-files', '{{FILES}}']], { flowscaleApi: CREDENTIAL });

/** Serves the photo, and a PDF that claims to be a picture, as the web would. */
async function startPhotoServer(): Promise<void> {
	photoServer = createServer((request, response) => {
		if (request.url === '/dog.png') response.writeHead(200, { 'content-type': 'image/png' }).end(photo);
		else response.writeHead(200, { 'content-type': 'application/pdf' }).end('%PDF-1.7 an invoice, not a dog');
	});
	await new Promise<void>((resolve) => photoServer.listen(0, '127.0.0.1', resolve));
	photoUrl = `http://127.0.0.1:${(photoServer.address() as AddressInfo).port}`;
}

const listRequests = () => simulator.requests.filter((request) => request.method === 'GET' && request.path === '/api/v1/runs').length;

async function firedRunIds(): Promise<string[]> {
	const executions: ExecutionJson[] = await server!.executions(triggerExample.id);
	return executions.flatMap((execution) => execution.data.resultData.runData['Flowscale Trigger']?.[0]?.data?.main[0] ?? []).map((item) => item.json.run_id as string);
}

beforeAll(async () => {
	simulator = await startFlowscaleSimulator({ queueMs: 50, runMs: 500 });
	await startPhotoServer();
	n8n = await N8nHome.create();
	await n8n.importCredentials([flowscaleCredential(simulator, simulator.apiKey, CREDENTIAL.id, CREDENTIAL.name)]);
	const trigger = JSON.parse(JSON.stringify(triggerExample).split('{{FILES}}').join(n8n.filesFolder)) as typeof triggerExample;
	await n8n.importWorkflows([webhookExample, trigger], { publish: true });
	mkdirSync(join(n8n.filesFolder, 'genflows', 'flowscale'), { recursive: true }); // the example's note: the folder must exist
	const polls = listRequests();
	server = await n8n.start();
	// Publishing runs the trigger once: it notes what exists and fires nothing.
	await eventually('the activation poll', async () => (listRequests() > polls ? true : undefined), 60_000, 500);
});

afterAll(async () => {
	await server?.stop();
	await simulator?.close();
	await new Promise((resolve) => photoServer?.close(resolve));
});

test('example "webhook": the photo from the HTTP Request node goes to Flowscale, the portrait comes back', async () => {
	const { status, contentType, body } = await server!.postWebhook('flowscale-portrait', { photoUrl: `${photoUrl}/dog.png`, style: 'watercolour' });
	expect({ status, contentType }).toEqual({ status: 200, contentType: 'image/png' });

	const [run] = simulator.runs().filter((candidate) => candidate.workflowId === PORTRAIT_WORKFLOW);
	expect(run.inputs.find((input) => input.name === 'text_51536')?.value).toBe('watercolour');
	expect(Buffer.from(simulator.inputBytes(run.id, 'image_35728')).equals(photo)).toBe(true);
	expect(body.equals(Buffer.from(simulator.outputBytes(run.id, run.outputs[0].name)))).toBe(true);
});

test('example "webhook": a download that is no picture fails before anything reaches Flowscale', async () => {
	const before = simulator.createdCount();
	const { status } = await server!.postWebhook('flowscale-portrait', { photoUrl: `${photoUrl}/invoice.pdf` });
	expect(status).toBeGreaterThanOrEqual(500);
	const failed = await eventually('the failed execution', async () =>
		(await server!.executions(webhookExample.id)).find((execution) => execution.status === 'error'),
	);
	expect(outcomeOf(failed).error).toMatch(/is not an image: expected a PNG, JPEG/);
	expect(simulator.createdCount()).toBe(before);
});

test('example "trigger": every run that completed after publishing is saved to disk, once', async () => {
	const flowscale = new Flowscale({ baseUrl: simulator.url, env: scriptEnv(fetchTransport({ headers: { 'x-api-key': simulator.apiKey } })) });
	const { run_id: runId } = await flowscale.startRun({ workflowId: TEXT_WORKFLOW, inputs: [{ name: 'text_51536', value: 'a finished fox' }] });
	const run = await simulator.waitFor(runId, (candidate) => candidate.state === 'completed');

	await eventually('the run to fire', async () => ((await firedRunIds()).includes(runId) ? true : undefined), 150_000, 1000);
	const folder = join(n8n.filesFolder, 'genflows', 'flowscale');
	for (const output of run.outputs) {
		const [written] = readdirSync(folder).filter((name) => name === `run-${runId}-${output.fileName}`);
		expect(written).toBeDefined();
		expect(readFileSync(join(folder, written)).equals(Buffer.from(simulator.outputBytes(runId, output.name)))).toBe(true);
	}

	// One more scheduled poll: nothing fires twice, and every completed run fired (the webhook's too).
	const polls = listRequests();
	await eventually('the next poll', async () => (listRequests() > polls ? true : undefined), 90_000, 1000);
	// One item per output file: a run that fired once has exactly as many items as it has outputs.
	const fired = await firedRunIds();
	const itemsPerRun = Object.fromEntries([...new Set(fired)].map((id) => [id, fired.filter((one) => one === id).length]));
	const completed = simulator.runs().filter((candidate) => candidate.state === 'completed');
	expect(itemsPerRun).toEqual(Object.fromEntries(completed.map((candidate) => [candidate.id, candidate.outputs.length])));
});
