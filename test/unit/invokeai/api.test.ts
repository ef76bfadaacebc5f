// The InvokeAI client's requests, one at a time (nock): the version check, multi-user auth, the
// OpenAPI document kept per server, the enqueue body and a lost enqueue answer, uploads, boards,
// models and the queue listing.
import nock from 'nock';

import { isGenflowsError } from '../../../nodes/shared/core/errors.ts';
import { checkBaseUrl } from '../../../nodes/shared/core/urls.ts';
import { LOOK_AGAIN_AFTER_MS } from '../../../nodes/shared/core/lostJob.ts';
import { INVOKEAI_ADDRESS_RULES } from '../../../nodes/shared/providers/invokeai/api.ts';
import { invokeaiJobs } from '../../../nodes/shared/providers/invokeai/job.ts';
import { clearTemplateCache } from '../../../nodes/shared/providers/invokeai/templatesCache.ts';
import { DEFAULT_MODELS } from '../../simulators/invokeai/models.ts';
import { BASE, client, PNG, QUEUE, queueItem, testEnv } from './fakes.ts';
import { loadOpenApi } from './setup.ts';

beforeAll(() => nock.disableNetConnect());
beforeEach(() => clearTemplateCache());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

const reset = () => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function version(text = '6.13.8') {
	return nock(BASE).get('/api/v1/app/version').reply(200, { version: text });
}

const graph = { id: 'g', nodes: { seed: { id: 'seed', type: 'integer', value: 1 } }, edges: [] };

describe('InvokeAI address and version', () => {
	it("takes the server's root, or the path a proxy serves it under, and refuses one that ends in /api", () => {
		expect(checkBaseUrl('http://gpu.lan:9090/', INVOKEAI_ADDRESS_RULES).url).toBe('http://gpu.lan:9090');
		expect(checkBaseUrl('https://example.com/invoke', INVOKEAI_ADDRESS_RULES).url).toBe('https://example.com/invoke');
		expect(() => checkBaseUrl('http://gpu.lan:9090/api', INVOKEAI_ADDRESS_RULES)).toThrow(
			'The InvokeAI address "http://gpu.lan:9090/api" ends in /api, which is added to every request anyway: leave it out; expected something like http://localhost:9090.',
		);
	});

	it('reads the version once per client', async () => {
		const scope = version('6.14.0-alpha');
		const invokeai = client();
		await expect(invokeai.version()).resolves.toBe('6.14.0-alpha');
		await expect(invokeai.withDeadline(10_000).version()).resolves.toBe('6.14.0-alpha');
		expect(scope.isDone()).toBe(true);
	});

	it('refuses a 5.x server with one error that names its version and the oldest supported, and queues nothing there', async () => {
		version('5.6.0');
		const invokeai = client();
		const expected = { kind: 'input', parameter: 'baseUrl', message: 'InvokeAI at http://invoke.test:9090 is version 5.6.0; this package works with InvokeAI 6.0 or later.' };
		await expect(invokeai.version()).rejects.toMatchObject(expected);
		version('5.6.0');
		// No enqueue route is mocked: a request to it would fail differently.
		await expect(invokeai.enqueue({ graph })).rejects.toMatchObject(expected);
	});

	it('refuses a server that reports no version', async () => {
		version('nightly');
		await expect(client().version()).rejects.toMatchObject({ kind: 'input', message: 'The server at http://invoke.test:9090 reported the version "nightly", which is not an InvokeAI version.' });
	});
});

