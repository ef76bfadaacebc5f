// InvokeAI in a real n8n: the credential test through n8n's own endpoint; the two examples
// imported as shipped and published (a default FLUX workflow from the server's library with the
// prompt of the request; image to image with a photo from an HTTP Request node), both waiting over
// InvokeAI's Socket.IO; and the trigger, published, firing once per completed queue item. The
// trigger polls every minute, so this file takes a couple of minutes.
import type { Server } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { eventually } from '../../helpers/eventually.ts';
import type { InvokeAiSimulator, SimQueueItem } from '../../simulators/invokeai/index.ts';
import { startInvokeAiSimulator } from '../../simulators/invokeai/index.ts';
import { makePlaceholderPng } from '../../simulators/shared/picture/placeholderImage.ts';
import type { ExecutionJson, RunningN8n } from '../harness/n8n.ts';
import { N8nHome, outcomeOf } from '../harness/n8n.ts';
import { invokeAiCredential, linearWorkflow, loadExample } from '../harness/workflows.ts';

jest.setTimeout(300_000);

const CREDENTIAL = { id: 'e2eInvokeAi', name: 'InvokeAI account' };
const NOWHERE = { url: 'http://127.0.0.1:9' };
const photo = makePlaceholderPng({ width: 64, height: 48, flow: 'photo', request: 'a harbour', footer: 'e2e' }, 'the photo to repaint');

let simulator: InvokeAiSimulator;
let photoServer: Server;
let photoUrl: string;
let n8n: N8nHome;
let server: RunningN8n | undefined;

const promptExample = loadExample('invokeai-webhook-prompt-to-image.json', 'exInvokeAiPrompt', [], { invokeAiApi: CREDENTIAL });
const photoExample = loadExample('invokeai-webhook-photo-to-picture.json', 'exInvokeAiPhoto', [], { invokeAiApi: CREDENTIAL });
const triggerWorkflow = linearWorkflow('invokeAiTriggerRun', [
	{
		name: 'InvokeAI Trigger',
		type: 'n8n-nodes-genflows.invokeAiTrigger',
		typeVersion: 1,
		parameters: { pollTimes: { item: [{ mode: 'everyMinute' }] }, includeFailures: false, options: { origin: 'n8n' } },
		credentials: { invokeAiApi: CREDENTIAL },
	},
	{ name: 'After', type: 'n8n-nodes-base.noOp', typeVersion: 1, parameters: {} },
]);

/** The images an item's session made, by name. */
function imagesOf(item: SimQueueItem): string[] {
	return Object.values(item.session.results).flatMap((result) => {
		const image = (result as { image?: { image_name?: string } }).image;
		return image?.image_name ? [image.image_name] : [];
	});
}

const listReads = () => simulator.requests.filter((request) => request.path.startsWith('/api/v1/queue/default/item_ids')).length;

async function firedItemIds(): Promise<number[]> {
	const executions: ExecutionJson[] = await server!.executions(triggerWorkflow.id);
	return executions
		.flatMap((execution) => execution.data.resultData.runData['InvokeAI Trigger']?.[0]?.data?.main[0] ?? [])
		.map((item) => item.json.item_id as number)
		.sort((a, b) => a - b);
}

beforeAll(async () => {
	simulator = await startInvokeAiSimulator({ nodeMs: 10 });
	photoServer = createServer((_request, response) => response.writeHead(200, { 'content-type': 'image/png' }).end(photo));
	await new Promise<void>((resolve) => photoServer.listen(0, '127.0.0.1', resolve));
	photoUrl = `http://127.0.0.1:${(photoServer.address() as AddressInfo).port}/harbour.png`;
	n8n = await N8nHome.create();
	// A second credential for a server that is not there (nothing listens on port 9): n8n tests only credentials it holds.
	await n8n.importCredentials([invokeAiCredential(simulator, CREDENTIAL.id, CREDENTIAL.name), invokeAiCredential(NOWHERE, 'e2eInvokeAiNowhere')]);
	await n8n.importWorkflows([promptExample, photoExample, triggerWorkflow], { publish: true });
	const reads = listReads();
	server = await n8n.start();
	// Publishing runs the trigger once: it notes what exists and fires nothing.
	await eventually('the activation poll', async () => (listReads() > reads ? true : undefined), 60_000, 500);
});

