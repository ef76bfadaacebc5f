// The Pet Portrait simulator driven over real sockets with plain fetch and a `ws` client: every
// behaviour a provider will be developed against, each reference variant behind its option, the
// WebSocket controls and the faults of both channels.
import WebSocket from 'ws';

import { encodeRgbPng } from '../shared/picture/png.ts';
import type { PetPortraitSimulator, PetPortraitSimulatorOptions, SimSession } from './index.ts';
import { DEFAULT_FAILURE_TEXT, DEFAULT_NODE_COUNT, KSAMPLER_NODE, PET_TYPE_NODE, STYLE_NODE, startPetPortraitSimulator } from './index.ts';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const PET_PHOTO = encodeRgbPng(2, 2, new Uint8Array(12).fill(200), 'pet photo');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

interface Message {
	type: string;
	data: Record<string, unknown>;
}

interface Client {
	ws: WebSocket;
	messages: Message[];
	/** Resolves with the close code. */
	closed: Promise<number>;
	waitFor(predicate: (message: Message) => boolean, timeoutMs?: number): Promise<Message>;
}

const started: PetPortraitSimulator[] = [];
const clients: WebSocket[] = [];

async function start(options: PetPortraitSimulatorOptions = {}): Promise<PetPortraitSimulator> {
	const sim = await startPetPortraitSimulator({ nodeMs: 2, startDelayMs: 30, ...options });
	started.push(sim);
	return sim;
}

afterEach(async () => {
	for (const ws of clients.splice(0)) ws.terminate();
	await Promise.all(started.splice(0).map((sim) => sim.close()));
});

function wsUrl(sim: PetPortraitSimulator, clientId: string | undefined, path = '/ws'): string {
	return `${sim.url.replace(/^http/, 'ws')}${path}${clientId === undefined ? '' : `?clientId=${clientId}`}`;
}

/** Opens a socket; rejects with the refusal (an HTTP status, or the socket error). */
function connect(sim: PetPortraitSimulator, clientId: string | undefined, path = '/ws'): Promise<Client> {
	const ws = new WebSocket(wsUrl(sim, clientId, path));
	clients.push(ws);
	const messages: Message[] = [];
	const listeners = new Set<() => void>();
	ws.on('message', (data) => {
		messages.push(JSON.parse(String(data)) as Message);
		for (const listener of [...listeners]) listener();
	});
	const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
	const client: Client = {
		ws,
		messages,
		closed,
		waitFor(predicate, timeoutMs = 3000) {
			return new Promise((resolve, reject) => {
				const check = () => {
					const found = messages.find(predicate);
					if (!found) return;
					listeners.delete(check);
					clearTimeout(timer);
					resolve(found);
				};
				const timer = setTimeout(() => {
					listeners.delete(check);
					reject(new Error(`no such message among ${messages.map((message) => message.type).join(',')}`));
				}, timeoutMs);
				listeners.add(check);
				check();
			});
		},
	};
	return new Promise((resolve, reject) => {
		ws.once('open', () => resolve(client));
		ws.once('unexpected-response', (_request, response) => {
			reject(new Error(`HTTP ${response.statusCode}`));
			ws.terminate();
		});
		ws.once('error', (error) => reject(error));
	});
}

async function uploadImage(
	sim: PetPortraitSimulator,
	options: { bytes?: Uint8Array; name?: string; type?: string; field?: string; sessionId?: string } = {},
): Promise<Response> {
	const form = new FormData();
	if (options.sessionId !== undefined) form.append('sessionId', options.sessionId);
	form.append(options.field ?? 'image', new Blob([options.bytes ?? PET_PHOTO], { type: options.type ?? 'image/png' }), options.name ?? 'rex.png');
	return fetch(`${sim.url}/api/upload`, { method: 'POST', body: form });
}

async function newSession(sim: PetPortraitSimulator): Promise<string> {
	const response = await uploadImage(sim);
	expect(response.status).toBe(200);
	return ((await response.json()) as { sessionId: string }).sessionId;
}