describe('InvokeAI multi-user auth', () => {
	const credentials = { email: 'user@example.com', password: 'user-password' };

	function login(token: string, expiresIn = 86_400) {
		return nock(BASE)
			.post('/api/v1/auth/login', { email: credentials.email, password: credentials.password, remember_me: false })
			.reply(200, { token, user: { user_id: 'user' }, expires_in: expiresIn });
	}

	it('logs in once and sends the token with every request until it expires', async () => {
		const env = testEnv();
		const logins = login('token-1', 3_600);
		nock(BASE).get(`${QUEUE}/status`).matchHeader('authorization', 'Bearer token-1').times(2).reply(200, { queue: { pending: 0, in_progress: 0, completed: 0, failed: 0, canceled: 0, total: 0 }, processor: { is_started: true, is_processing: false } });
		const invokeai = client(env, { auth: credentials });
		await invokeai.queueStatus();
		await invokeai.queueStatus();
		expect(logins.isDone()).toBe(true);
		// An hour later the token is fetched again before it runs out.
		env.clock.now += 3_600_000;
		login('token-2');
		nock(BASE).get(`${QUEUE}/i/1`).matchHeader('authorization', 'Bearer token-2').reply(200, queueItem(1, 'pending'));
		await expect(invokeai.getItem(1)).resolves.toMatchObject({ item_id: 1 });
	});

	it('logs in again once when the server refuses the token, and sends the request again', async () => {
		login('token-1');
		nock(BASE).get(`${QUEUE}/i/1`).matchHeader('authorization', 'Bearer token-1').reply(401, { detail: 'Invalid or expired token' });
		login('token-2');
		const retried = nock(BASE).get(`${QUEUE}/i/1`).matchHeader('authorization', 'Bearer token-2').reply(200, queueItem(1, 'completed'));
		await expect(client(testEnv(), { auth: credentials }).getItem(1)).resolves.toMatchObject({ status: 'completed' });
		expect(retried.isDone()).toBe(true);
	});

	it('gives up after the second refusal, without the token or the password in the error', async () => {
		login('token-1');
		login('token-2');
		nock(BASE).get(`${QUEUE}/i/1`).times(2).reply(401, { detail: 'Invalid or expired token' });
		const error = await client(testEnv(), { auth: credentials })
			.getItem(1)
			.catch((caught: unknown) => caught);
		expect(error).toMatchObject({ kind: 'api', status: 401, message: 'InvokeAI answered 401 to GET /api/v1/queue/default/i/1: Invalid or expired token' });
		expect(isGenflowsError(error) && error.hint).toContain('multi-user mode');
		const everything = JSON.stringify({ message: (error as Error).message, hint: (error as { hint?: string }).hint, error });
		for (const secret of ['token-1', 'token-2', credentials.password]) expect(everything).not.toContain(secret);
		expect(nock.pendingMocks()).toEqual([]);
	});

	it('says to check the email and password when the login is refused, without quoting them', async () => {
		nock(BASE).post('/api/v1/auth/login').reply(401, { detail: 'Incorrect email or password' });
		const error = (await client(testEnv(), { auth: credentials })
			.getItem(1)
			.catch((caught: unknown) => caught)) as Error & { hint?: string };
		expect(error).toMatchObject({ status: 401, message: 'InvokeAI answered 401 to POST /api/v1/auth/login: Incorrect email or password' });
		expect(error.hint).toContain('email and password');
		expect(JSON.stringify({ message: error.message, hint: error.hint })).not.toContain(credentials.password);
	});

	it('sends a given token as it is, and does not try to renew it', async () => {
		nock(BASE).get(`${QUEUE}/i/1`).matchHeader('authorization', 'Bearer given-token').reply(401, { detail: 'Invalid or expired token' });
		await expect(client(testEnv(), { auth: { token: 'given-token' } }).getItem(1)).rejects.toMatchObject({ status: 401 });
		expect(nock.pendingMocks()).toEqual([]);
	});

	it('sends no token to a single-user server that refuses the login', async () => {
		const env = testEnv();
		nock(BASE).post('/api/v1/auth/login').reply(403, { detail: 'Multiuser mode is disabled. Authentication is not required in single-user mode.' });
		nock(BASE, { badheaders: ['authorization'] }).get(`${QUEUE}/i/1`).reply(200, queueItem(1, 'pending'));
		await expect(client(env, { auth: credentials }).getItem(1)).resolves.toMatchObject({ item_id: 1 });
		expect(env.logger.lines.map((line) => line.message)).toEqual(['InvokeAI runs in single-user mode: the email and password are not needed, and requests are sent without a token']);
	});
});

describe('InvokeAI OpenAPI document', () => {
	it('is fetched once per server and version, for every client of the process', async () => {
		version();
		version();
		const document = nock(BASE).get('/openapi.json').once().reply(200, loadOpenApi('v6.13.8'));
		const first = await client().openApi();
		const second = await client().openApi();
		expect(second).toBe(first);
		expect(first.has('sdxl_model_loader')).toBe(true);
		expect(document.isDone()).toBe(true);
	});

	it('is fetched again for another version of the server', async () => {
		version('6.13.8');
		version('6.14.0-alpha');
		nock(BASE).get('/openapi.json').reply(200, loadOpenApi('v6.13.8'));
		nock(BASE).get('/openapi.json').reply(200, loadOpenApi('6.14.0-alpha'));
		const older = await client().openApi();
		const newer = await client().openApi();
		expect(newer).not.toBe(older);
	});
});

