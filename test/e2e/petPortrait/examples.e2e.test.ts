// Pet Portrait in a real n8n: the credential test through n8n's own endpoint, and the two examples
// imported as shipped and published: the webhook that downloads a photo and answers with the
// portrait (progress over the WebSocket, undici's in n8n's Node 24), and the trigger that saves a
// watched session's portrait when it finishes. The trigger polls every minute, so this file takes
// a couple of minutes.
import { mkdirSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

import { fetchTransport } from '../../../nodes/shared/core/fetchTransport.ts';
import { PetPortrait } from '../../../nodes/shared/providers/petPortrait/api.ts';
import { scriptEnv } from '../../../scripts/runtime/timers.ts';
import { eventually } from '../../helpers/eventually.ts';
import type { PetPortraitSimulator } from '../../simulators/petPortrait/index.ts';
import { startPetPortraitSimulator } from '../../simulators/petPortrait/index.ts';
import { makePlaceholderPng } from '../../simulators/shared/picture/placeholderImage.ts';
import type { ExecutionJson, RunningN8n } from '../harness/n8n.ts';
import { N8nHome, outcomeOf } from '../harness/n8n.ts';
import { loadExample, petPortraitCredential } from '../harness/workflows.ts';

jest.setTimeout(300_000);

const CREDENTIAL = { id: 'e2ePetPortrait', name: 'Pet Portrait account' };
const NOWHERE = { url: 'http://127.0.0.1:9' };
const photo = makePlaceholderPng({ width: 64, height: 48, flow: 'photo', request: 'rex on the lawn', footer: 'e2e' }, 'the pet photo');
const photoFile = { data: new Uint8Array(photo), fileName: 'rex.png', mimeType: 'image/png' };

let simulator: PetPortraitSimulator;
let petPortrait: PetPortrait;
let photoServer: Server;
let photoUrl: string;
let n8n: N8nHome;
let server: RunningN8n | undefined;
/** Uploaded before n8n starts, generated after: the session the trigger example watches. */
let watchedSession: string;

const webhookExample = loadExample('pet-portrait-webhook-photo-to-portrait.json', 'exPetPortraitWebhook', [], { petPortraitApi: CREDENTIAL });

const triggerPolls = () => simulator.requests.filter((request) => request.path === `/api/status/${watchedSession}`).length;

async function firedSessions(workflowId: string): Promise<string[]> {
	const executions: ExecutionJson[] = await server!.executions(workflowId);
	return executions.flatMap((execution) => execution.data.resultData.runData['Pet Portrait Trigger']?.[0]?.data?.main[0] ?? []).map((item) => item.json.sessionId as string);
}

beforeAll(async () => {
	simulator = await startPetPortraitSimulator({ nodeMs: 15 });
	petPortrait = new PetPortrait({ baseUrl: simulator.url, env: scriptEnv(fetchTransport()) });
	photoServer = createServer((_request, response) => response.writeHead(200, { 'content-type': 'image/png' }).end(photo));
	await new Promise<void>((resolve) => photoServer.listen(0, '127.0.0.1', resolve));
	photoUrl = `http://127.0.0.1:${(photoServer.address() as AddressInfo).port}/rex.png`;

	watchedSession = (await petPortrait.upload(photoFile)).sessionId;
	n8n = await N8nHome.create();
	// A second credential for a server that is not there (nothing listens on port 9): n8n tests only credentials it holds.
	await n8n.importCredentials([petPortraitCredential(simulator, CREDENTIAL.id, CREDENTIAL.name), petPortraitCredential(NOWHERE, 'e2ePetPortraitNowhere')]);
	const triggerExample = loadExample(
		'pet-portrait-trigger-save-finished.json',
		'exPetPortraitTrigger',
		[
			['REPLACE_WITH_SESSION_IDS', watchedSession],
			['/home/node/.n8n-files', n8n.filesFolder],
		],
		{ petPortraitApi: CREDENTIAL },
	);
	await n8n.importWorkflows([webhookExample, triggerExample], { publish: true });
	mkdirSync(join(n8n.filesFolder, 'genflows', 'pet-portrait'), { recursive: true }); // the example's note: the folder must exist
	server = await n8n.start();
	// Publishing runs the trigger once: the session has no run yet, so nothing fires.
	await eventually('the activation poll', async () => (triggerPolls() > 0 ? true : undefined), 60_000, 500);
});

afterAll(async () => {
	await server?.stop();
	await simulator?.close();
	await new Promise((resolve) => photoServer?.close(resolve));
});

test("the credential test passes through n8n's credential-test endpoint, and fails readably for a server that is not there", async () => {
	const good = petPortraitCredential(simulator, CREDENTIAL.id, CREDENTIAL.name);
	expect(await server!.rest('POST', '/credentials/test', { credentials: good })).toEqual({ status: 'OK', message: 'Connection successful!' });
	const nowhere = petPortraitCredential(NOWHERE, 'e2ePetPortraitNowhere');
	const failed = await server!.rest<{ status: string; message: string }>('POST', '/credentials/test', { credentials: nowhere });
	expect(failed.status).toBe('Error');
	expect(failed.message).toMatch(/ECONNREFUSED|refused|connect/i);
});

test('example "webhook": the photo from the HTTP Request node becomes a portrait, answered as a PNG', async () => {
	const before = simulator.generateCount();
	const { status, contentType, body } = await server!.postWebhook('pet-portrait', { photoUrl, pet: 'cat' });
	expect({ status, contentType }).toEqual({ status: 200, contentType: 'image/png' });
	expect(simulator.generateCount()).toBe(before + 1);

	const session = simulator.sessions.all().find((candidate) => candidate.generates.some((generate) => JSON.stringify(generate.userInputs).includes('cat')));
	expect(session?.status).toBe('completed');
	expect(Buffer.from(session!.upload!.bytes).equals(photo)).toBe(true);
	const resultName = decodeURIComponent(/\/api\/images\/([^?]+)/.exec(session!.resultImage!)![1]);
	expect(body.equals(Buffer.from(simulator.imageBytes(resultName, 'output')!))).toBe(true);
	// n8n's Node 24 has a WebSocket: the node listened on the session's socket.
	expect(simulator.requests.some((request) => request.path === '/ws' && request.query.clientId === `pet-portrait-${session!.id}`)).toBe(true);

	const execution = (await server!.executions(webhookExample.id)).find((candidate) => candidate.status === 'success');
	expect(outcomeOf(execution!)).toEqual({ status: 'success' });
});

test('example "trigger": the watched session fires once when its portrait is done, and the portrait is saved', async () => {
	await petPortrait.generate(watchedSession, { 229: 'dog' });
	const done = await simulator.waitFor(watchedSession, (session) => session.status === 'completed' && session.resultImage !== null, 30_000);
	await eventually('the session to fire', async () => ((await firedSessions('exPetPortraitTrigger')).includes(watchedSession) ? true : undefined), 150_000, 1000);

	const resultName = decodeURIComponent(/\/api\/images\/([^?]+)/.exec(done.resultImage!)![1]);
	const saved = readFileSync(join(n8n.filesFolder, 'genflows', 'pet-portrait', `${watchedSession}-${resultName}`));
	expect(saved.equals(Buffer.from(simulator.imageBytes(resultName, 'output')!))).toBe(true);

	// One more scheduled poll: the same run does not fire again.
	const polls = triggerPolls();
	await eventually('the next poll', async () => (triggerPolls() > polls ? true : undefined), 90_000, 1000);
	expect(await firedSessions('exPetPortraitTrigger')).toEqual([watchedSession]);
});