function post(sim: PetPortraitSimulator, route: 'generate' | 'regenerate', body: unknown): Promise<Response> {
	return fetch(`${sim.url}/api/${route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

async function generate(sim: PetPortraitSimulator, sessionId: string, userInputs?: unknown, route: 'generate' | 'regenerate' = 'generate'): Promise<Record<string, unknown>> {
	const response = await post(sim, route, { sessionId, userInputs });
	expect(response.status).toBe(200);
	return (await response.json()) as Record<string, unknown>;
}

async function status(sim: PetPortraitSimulator, sessionId: string): Promise<{ status: number; body: Record<string, unknown> }> {
	const response = await fetch(`${sim.url}/api/status/${sessionId}`);
	return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const hasResult = (session: SimSession) => session.resultImage !== null && session.status === 'completed';
const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('health, routing, Express answers', () => {
	test('health answers the doc body with Express and CORS headers', async () => {
		const sim = await start();
		const response = await fetch(`${sim.url}/api/health`);
		expect(response.status).toBe(200);
		expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
		expect(response.headers.get('x-powered-by')).toBe('Express');
		expect(response.headers.get('access-control-allow-origin')).toBe('*');
		expect(await response.json()).toEqual({ status: 'ok', message: 'Pet Portrait Generator API is running' });
		expect(sim.requests.map((request) => `${request.method} ${request.path} ${request.status}`)).toEqual(['GET /api/health 200']);
	});

	test('an unknown route is Express 404 HTML, bad JSON is body-parser 400 HTML', async () => {
		const sim = await start();
		const missing = await fetch(`${sim.url}/api/nope?x=1`, { method: 'DELETE' });
		expect(missing.status).toBe(404);
		expect(missing.headers.get('content-type')).toBe('text/html; charset=utf-8');
		expect(await missing.text()).toContain('<pre>Cannot DELETE /api/nope</pre>');
		const bad = await fetch(`${sim.url}/api/generate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"sessionId": ' });
		expect(bad.status).toBe(400);
		expect(await bad.text()).toMatch(/<pre>SyntaxError: .*<br> &nbsp; &nbsp;at JSON.parse/);
	});

	test('HTTP faults apply to reads: a 503 page, then the real answer', async () => {
		const sim = await start();
		sim.faults.add({ method: 'GET', pathPrefix: '/api/status', fault: { kind: 'status', status: 503 } });
		const sessionId = await newSession(sim);
		const faulted = await fetch(`${sim.url}/api/status/${sessionId}`);
		expect(faulted.status).toBe(503);
		expect(await faulted.text()).toContain('503 Service Temporarily Unavailable');
		expect((await status(sim, sessionId)).status).toBe(200);
		expect(sim.requests.filter((request) => request.fault).map((request) => request.fault)).toEqual(['status']);
	});
});

describe('upload', () => {
	test('creates a session, stores the bytes under `<time>-<name>` and serves them back', async () => {
		const sim = await start();
		const response = await uploadImage(sim, { name: 'rex.png' });
		expect(response.status).toBe(200);
		const body = (await response.json()) as { success: boolean; sessionId: string; message: string; imageUrl: string };
		expect(body.success).toBe(true);
		expect(body.sessionId).toMatch(UUID);
		expect(body.message).toBe('Image uploaded successfully');
		expect(body.imageUrl).toMatch(/^\/api\/images\/\d{13}-rex\.png\?type=input&subfolder=$/);
		const image = await fetch(`${sim.url}${body.imageUrl}`);
		expect(image.status).toBe(200);
		expect(image.headers.get('content-type')).toBe('image/png');
		expect(Buffer.from(await image.arrayBuffer())).toEqual(PET_PHOTO);
		const session = sim.sessions.get(body.sessionId);
		expect(session?.upload?.originalName).toBe('rex.png');
		expect(session?.upload?.contentType).toBe('image/png');
		expect(Buffer.from(session?.upload?.bytes ?? [])).toEqual(PET_PHOTO);
	});

	test('a form sessionId reuses the session; an unknown one is 400 Invalid session ID', async () => {
		const sim = await start();
		const sessionId = await newSession(sim);
		const again = await uploadImage(sim, { sessionId, name: 'second.jpg', type: 'image/jpeg' });
		expect(((await again.json()) as { sessionId: string }).sessionId).toBe(sessionId);
		expect(sim.sessions.get(sessionId)?.uploads.map((upload) => upload.originalName)).toEqual(['rex.png', 'second.jpg']);
		const unknown = await uploadImage(sim, { sessionId: '00000000-0000-4000-8000-000000000000' });
		expect(unknown.status).toBe(400);
		expect(await unknown.json()).toEqual({ error: 'Invalid session ID' });
	});

	test('no file is 400; a file in another field is multer HTML 500 "Unexpected field"', async () => {
		const sim = await start();
		const empty = await fetch(`${sim.url}/api/upload`, { method: 'POST', body: new FormData() });
		expect(empty.status).toBe(400);
		expect(await empty.json()).toEqual({ error: 'No image file provided' });
		const wrongField = await uploadImage(sim, { field: 'file' });
		expect(wrongField.status).toBe(500);
		expect(await wrongField.text()).toContain('<pre>MulterError: Unexpected field');
		expect(sim.sessions.all()).toEqual([]);
	});

	test.each([
		['json400', 400, 'application/json; charset=utf-8', '{"error":"Only image files are allowed"}'],
		['skipped400', 400, 'application/json; charset=utf-8', '{"error":"No image file provided"}'],
		['html500', 500, 'text/html; charset=utf-8', '<pre>Error: Only image files are allowed<br> &nbsp; &nbsp;at fileFilter'],
	] as const)('a non-image upload, style %s', async (style, code, contentType, text) => {
		const sim = await start({ nonImageUpload: style });
		const response = await uploadImage(sim, { type: 'text/plain', name: 'notes.txt', bytes: Buffer.from('not a picture') });
		expect(response.status).toBe(code);
		expect(response.headers.get('content-type')).toBe(contentType);
		expect(await response.text()).toContain(text);
		expect(sim.sessions.all()).toHaveLength(0);
	});
});