describe('InvokeAI enqueue', () => {
	it('sends the batch embedded with prepend, under a batch id chosen here, with origin and destination', async () => {
		version();
		let body: Record<string, unknown> = {};
		nock(BASE)
			.post(`${QUEUE}/enqueue_batch`, (sent: Record<string, unknown>) => ((body = sent), true))
			.reply(200, (_uri, sent) => {
				const batch = (sent as { batch: Record<string, unknown> }).batch;
				return { queue_id: 'default', enqueued: 2, requested: 2, batch, priority: 1, item_ids: [8, 7] };
			});
		const data = [[{ node_path: 'seed', field_name: 'value', items: [1, 2] }]];
		const enqueued = await client(testEnv(), { origin: 'n8n' }).enqueue({ graph, data, runs: 1, destination: 'my-flow' }, { prepend: true });
		const batch = body.batch as Record<string, unknown>;
		expect(body.prepend).toBe(true);
		expect(batch).toEqual({ batch_id: expect.stringMatching(UUID), origin: 'n8n', destination: 'my-flow', runs: 1, graph, data });
		expect(enqueued).toEqual({ batchId: batch.batch_id, itemIds: [7, 8], enqueued: 2, requested: 2, priority: 1 });
	});

	it('embeds the workflow with the fields InvokeAI requires, and without its id', async () => {
		version();
		let batch: Record<string, unknown> = {};
		nock(BASE)
			.post(`${QUEUE}/enqueue_batch`, (sent: { batch: Record<string, unknown> }) => ((batch = sent.batch), true))
			.reply(200, { enqueued: 1, requested: 1, item_ids: [1] });
		const workflow = { id: 'mine', name: 'Mine', meta: { version: '3.0.0' }, nodes: [], edges: [], exposedFields: [] };
		await client().enqueue({ graph, workflow });
		expect(batch.workflow).toEqual({ name: 'Mine', author: '', description: '', version: '', contact: '', tags: '', notes: '', meta: { version: '3.0.0', category: 'user' }, nodes: [], edges: [], exposedFields: [] });
	});

	/** The lost enqueue (ECONNRESET after sending), and an answer that would say it was sent again. */
	function lostEnqueue() {
		const sent = { batchId: '' };
		nock(BASE)
			.post(`${QUEUE}/enqueue_batch`, (body: { batch: { batch_id: string } }) => ((sent.batchId = body.batch.batch_id), true))
			.replyWithError(reset());
		const second = nock(BASE).post(`${QUEUE}/enqueue_batch`).reply(200, { enqueued: 1, requested: 1, item_ids: [99] });
		return { sent, second };
	}

	it('asks whether a batch whose answer was lost landed, and takes its items instead of queueing it again (6.8+)', async () => {
		version();
		const { sent, second } = lostEnqueue();
		nock(BASE)
			.get(/\/api\/v1\/queue\/default\/b\/[^/]+\/status$/)
			.reply((uri) => [200, { batch_id: uri.split('/')[6], pending: 2, in_progress: 0, completed: 0, failed: 0, canceled: 0, total: 2 }]);
		nock(BASE).get(`${QUEUE}/item_ids`).query({ order_dir: 'DESC' }).reply(200, { item_ids: [12, 11, 10], total_count: 3 });
		nock(BASE)
			.post(`${QUEUE}/items_by_ids`, { item_ids: [12, 11, 10] })
			.reply(() => [200, [queueItem(12, 'pending', { batch_id: sent.batchId }), queueItem(11, 'pending', { batch_id: sent.batchId }), queueItem(10, 'completed', { batch_id: 'someone-else' })]]);
		const env = testEnv();
		const enqueued = await client(env).enqueue({ graph });
		expect(enqueued).toEqual({ batchId: sent.batchId, itemIds: [11, 12], enqueued: 2, requested: 2, recovered: true });
		expect(second.isDone()).toBe(false);
		expect(env.logger.lines.map((line) => line.message)).toEqual([`InvokeAI: the answer to queueing batch ${sent.batchId} was lost; found its 2 queue item(s) on the server`]);
	});

	it('finds them with list_all on 6.0-6.7, leaving out the items a called workflow made', async () => {
		version('6.7.0');
		const { sent } = lostEnqueue();
		nock(BASE)
			.get(/\/b\/[^/]+\/status$/)
			.reply(() => [200, { batch_id: sent.batchId, pending: 1, in_progress: 0, completed: 0, failed: 0, canceled: 0, total: 1 }]);
		nock(BASE)
			.get(`${QUEUE}/list_all`)
			.query({ destination: 'gallery' })
			.reply(() => [200, [queueItem(5, 'pending', { batch_id: sent.batchId }), queueItem(6, 'pending', { batch_id: sent.batchId, parent_item_id: 5 })]]);
		await expect(client().enqueue({ graph })).resolves.toMatchObject({ itemIds: [5], recovered: true });
	});

	it('says the batch may exist, and queues it no second time, when the server has none of its items', async () => {
		version();
		const { sent, second } = lostEnqueue();
		// Asked once, and again after each pause (the server may still be queueing it): none each time.
		const looks = nock(BASE)
			.get(/\/b\/[^/]+\/status$/)
			.times(1 + LOOK_AGAIN_AFTER_MS.length)
			.reply(() => [200, { batch_id: sent.batchId, pending: 0, in_progress: 0, completed: 0, failed: 0, canceled: 0, total: 0 }]);
		const error = await client()
			.enqueue({ graph })
			.catch((caught: unknown) => caught);
		expect(error).toMatchObject({
			kind: 'job-uncertain',
			message: `The answer to queueing InvokeAI batch ${sent.batchId} was lost (the connection was reset) after the request may have reached the server, and the server has no queue item of that batch. Its queue items may exist and run on the server: the batch was not queued again.`,
		});
		expect(second.isDone()).toBe(false);
		expect(looks.isDone()).toBe(true);
	});

	it('does not look for a batch the server refused', async () => {
		version();
		nock(BASE).post(`${QUEUE}/enqueue_batch`).reply(422, { detail: [{ loc: ['body', 'batch', 'graph', 'nodes', 'x'], msg: 'Invalid node type', type: 'value_error' }] });
		await expect(client().enqueue({ graph })).rejects.toMatchObject({ kind: 'api', status: 422, message: expect.stringContaining('batch.graph.nodes.x: Invalid node type'), hint: expect.stringContaining('refused the graph') });
	});
});

