// A smoke run on the newest n8n 1.x (installed by install-n8n.sh --n8n1, on the same Node 24): the
// package installed as npm would install it (so its nodes use n8n 1.x's own n8n-workflow), loaded
// and listed; the credential test of every provider through n8n's endpoint; and one webhook example
// per provider, activated the 1.x way, answering with the simulator's picture byte for byte.
import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

import { NODES } from '../../helpers/registry.ts';
import type { FlowscaleSimulator } from '../../simulators/flowscale/index.ts';
import { startFlowscaleSimulator } from '../../simulators/flowscale/index.ts';
import type { InvokeAiSimulator } from '../../simulators/invokeai/index.ts';
import { startInvokeAiSimulator } from '../../simulators/invokeai/index.ts';
import type { PetPortraitSimulator } from '../../simulators/petPortrait/index.ts';
import { startPetPortraitSimulator } from '../../simulators/petPortrait/index.ts';
import { makePlaceholderPng } from '../../simulators/shared/picture/placeholderImage.ts';
import type { VisionatrixSimulator } from '../../simulators/visionatrix/index.ts';
import { startVisionatrixSimulator } from '../../simulators/visionatrix/index.ts';
import type { RunningN8n } from '../harness/n8n.ts';
import { N8nHome, PACKAGE_NAME, outcomeOf } from '../harness/n8n.ts';
import type { CredentialJson, WorkflowJson } from '../harness/workflows.ts';
import { flowscaleCredential, invokeAiCredential, loadExample, petPortraitCredential, visionatrixCredential } from '../harness/workflows.ts';

jest.setTimeout(300_000);

const photo = makePlaceholderPng({ width: 64, height: 48, flow: 'photo', request: 'a dog on a sofa', footer: 'e2e n8n 1.x' }, 'the photo the webhooks download');

let visionatrix: VisionatrixSimulator;
let flowscale: FlowscaleSimulator;
let petPortrait: PetPortraitSimulator;
let invokeai: InvokeAiSimulator;
let photoServer: Server;
let photoUrl: string;
let n8n: N8nHome;
let server: RunningN8n | undefined;
let credentials: Record<'visionatrix' | 'flowscale' | 'petPortrait' | 'invokeai', CredentialJson>;
let examples: WorkflowJson[];

beforeAll(async () => {
	[visionatrix, flowscale, petPortrait, invokeai] = await Promise.all([
		startVisionatrixSimulator(),
		startFlowscaleSimulator({ queueMs: 50, runMs: 500 }),
		startPetPortraitSimulator({ nodeMs: 15 }),
		startInvokeAiSimulator({ nodeMs: 10 }),
	]);
	photoServer = createServer((_request, response) => response.writeHead(200, { 'content-type': 'image/png' }).end(photo));
	await new Promise<void>((resolve) => photoServer.listen(0, '127.0.0.1', resolve));
	photoUrl = `http://127.0.0.1:${(photoServer.address() as AddressInfo).port}/dog.png`;

	n8n = await N8nHome.create({}, { release: 'n8n1' });
	credentials = {
		visionatrix: visionatrixCredential(visionatrix),
		flowscale: flowscaleCredential(flowscale, flowscale.apiKey, 'e2eFlowscale', 'Flowscale account'),
		petPortrait: petPortraitCredential(petPortrait, 'e2ePetPortrait', 'Pet Portrait account'),
		invokeai: invokeAiCredential(invokeai, 'e2eInvokeAi', 'InvokeAI account'),
	};
	await n8n.importCredentials(Object.values(credentials));
	const bound = (credential: CredentialJson) => ({ [credential.type]: { id: credential.id, name: credential.name } });
	examples = [
		loadExample('visionatrix-webhook-prompt-to-image.json', 'n8n1Visionatrix', [], bound(credentials.visionatrix)),
		loadExample('flowscale-webhook-photo-to-portrait.json', 'n8n1Flowscale', [], bound(credentials.flowscale)),
		loadExample('pet-portrait-webhook-photo-to-portrait.json', 'n8n1PetPortrait', [], bound(credentials.petPortrait)),
		loadExample('invokeai-webhook-prompt-to-image.json', 'n8n1InvokeAi', [], bound(credentials.invokeai)),
	];
	await n8n.importWorkflows(examples);
	// n8n 1.x has no publish:workflow; its way to have a workflow active at the next start.
	for (const workflow of examples) await n8n.cliOk(['update:workflow', `--id=${workflow.id}`, '--active=true']);
	server = await n8n.start();
});

afterAll(async () => {
	await server?.stop();
	await Promise.all([visionatrix?.close(), flowscale?.close(), petPortrait?.close(), invokeai?.close()]);
	await new Promise((resolve) => photoServer?.close(resolve));
});