describe('generate, progress, result', () => {
	test('upload → generate → WS messages → status completed → image bytes', async () => {
		const sim = await start();
		const sessionId = await newSession(sim);
		const client = await connect(sim, `pet-portrait-${sessionId}`);
		const started = await generate(sim, sessionId, { [PET_TYPE_NODE]: 'cat' });
		expect(started).toEqual({
			success: true,
			sessionId,
			promptId: expect.stringMatching(UUID),
			message: 'Portrait generation started',
			wsEndpoint: `/ws?clientId=pet-portrait-${sessionId}`,
			totalNodes: DEFAULT_NODE_COUNT,
		});
		const result = await client.waitFor((message) => message.type === 'result');
		const types = client.messages.map((message) => message.type);
		expect(types.filter((type) => type === 'detailed_progress')).toHaveLength(DEFAULT_NODE_COUNT);
		expect(types.filter((type) => type === 'progress')).toHaveLength(DEFAULT_NODE_COUNT);
		expect(client.messages[0]).toEqual({ type: 'executing', data: { prompt_id: started.promptId, node: '4' } });
		expect(client.messages[1]).toEqual({ type: 'progress', data: { id: started.promptId, value: 0.02 } });
		expect(client.messages[2]).toEqual({
			type: 'detailed_progress',
			data: { progress: 2, currentNode: '4', nodeInfo: { id: '4', type: 'CheckpointLoaderSimple', title: 'Load Checkpoint' }, executedNodesCount: 1, totalNodes: DEFAULT_NODE_COUNT },
		});
		const doneAt = client.messages.findIndex((message) => message.type === 'executing' && message.data.node === null);
		expect(client.messages[doneAt].data).toEqual({ prompt_id: started.promptId, node: null });
		expect(doneAt).toBeLessThan(client.messages.indexOf(result));
		expect(result.data).toEqual({
			sessionId,
			status: 'completed',
			resultImage: '/api/images/pet_portrait_00001_.png?type=output&subfolder=',
			executedNodesCount: DEFAULT_NODE_COUNT,
			totalNodes: DEFAULT_NODE_COUNT,
		});

		const { body } = await status(sim, sessionId);
		expect(body).toEqual({
			sessionId,
			status: 'completed',
			progress: 100,
			currentNode: null,
			currentNodeInfo: null,
			message: 'Portrait completed',
			resultImage: result.data.resultImage,
			startTime: expect.stringMatching(ISO),
			endTime: expect.stringMatching(ISO),
			executedNodesCount: DEFAULT_NODE_COUNT,
			totalNodes: DEFAULT_NODE_COUNT,
		});
		const image = await fetch(`${sim.url}${String(result.data.resultImage)}`);
		expect(image.status).toBe(200);
		expect(image.headers.get('content-type')).toBe('image/png');
		const bytes = Buffer.from(await image.arrayBuffer());
		expect(image.headers.get('content-length')).toBe(String(bytes.length));
		expect(bytes.subarray(0, 8)).toEqual(PNG_SIGNATURE);
		expect(bytes.readUInt32BE(16)).toBe(832);
		expect(bytes.readUInt32BE(20)).toBe(1216);
		expect(sim.generateCount()).toBe(1);
		expect(sim.sessions.get(sessionId)?.generates[0]).toMatchObject({ route: 'generate', userInputs: { [PET_TYPE_NODE]: 'cat' }, texts: { [PET_TYPE_NODE]: 'cat', [STYLE_NODE]: 'oil painting' } });
		expect(sim.prompts()[0]).toMatchObject({ state: 'completed', outputFile: 'pet_portrait_00001_.png', sessionId });
	});

	test('status before a run has no startTime/endTime; while running it shows the node', async () => {
		const sim = await start({ nodeMs: 15 });
		const sessionId = await newSession(sim);
		const before = (await status(sim, sessionId)).body;
		expect(before).toEqual({
			sessionId,
			status: 'uploaded',
			progress: 0,
			currentNode: null,
			currentNodeInfo: null,
			message: 'Initializing',
			resultImage: null,
			executedNodesCount: 0,
			totalNodes: DEFAULT_NODE_COUNT,
		});
		await generate(sim, sessionId);
		await sim.waitFor(sessionId, (session) => session.executedNodesCount >= 3);
		const running = (await status(sim, sessionId)).body;
		expect(running).toMatchObject({ status: 'processing', resultImage: null, endTime: null, startTime: expect.stringMatching(ISO) });
		const info = running.currentNodeInfo as { id: string; type: string; title: string };
		expect(info.id).toBe(running.currentNode);
		expect(running.message).toBe(`Processing: ${info.type}`);
		expect(running.executedNodesCount).toBeGreaterThanOrEqual(3);
	});

	test('unknown image is 500 with ComfyUI statusText', async () => {
		const sim = await start();
		const response = await fetch(`${sim.url}/api/images/nothing_00001_.png?type=output&subfolder=`);
		expect(response.status).toBe(500);
		expect(await response.json()).toEqual({ error: 'Failed to fetch image from ComfyUI: Not Found' });
	});

	test('regenerate: new prompt id and seed, a different picture', async () => {
		const sim = await start({ resultCheck: 'own-job' });
		const sessionId = await newSession(sim);
		const first = await generate(sim, sessionId);
		const one = await sim.waitFor(sessionId, hasResult);
		const again = await generate(sim, sessionId, undefined, 'regenerate');
		expect(again.message).toBe('Portrait regeneration started');
		expect(again.promptId).not.toBe(first.promptId);
		const two = await sim.waitFor(sessionId, (session) => hasResult(session) && session.promptId === again.promptId);
		expect(two.resultImage).not.toBe(one.resultImage);
		const [seedOne, seedTwo] = sim.sessions.get(sessionId)!.generates.map((entry) => entry.seed);
		expect(seedOne).not.toBe(seedTwo);
		const bytes = (url: string | null) => fetch(`${sim.url}${url}`).then(async (response) => Buffer.from(await response.arrayBuffer()));
		expect((await bytes(one.resultImage)).equals(await bytes(two.resultImage))).toBe(false);
		expect(sim.generateCount()).toBe(2);
	});

	test('generate while processing queues another prompt; only the newest is followed', async () => {
		const sim = await start({ resultCheck: 'own-job' });
		const sessionId = await newSession(sim);
		const client = await connect(sim, `pet-portrait-${sessionId}`);
		const first = await generate(sim, sessionId);
		await sim.waitFor(sessionId, (session) => session.executedNodesCount >= 2);
		const second = await generate(sim, sessionId);
		const result = await client.waitFor((message) => message.type === 'result');
		expect(sim.generateCount()).toBe(2);
		expect(sim.prompts().map((prompt) => prompt.state)).toEqual(['completed', 'completed']);
		expect(result.data.resultImage).toBe('/api/images/pet_portrait_00002_.png?type=output&subfolder=');
		expect(client.messages.filter((message) => message.type === 'executing' && message.data.node === null).map((message) => message.data.prompt_id)).toEqual([second.promptId]);
		expect(client.messages.some((message) => message.data.prompt_id === first.promptId && message.data.node === null)).toBe(false);
	});

	test('a failing prompt: WS error, status failed, no result', async () => {
		const sim = await start();
		const sessionId = await newSession(sim);
		const client = await connect(sim, `pet-portrait-${sessionId}`);
		await generate(sim, sessionId, { [STYLE_NODE]: 'FAIL please' });
		const error = await client.waitFor((message) => message.type === 'error');
		expect(error.data).toEqual({ message: DEFAULT_FAILURE_TEXT });
		const session = await sim.waitFor(sessionId, (current) => current.status === 'failed');
		expect(session.message).toBe(DEFAULT_FAILURE_TEXT);
		await delay(60);
		expect(client.messages.some((message) => message.type === 'result')).toBe(false);
		expect((await status(sim, sessionId)).body).toMatchObject({ status: 'failed', resultImage: null });
	});

	test('afterError executing-null: a failed prompt then reads completed, without a result', async () => {
		const sim = await start({ afterError: 'executing-null', outcome: () => ({ error: 'boom', atNode: '8' }) });
		const sessionId = await newSession(sim);
		const client = await connect(sim, `pet-portrait-${sessionId}`);
		await generate(sim, sessionId);
		await client.waitFor((message) => message.type === 'executing' && message.data.node === null);
		expect(client.messages.map((message) => message.type).slice(-2)).toEqual(['error', 'executing']);
		await delay(60);
		expect((await status(sim, sessionId)).body).toMatchObject({ status: 'completed', progress: 100, resultImage: null });
	});
});