describe('InvokeAI images, boards and models', () => {
	it('uploads a picture as an intermediate user image, in the form field "file"', async () => {
		let sent = '';
		nock(BASE)
			.post('/api/v1/images/upload', (body: string) => ((sent = body), true))
			.query({ image_category: 'user', is_intermediate: 'true' })
			.reply(201, { image_name: 'uploaded.png', image_url: 'api/v1/images/i/uploaded.png/full', width: 1, height: 1 });
		await expect(client().uploadImage({ data: PNG, fileName: 'cat' })).resolves.toMatchObject({ image_name: 'uploaded.png' });
		// nock hands a binary body over as hex.
		expect(Buffer.from(sent, 'hex').toString('latin1')).toMatch(/name="file"; filename="cat\.png"\r\nContent-Type: image\/png/);
	});

	it('refuses what is not a picture before sending it, naming the input', async () => {
		await expect(client().uploadImage({ data: new TextEncoder().encode('%PDF'), fileName: 'doc.png' }, { parameter: 'inputs.Image' })).rejects.toMatchObject({
			kind: 'input',
			parameter: 'inputs.Image',
		});
	});

	it('downloads a picture with the token (6.14 multi-user mode asks for it on files too)', async () => {
		nock(BASE).get(`${QUEUE}/status`).matchHeader('authorization', 'Bearer t').reply(200, { queue: { pending: 0, in_progress: 0, completed: 0, failed: 0, canceled: 0, total: 0 }, processor: { is_started: true, is_processing: false } });
		nock(BASE).get('/api/v1/images/i/a%20b.png/full').matchHeader('authorization', 'Bearer t').reply(200, Buffer.from(PNG), { 'content-type': 'image/png' });
		const invokeai = client(testEnv(), { auth: { token: 't' } });
		await invokeai.queueStatus();
		const file = await invokeai.downloadImage('a b.png');
		expect(file).toMatchObject({ fileName: 'a b.png', mimeType: 'image/png' });
	});

	it('finds a board by name, and creates one that does not exist, saying so', async () => {
		const boards = [{ board_id: 'b-1', board_name: 'Cats', created_at: '', updated_at: '', archived: false, image_count: 3, asset_count: 0 }];
		nock(BASE).get('/api/v1/boards/').query({ all: 'true', include_archived: 'true' }).times(3).reply(200, boards);
		const created = nock(BASE).post('/api/v1/boards/').query({ board_name: 'Dogs' }).reply(201, { board_id: 'b-2', board_name: 'Dogs', archived: false, image_count: 0 });
		const resolver = client().resolver();
		await expect(resolver.board('cats', 'board')).resolves.toEqual({ board_id: 'b-1', board_name: 'Cats', created: false });
		await expect(resolver.board('b-1', 'board')).resolves.toEqual({ board_id: 'b-1', board_name: 'Cats', created: false });
		await expect(resolver.board('Dogs', 'board')).resolves.toEqual({ board_id: 'b-2', board_name: 'Dogs', created: true });
		expect(created.isDone()).toBe(true);
		expect(resolver.createdBoards.map((board) => board.board_name)).toEqual(['Dogs']);
	});

	it('finds a model by name or key among those an input takes, and lists close matches for one of the wrong base', async () => {
		nock(BASE).get('/api/v2/models/').reply(200, { models: DEFAULT_MODELS });
		const resolver = client().resolver();
		const input = { label: 'Model' } as Parameters<typeof resolver.findModel>[2];
		const sdxl = { bases: ['sdxl'], types: ['main'] };
		const juggernaut = DEFAULT_MODELS[0];
		await expect(resolver.findModel({ keyOrName: 'Juggernaut XL v9' }, sdxl, input)).resolves.toEqual({
			key: juggernaut.key,
			hash: expect.stringMatching(/^blake3:/),
			name: 'Juggernaut XL v9',
			base: 'sdxl',
			type: 'main',
		});
		await expect(resolver.findModel({ key: juggernaut.key }, sdxl, input)).resolves.toMatchObject({ name: 'Juggernaut XL v9' });
		await expect(resolver.findModel({ keyOrName: 'Dreamshaper 8' }, sdxl, input)).rejects.toMatchObject({
			kind: 'input',
			parameter: 'inputs.Model',
			message: 'Input "Model" takes sdxl main models; "Dreamshaper 8" is installed as a sd-1 main model. Close matches: "Juggernaut XL v9" (sdxl main, key 0b4c9d6e-2f9a-4e53-8c2d-5b2a0c1f7e11).',
		});
	});
});