afterAll(async () => {
	await server?.stop();
	await simulator?.close();
	await new Promise((resolve) => photoServer?.close(resolve));
});

test("the credential test passes through n8n's credential-test endpoint, and fails readably for a server that is not there", async () => {
	expect(await server!.rest('POST', '/credentials/test', { credentials: invokeAiCredential(simulator, CREDENTIAL.id, CREDENTIAL.name) })).toEqual({
		status: 'OK',
		message: 'Connection successful!',
	});
	const failed = await server!.rest<{ status: string; message: string }>('POST', '/credentials/test', { credentials: invokeAiCredential(NOWHERE, 'e2eInvokeAiNowhere') });
	expect(failed.status).toBe('Error');
});

test('example "prompt": the library FLUX workflow runs with the prompt of the request, and its image comes back', async () => {
	const before = simulator.enqueuedCount();
	const { status, contentType, body } = await server!.postWebhook('invokeai-image', { prompt: 'a lighthouse at dusk' });
	expect({ status, contentType }).toEqual({ status: 200, contentType: 'image/png' });
	expect(simulator.enqueuedCount()).toBe(before + 1);

	const [batch] = simulator.batches().slice(-1);
	expect(batch.origin).toBe('n8n');
	const item = simulator.item(batch.itemIds[0])!;
	expect(item.status).toBe('completed');
	const prompts = Object.values(item.session.graph.nodes).filter((node) => node.type === 'flux_text_encoder').map((node) => node.prompt);
	expect(prompts).toEqual(['a lighthouse at dusk']);
	const [image] = imagesOf(item);
	expect(body.equals(Buffer.from(simulator.imageBytes(image)!))).toBe(true);
	// The wait listened on Socket.IO: n8n's node connected to the server's socket.
	expect(simulator.requests.some((request) => request.path.startsWith('/ws/socket.io'))).toBe(true);
});

test('example "photo": the photo from the HTTP Request node is uploaded and fed to the Image input', async () => {
	const { status, contentType, body } = await server!.postWebhook('invokeai-repaint', { photoUrl, prompt: 'as a watercolour' });
	expect({ status, contentType }).toEqual({ status: 200, contentType: 'image/png' });

	const [batch] = simulator.batches().slice(-1);
	const item = simulator.item(batch.itemIds[0])!;
	const encode = Object.values(item.session.graph.nodes).find((node) => node.type === 'flux_vae_encode');
	const uploaded = (encode?.image as { image_name: string }).image_name;
	expect(Buffer.from(simulator.imageBytes(uploaded)!).equals(photo)).toBe(true);
	const [image] = imagesOf(item).filter((name) => name !== uploaded);
	expect(body.equals(Buffer.from(simulator.imageBytes(image)!))).toBe(true);
	const execution = (await server!.executions(photoExample.id)).find((candidate) => candidate.status === 'success');
	expect(outcomeOf(execution!)).toEqual({ status: 'success' });
});

test('the trigger, published, fires once per queue item of n8n that completed after publishing', async () => {
	const completed = simulator.batches().filter((batch) => batch.origin === 'n8n').flatMap((batch) => batch.itemIds);
	expect(completed.length).toBeGreaterThanOrEqual(2);
	await eventually('both items to fire', async () => ((await firedItemIds()).length >= completed.length ? true : undefined), 150_000, 1000);
	// One more scheduled poll: nothing fires twice.
	const reads = listReads();
	await eventually('the next poll', async () => (listReads() > reads ? true : undefined), 90_000, 1000);
	expect(await firedItemIds()).toEqual([...completed].sort((a, b) => a - b));
});