describe('variants', () => {
	test.each([
		['doc', ['totalNodes', 'aspectRatio', 'userInputs', 'nodeTypes']],
		['typescript', ['nodeCount', 'nodeTypes', 'executionOrderLength']],
		['union', ['totalNodes', 'aspectRatio', 'userInputs', 'nodeTypes', 'nodeCount', 'executionOrderLength']],
	] as const)('workflow-info shape %s', async (shape, keys) => {
		const sim = await start({ workflowInfoShape: shape });
		const info = (await (await fetch(`${sim.url}/api/workflow-info`)).json()) as Record<string, unknown>;
		expect(Object.keys(info).sort()).toEqual([...keys].sort());
		if (shape === 'typescript') {
			const counts = info.nodeTypes as Record<string, number>;
			expect(counts.CLIPTextEncode).toBe(4);
			expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(DEFAULT_NODE_COUNT);
			return;
		}
		expect(info.totalNodes).toBe(DEFAULT_NODE_COUNT);
		expect(info.aspectRatio).toEqual({ width: 832, height: 1216 });
		expect(info.userInputs).toContainEqual({ nodeId: '229', type: 'text', title: 'Pet Type Input', description: 'Enter the type of pet (e.g., dog, cat, bird)', defaultValue: 'dog' });
		expect((info.userInputs as unknown[]).length).toBe(2);
		expect(info.nodeTypes).toContainEqual({ id: KSAMPLER_NODE, type: 'KSampler', title: 'KSampler' });
		expect(info.nodeTypes).toHaveLength(DEFAULT_NODE_COUNT);
	});

	test('nodeCount changes the workflow and the job', async () => {
		const sim = await start({ nodeCount: 12 });
		const sessionId = await newSession(sim);
		expect((await generate(sim, sessionId)).totalNodes).toBe(12);
		const done = await sim.waitFor(sessionId, hasResult);
		expect(done.executedNodesCount).toBe(12);
	});

	test("uploadedStatus 'image_uploaded'", async () => {
		const sim = await start({ uploadedStatus: 'image_uploaded' });
		const sessionId = await newSession(sim);
		expect((await status(sim, sessionId)).body.status).toBe('image_uploaded');
	});

	test.each([
		['node-id', [2, 5, 100]],
		['executed', [2, 4, 7]],
	] as const)('progress formula %s', async (formula, firstThree) => {
		const sim = await start({ progressFormula: formula });
		const sessionId = await newSession(sim);
		const client = await connect(sim, `pet-portrait-${sessionId}`);
		await generate(sim, sessionId);
		await client.waitFor((message) => message.type === 'result');
		const progress = client.messages.filter((message) => message.type === 'detailed_progress').map((message) => message.data.progress as number);
		expect(progress.slice(0, 3)).toEqual(firstThree);
		const sorted = [...progress].sort((a, b) => a - b);
		if (formula === 'executed') expect(progress).toEqual(sorted);
		else expect(progress).not.toEqual(sorted);
	});

	test("sibling message shapes: progress carries the detailed payload, executing has no prompt_id", async () => {
		const sim = await start({ messageShapes: 'sibling' });
		const sessionId = await newSession(sim);
		const client = await connect(sim, `pet-portrait-${sessionId}`);
		const { promptId } = await generate(sim, sessionId);
		await client.waitFor((message) => message.type === 'result');
		expect(client.messages.some((message) => message.type === 'detailed_progress')).toBe(false);
		expect(client.messages[0]).toEqual({
			type: 'executing',
			data: { node: '4', progress: 2, nodeInfo: { id: '4', type: 'CheckpointLoaderSimple', title: 'Load Checkpoint' }, executedNodesCount: 1, totalNodes: DEFAULT_NODE_COUNT },
		});
		expect(client.messages[1]).toEqual({ type: 'progress', data: { progress: 2, currentNode: '4', nodeInfo: client.messages[0].data.nodeInfo, executedNodesCount: 1, totalNodes: DEFAULT_NODE_COUNT } });
		expect(client.messages.find((message) => message.type === 'executing' && message.data.node === null)?.data).toEqual({ node: null, prompt_id: promptId });
	});

	test('sibling status style: always "Initializing", totalNodes 0 before a run, the old result kept while rerunning', async () => {
		const sim = await start({ statusStyle: 'sibling', resultCheck: 'own-job', nodeMs: 5 });
		const sessionId = await newSession(sim);
		expect((await status(sim, sessionId)).body).toMatchObject({ totalNodes: 0, message: 'Initializing' });
		await generate(sim, sessionId);
		const done = await sim.waitFor(sessionId, hasResult);
		await generate(sim, sessionId, undefined, 'regenerate');
		await sim.waitFor(sessionId, (session) => session.executedNodesCount >= 2);
		const rerun = (await status(sim, sessionId)).body;
		expect(rerun).toMatchObject({ status: 'processing', message: 'Initializing', resultImage: done.resultImage, endTime: expect.stringMatching(ISO) });
	});

	test('userInputs: scalar into inputs.text, object form merged, unknown ids ignored, scalar on a KSampler has no effect', async () => {
		const sim = await start();
		const sessionId = await newSession(sim);
		await generate(sim, sessionId, { [PET_TYPE_NODE]: 'cat', [STYLE_NODE]: { text: 'watercolor' }, 9999: 'ignored', [KSAMPLER_NODE]: 'fluffy' });
		const entry = sim.sessions.get(sessionId)!.generates[0];
		expect(entry.texts).toMatchObject({ [PET_TYPE_NODE]: 'cat', [STYLE_NODE]: 'watercolor' });
		expect(Object.keys(entry.touched).sort()).toEqual([KSAMPLER_NODE, PET_TYPE_NODE, STYLE_NODE].sort());
		expect(entry.touched[KSAMPLER_NODE]).toMatchObject({ text: 'fluffy', steps: 30 });
		expect((await sim.waitFor(sessionId, hasResult)).status).toBe('completed');
	});

	test("userInputs 'object' only: a scalar is spread into characters and the text stays the default", async () => {
		const sim = await start({ userInputsForm: 'object' });
		const sessionId = await newSession(sim);
		await generate(sim, sessionId, { [PET_TYPE_NODE]: 'cat' });
		const entry = sim.sessions.get(sessionId)!.generates[0];
		expect(entry.texts[PET_TYPE_NODE]).toBe('dog');
		expect(entry.touched[PET_TYPE_NODE]).toMatchObject({ 0: 'c', 1: 'a', 2: 't', text: 'dog' });
		const nullValue = await post(sim, 'generate', { sessionId, userInputs: { [PET_TYPE_NODE]: null } });
		expect(nullValue.status).toBe(500);
		expect(await nullValue.json()).toEqual({ error: 'Cannot convert undefined or null to object' });
	});

	test("userInputs 'scalar' only: an object lands in inputs.text and ComfyUI refuses the prompt", async () => {
		const sim = await start({ userInputsForm: 'scalar' });
		const sessionId = await newSession(sim);
		const response = await post(sim, 'generate', { sessionId, userInputs: { [PET_TYPE_NODE]: { text: 'cat' } } });
		expect(response.status).toBe(500);
		expect(await response.json()).toEqual({ error: 'Failed to queue prompt: Bad Request' });
		expect(sim.generateCount()).toBe(0);
		expect(sim.sessions.get(sessionId)?.generates[0].promptId).toBeNull();
	});

	test('workflow not loaded: 500 on generate and workflow-info until switched back', async () => {
		const sim = await start({ workflowLoaded: false });
		const sessionId = await newSession(sim);
		const generateResponse = await post(sim, 'generate', { sessionId });
		expect(generateResponse.status).toBe(500);
		expect(await generateResponse.json()).toEqual({ error: 'Workflow data not loaded' });
		const info = await fetch(`${sim.url}/api/workflow-info`);
		expect(info.status).toBe(500);
		expect(await info.json()).toEqual({ error: 'Workflow data not loaded' });
		expect(sim.generateCount()).toBe(0);
		sim.setWorkflowLoaded(true);
		expect((await post(sim, 'regenerate', { sessionId })).status).toBe(200);
	});
});