describe('InvokeAI dynamic prompts', () => {
	it('asks the server for the prompts a template makes', async () => {
		nock(BASE)
			.post('/api/v1/utilities/dynamicprompts', { prompt: 'a {red|blue} car', max_prompts: 10, combinatorial: true, seed: 7 })
			.reply(200, { prompts: ['a red car', 'a blue car'], error: null });
		await expect(client().dynamicPrompts({ prompt: 'a {red|blue} car', maxPrompts: 10, combinatorial: true, seed: 7 })).resolves.toEqual(['a red car', 'a blue car']);
	});

	it("refuses a template the server cannot read, in the server's words", async () => {
		nock(BASE).post('/api/v1/utilities/dynamicprompts').reply(200, { prompts: ['a {red car'], error: "Unexpected end of input: expected '}'" });
		await expect(client().dynamicPrompts({ prompt: 'a {red car', maxPrompts: 10, combinatorial: false })).rejects.toMatchObject({
			kind: 'input',
			parameter: 'workflow',
			message: "InvokeAI could not read the dynamic prompt \"a {red car\": Unexpected end of input: expected '}'.",
		});
	});
});

describe('InvokeAI queue listing', () => {
	it('lists items newest first a page at a time (6.8+), leaving out the ones other users own', async () => {
		version();
		nock(BASE).get(`${QUEUE}/item_ids`).query({ order_dir: 'DESC' }).times(2).reply(200, { item_ids: [5, 4, 3, 2, 1], total_count: 5 });
		nock(BASE)
			.post(`${QUEUE}/items_by_ids`, { item_ids: [5, 4] })
			.reply(200, [queueItem(4, 'completed'), queueItem(5, 'in_progress', { user_id: 'redacted', batch_id: 'redacted' })]);
		nock(BASE)
			.post(`${QUEUE}/items_by_ids`, { item_ids: [3, 2] })
			.reply(200, [queueItem(3, 'failed'), queueItem(2, 'canceled')]);
		const adapter = invokeaiJobs(client(), { pageSize: 2 });
		const first = await adapter.listJobs!({});
		expect(first.jobs.map(({ listed }) => listed)).toEqual([{ id: '4', order: 4, phase: 'succeeded' }]);
		expect(first.next).toBe('4');
		const second = await adapter.listJobs!({ page: first.next });
		expect(second.jobs.map(({ listed }) => [listed.id, listed.phase])).toEqual([
			['3', 'failed'],
			['2', 'failed'],
		]);
		expect(second.next).toBe('2');
	});

	it('lists every item in one page with list_all before 6.8, keeping those of the origin asked for', async () => {
		version('6.4.0');
		nock(BASE)
			.get(`${QUEUE}/list_all`)
			.reply(200, [queueItem(1, 'completed'), queueItem(3, 'pending', { origin: 'workflows' }), queueItem(2, 'completed')]);
		const listed = await client().listItems({ origin: 'genflows' });
		expect(listed).toEqual({ items: [expect.objectContaining({ item_id: 2 }), expect.objectContaining({ item_id: 1 })] });
	});
});