test('it is n8n 1.x, and the package loads from ~/.n8n/nodes without an n8n-workflow of its own', async () => {
	expect(n8n.install.n8nVersion).toMatch(/^1\./);
	expect((await n8n.cliOk(['--version'])).stdout.trim().split('\n').pop()).toBe(n8n.install.n8nVersion);
	const installed = join(n8n.userFolder, '.n8n', 'nodes', 'node_modules', PACKAGE_NAME);
	expect(existsSync(join(installed, 'node_modules', 'n8n-workflow'))).toBe(false);
	expect(() => require.resolve('n8n-workflow', { paths: [join(installed, 'dist')] })).toThrow();
});

test('n8n 1.x lists every node of the package', async () => {
	const response = await server!.getSignedIn('/types/nodes.json');
	expect(response.status).toBe(200);
	const listed = ((await response.json()) as Array<{ name: string }>).map((node) => node.name).filter((name) => name.startsWith(`${PACKAGE_NAME}.`));
	expect([...new Set(listed)]).toEqual(expect.arrayContaining(NODES.map((node) => node.type)));
});

test.each(['visionatrix', 'flowscale', 'petPortrait', 'invokeai'] as const)("the %s credential test passes through n8n 1.x's credential-test endpoint", async (provider) => {
	expect(await server!.rest('POST', '/credentials/test', { credentials: credentials[provider] })).toEqual({ status: 'OK', message: 'Connection successful!' });
});

test('Visionatrix: the webhook example answers with the generated PNG', async () => {
	const { status, contentType, body } = await server!.postWebhook('generate-image', { prompt: 'a lighthouse at dusk' });
	expect({ status, contentType, text: status === 200 ? '' : body.toString() }).toEqual({ status: 200, contentType: 'image/png', text: '' });
	// The example deletes the task once its image is downloaded.
	const [task] = visionatrix.removedTasks();
	expect(task.inputs).toMatchObject({ prompt: 'a lighthouse at dusk' });
	expect(body.equals(Buffer.from(visionatrix.resultBytes(task.id, 9, 0)))).toBe(true);
});

test('Flowscale: the webhook example sends the photo and answers with the portrait', async () => {
	const { status, contentType, body } = await server!.postWebhook('flowscale-portrait', { photoUrl, style: 'watercolour' });
	expect({ status, contentType, text: status === 200 ? '' : body.toString() }).toEqual({ status: 200, contentType: 'image/png', text: '' });
	const [run] = flowscale.runs();
	expect(Buffer.from(flowscale.inputBytes(run.id, 'image_35728')).equals(photo)).toBe(true);
	expect(body.equals(Buffer.from(flowscale.outputBytes(run.id, run.outputs[0].name)))).toBe(true);
});

test('Pet Portrait: the webhook example uploads the photo and answers with the portrait', async () => {
	const { status, contentType, body } = await server!.postWebhook('pet-portrait', { photoUrl, pet: 'cat' });
	expect({ status, contentType, text: status === 200 ? '' : body.toString() }).toEqual({ status: 200, contentType: 'image/png', text: '' });
	const [session] = petPortrait.sessions.all();
	expect(session.status).toBe('completed');
	expect(Buffer.from(session.upload!.bytes).equals(photo)).toBe(true);
	const resultName = decodeURIComponent(/\/api\/images\/([^?]+)/.exec(session.resultImage!)![1]);
	expect(body.equals(Buffer.from(petPortrait.imageBytes(resultName, 'output')!))).toBe(true);
});

test('InvokeAI: the webhook example runs the library workflow and answers with its image', async () => {
	const { status, contentType, body } = await server!.postWebhook('invokeai-image', { prompt: 'a lighthouse at dusk' });
	expect({ status, contentType, text: status === 200 ? '' : body.toString() }).toEqual({ status: 200, contentType: 'image/png', text: '' });
	const [batch] = invokeai.batches();
	const item = invokeai.item(batch.itemIds[0])!;
	expect(item.status).toBe('completed');
	const images = Object.values(item.session.results).flatMap((result) => {
		const image = (result as { image?: { image_name?: string } }).image;
		return image?.image_name ? [image.image_name] : [];
	});
	expect(images).toHaveLength(1);
	expect(body.equals(Buffer.from(invokeai.imageBytes(images[0])!))).toBe(true);
});

test('every run is a successful execution in n8n 1.x, its picture in the filesystem binary store', async () => {
	const providerNodes = { n8n1Visionatrix: 'Generate Image', n8n1Flowscale: 'Make Portrait', n8n1PetPortrait: 'Paint Portrait', n8n1InvokeAi: 'Generate Image' };
	for (const workflow of examples) {
		const executions = await server!.executions(workflow.id);
		expect({ workflow: workflow.id, outcomes: executions.map(outcomeOf) }).toEqual({ workflow: workflow.id, outcomes: [{ status: 'success' }] });
		const [item] = executions[0].data.resultData.runData[providerNodes[workflow.id as keyof typeof providerNodes]][0].data!.main[0]!;
		// The harness's N8N_DEFAULT_BINARY_DATA_MODE=filesystem (n8n 1.x's own default keeps binaries in memory).
		expect(item.binary!.data).toMatchObject({ mimeType: 'image/png', id: expect.stringMatching(/^filesystem(-v2)?:/) });
	}
});