describe('sessions: restart and expiry', () => {
	test('restart forgets sessions and cuts sockets; ComfyUI files and the prompt count survive', async () => {
		const sim = await start();
		const sessionId = await newSession(sim);
		await generate(sim, sessionId);
		const done = await sim.waitFor(sessionId, hasResult);
		const client = await connect(sim, `pet-portrait-${sessionId}`);
		sim.restart();
		expect(await client.closed).toBe(1006);
		expect(await status(sim, sessionId)).toEqual({ status: 404, body: { error: 'Session not found' } });
		const again = await post(sim, 'generate', { sessionId });
		expect(again.status).toBe(400);
		expect(await again.json()).toEqual({ error: 'Invalid or expired session' });
		expect(sim.generateCount()).toBe(1);
		expect((await fetch(`${sim.url}${done.resultImage}`)).status).toBe(200);
	});

	test('TTL: an idle session expires (404 on status, 400 on generate and upload)', async () => {
		const sim = await start({ sessionTtlMs: 80 });
		const sessionId = await newSession(sim);
		expect((await status(sim, sessionId)).status).toBe(200);
		await delay(120);
		expect(await status(sim, sessionId)).toEqual({ status: 404, body: { error: 'Session not found' } });
		const generated = await post(sim, 'regenerate', { sessionId });
		expect(generated.status).toBe(400);
		expect(await generated.json()).toEqual({ error: 'Invalid or expired session' });
		expect((await uploadImage(sim, { sessionId })).status).toBe(400);
	});

	test('a processing session does not expire; expire() forgets one at once', async () => {
		const sim = await start({ sessionTtlMs: 40, nodeMs: 3, resultLagMs: 0, resultCheck: 'own-job' });
		const sessionId = await newSession(sim);
		await generate(sim, sessionId);
		const done = await sim.waitFor(sessionId, hasResult);
		expect(done.status).toBe('completed');
		expect((await status(sim, sessionId)).status).toBe(200);
		expect(sim.expire(sessionId)).toBe(true);
		expect(sim.expire(sessionId)).toBe(false);
		expect((await status(sim, sessionId)).status).toBe(404);
	});
});

describe('WebSocket', () => {
	test('disabled: the upgrade is Express 404; enabled again it connects', async () => {
		const sim = await start({ wsEnabled: false });
		await expect(connect(sim, 'pet-portrait-x')).rejects.toThrow('HTTP 404');
		expect(sim.requests.at(-1)).toMatchObject({ method: 'GET', path: '/ws', status: 404 });
		sim.ws.enabled = true;
		await connect(sim, 'pet-portrait-x');
		expect(sim.ws.connected('pet-portrait-x')).toBe(1);
		expect(sim.requests.at(-1)).toMatchObject({ path: '/ws', status: 101, query: { clientId: 'pet-portrait-x' } });
	});

	test('without clientId the socket is destroyed; any path works with one', async () => {
		const sim = await start();
		await expect(connect(sim, undefined)).rejects.toThrow();
		await connect(sim, 'abc', '/anything/else');
		expect(sim.ws.connected('abc')).toBe(1);
	});

	test('dropNextResult: no result message, the session still gets its image', async () => {
		const sim = await start();
		const sessionId = await newSession(sim);
		const client = await connect(sim, `pet-portrait-${sessionId}`);
		sim.ws.dropNextResult();
		await generate(sim, sessionId);
		const done = await sim.waitFor(sessionId, hasResult);
		await delay(30);
		expect(done.resultImage).toBe('/api/images/pet_portrait_00001_.png?type=output&subfolder=');
		expect(client.messages.some((message) => message.type === 'result')).toBe(false);
		expect(client.messages.some((message) => message.type === 'executing' && message.data.node === null)).toBe(true);
		expect(sim.ws.messages.filter((message) => message.type === 'result')).toEqual([expect.objectContaining({ dropped: true, delivered: 0 })]);
	});

	test('a socket-drop fault cuts the socket after N messages; HTTP requests do not take it', async () => {
		const sim = await start({ nodeMs: 5 });
		sim.faults.add({ pathPrefix: '/ws', fault: { kind: 'socket-drop', afterMessages: 4 } });
		sim.faults.add({ fault: { kind: 'socket-drop', afterMessages: 1 } });
		const sessionId = await newSession(sim);
		expect(sim.faults.pending()).toHaveLength(2);
		const client = await connect(sim, `pet-portrait-${sessionId}`);
		expect(sim.faults.pending()).toHaveLength(1);
		await generate(sim, sessionId);
		expect(await client.closed).toBe(1006);
		expect(client.messages).toHaveLength(4);
		expect(sim.requests.find((request) => request.path === '/ws')?.fault).toBe('socket-drop');
		// The job goes on; a new socket (taking the second rule, closeCode-less) sees one message then is cut.
		const second = await connect(sim, `pet-portrait-${sessionId}`);
		expect(await second.closed).toBe(1006);
		expect(second.messages).toHaveLength(1);
		expect(sim.faults.pending()).toEqual([]);
		expect((await sim.waitFor(sessionId, hasResult)).status).toBe('completed');
	});

	test('a socket-drop with a close code, and a refused upgrade', async () => {
		const sim = await start();
		sim.faults.add({ pathPrefix: '/ws', fault: { kind: 'socket-refuse', status: 503 } });
		await expect(connect(sim, 'pet-portrait-a')).rejects.toThrow('HTTP 503');
		sim.faults.add({ pathPrefix: '/ws', fault: { kind: 'socket-drop', afterMs: 20, closeCode: 1012 } });
		const client = await connect(sim, 'pet-portrait-a');
		expect(await client.closed).toBe(1012);
		expect(sim.requests.filter((request) => request.path === '/ws').map((request) => [request.status, request.fault])).toEqual([
			[503, 'socket-refuse'],
			[101, 'socket-drop'],
		]);
	});

	test('dropSockets cuts a connected socket mid-job', async () => {
		const sim = await start({ nodeMs: 5 });
		const sessionId = await newSession(sim);
		const client = await connect(sim, `pet-portrait-${sessionId}`);
		await generate(sim, sessionId);
		await client.waitFor((message) => message.type === 'detailed_progress');
		expect(sim.ws.dropSockets(`pet-portrait-${sessionId}`)).toBe(1);
		expect(await client.closed).toBe(1006);
		await sim.waitFor(sessionId, hasResult);
		expect(sim.ws.messages.filter((message) => message.type === 'result')[0].delivered).toBe(0);
	});

	test('startDelayMs 0: the first messages go out before any client could connect, and are lost', async () => {
		const sim = await start({ startDelayMs: 0, nodeMs: 4 });
		const sessionId = await newSession(sim);
		await generate(sim, sessionId);
		const client = await connect(sim, `pet-portrait-${sessionId}`);
		await client.waitFor((message) => message.type === 'result');
		const first = sim.ws.messages[0];
		expect(first).toMatchObject({ type: 'executing', delivered: 0, data: { node: '4' } });
		expect(client.messages.some((message) => message.data.node === '4')).toBe(false);
	});

	test('perNodeEvents off: only the result arrives; status sits at 0 % until then', async () => {
		const sim = await start({ perNodeEvents: false, nodeMs: 6 });
		const sessionId = await newSession(sim);
		const client = await connect(sim, `pet-portrait-${sessionId}`);
		await generate(sim, sessionId);
		await delay(80);
		expect((await status(sim, sessionId)).body).toMatchObject({ status: 'processing', progress: 0, currentNode: null, executedNodesCount: 0 });
		const result = await client.waitFor((message) => message.type === 'result');
		expect(client.messages.map((message) => message.type)).toEqual(['result']);
		expect(result.data.executedNodesCount).toBe(0);
	});

	test('perNodeEvents off: a failed prompt leaves the session processing', async () => {
		const sim = await start({ perNodeEvents: false });
		const sessionId = await newSession(sim);
		await generate(sim, sessionId, { [PET_TYPE_NODE]: 'FAIL' });
		await delay(200);
		expect(sim.prompts()[0].state).toBe('failed');
		expect((await status(sim, sessionId)).body.status).toBe('processing');
	});

	test("wsRouting 'last': only the newest socket of a clientId hears, and the older one closing deafens it", async () => {
		const sim = await start({ nodeMs: 5 });
		const sessionId = await newSession(sim);
		const clientId = `pet-portrait-${sessionId}`;
		const older = await connect(sim, clientId);
		const newer = await connect(sim, clientId);
		await generate(sim, sessionId);
		await newer.waitFor((message) => message.type === 'detailed_progress');
		expect(older.messages).toHaveLength(0);
		older.ws.close();
		await older.closed;
		await delay(15); // messages already under way when the server saw the close
		const heard = newer.messages.length;
		expect(sim.prompts()[0].state).toBe('running');
		await sim.waitFor(sessionId, hasResult);
		await delay(20);
		expect(newer.messages.length).toBe(heard);
		expect(newer.messages.some((message) => message.type === 'result')).toBe(false);
	});

	test("wsRouting 'all': every socket of the clientId hears", async () => {
		const sim = await start({ wsRouting: 'all' });
		const sessionId = await newSession(sim);
		const one = await connect(sim, `pet-portrait-${sessionId}`);
		const two = await connect(sim, `pet-portrait-${sessionId}`);
		await generate(sim, sessionId);
		await Promise.all([one.waitFor((message) => message.type === 'result'), two.waitFor((message) => message.type === 'result')]);
		expect(one.messages).toEqual(two.messages);
	});

	test('a later query parameter sticks to the clientId, so that socket hears nothing', async () => {
		const sim = await start();
		const sessionId = await newSession(sim);
		const client = await connect(sim, `pet-portrait-${sessionId}&v=2`);
		await generate(sim, sessionId);
		await sim.waitFor(sessionId, hasResult);
		expect(client.messages).toHaveLength(0);
		expect(sim.ws.connected(`pet-portrait-${sessionId}&v`)).toBe(1);
	});

	test("resultCheck 'queue-empty': a result waits for the queue to drain and comes again later", async () => {
		const sim = await start();
		const a = await newSession(sim);
		const b = await newSession(sim);
		const clientA = await connect(sim, `pet-portrait-${a}`);
		await generate(sim, a);
		await generate(sim, b);
		await sim.waitFor(b, hasResult);
		const [promptA, promptB] = sim.prompts();
		const resultA = sim.ws.messages.find((message) => message.type === 'result' && message.clientId === `pet-portrait-${a}`)!;
		expect(resultA.at).toBeGreaterThanOrEqual(promptB.finishedAt!);
		expect(promptA.finishedAt!).toBeLessThan(promptB.finishedAt!);
		const c = await newSession(sim);
		await generate(sim, c);
		await sim.waitFor(c, hasResult);
		await clientA.waitFor(() => clientA.messages.filter((message) => message.type === 'result').length === 2);
		const results = clientA.messages.filter((message) => message.type === 'result');
		expect(results[1]).toEqual(results[0]);
	});
});
