import nock from 'nock';
import { z } from 'zod';

import { ApiClient } from '../../../nodes/shared/core/client.ts';
import { connectionErrorFrom } from '../../../nodes/shared/core/errors.ts';
import { fetchTransport } from '../../../nodes/shared/core/fetchTransport.ts';
import { virtualEnv } from '../../helpers/virtualEnv.ts';

const BASE = 'http://vix.test:8288';

function client(basicAuth?: { user: string; password: string }) {
	const env = virtualEnv(fetchTransport({ basicAuth }));
	return { env, api: new ApiClient({ service: 'Visionatrix', baseUrl: `${BASE}/`, env }) };
}

beforeAll(() => nock.disableNetConnect());
afterEach(() => {
	nock.abortPendingRequests();
	nock.cleanAll();
});
afterAll(() => nock.enableNetConnect());

describe('ApiClient', () => {
	it('builds the URL, sends Basic auth and parses the answer', async () => {
		const scope = nock(BASE, { reqheaders: { authorization: 'Basic dTpw' } })
			.get('/vapi/tasks/progress-summary')
			.query({ name: 'sdxl', group_scope: '0' })
			.reply(200, { ok: true });
		const { api } = client({ user: 'u', password: 'p' });
		const body = await api.json(
			{ method: 'GET', path: '/vapi/tasks/progress-summary', query: { name: 'sdxl', group_scope: 0, only_parent: undefined } },
			z.object({ ok: z.boolean() }),
		);
		expect(body).toEqual({ ok: true });
		expect(scope.isDone()).toBe(true);
	});

	it('carries the status, the request and the server words in an API error, never the credential', async () => {
		nock(BASE).get('/vapi/other/whoami').reply(401, 'Not authenticated', { 'WWW-Authenticate': 'Basic' });
		const { api } = client({ user: 'admin', password: 's3cret' });
		const error = await api.empty({ method: 'GET', path: '/vapi/other/whoami' }).catch((caught) => caught);
		expect(error).toMatchObject({ kind: 'api', status: 401, method: 'GET', path: '/vapi/other/whoami', serverMessage: 'Not authenticated' });
		expect(error.message).toBe('Visionatrix answered 401 to GET /vapi/other/whoami: Not authenticated');
		expect(JSON.stringify({ ...error, message: error.message })).not.toContain('s3cret');
	});

	it('reads FastAPI detail strings and validation lists', async () => {
		nock(BASE).put('/vapi/tasks/create/sdxl').reply(404, { detail: 'Flow `sdxl` is not installed.' });
		nock(BASE)
			.put('/vapi/tasks/create/sdxl')
			.reply(422, { detail: [{ type: 'greater_than_equal', loc: ['body', 'count'], msg: 'Input should be greater than or equal to 1' }] });
		const { api } = client();
		await expect(api.empty({ method: 'PUT', path: '/vapi/tasks/create/sdxl' })).rejects.toMatchObject({
			serverMessage: 'Flow `sdxl` is not installed.',
		});
		await expect(api.empty({ method: 'PUT', path: '/vapi/tasks/create/sdxl' })).rejects.toMatchObject({
			serverMessage: 'count: Input should be greater than or equal to 1',
		});
	});

	it('retries a read after 503 with Retry-After, waiting what the server asked', async () => {
		nock(BASE).get('/vapi/flows/installed').reply(503, 'busy', { 'Retry-After': '2' });
		nock(BASE).get('/vapi/flows/installed').reply(200, []);
		const { api, env } = client();
		await expect(api.json({ method: 'GET', path: '/vapi/flows/installed' }, z.array(z.unknown()))).resolves.toEqual([]);
		expect(env.sleeps).toEqual([2000]);
	});

	it('does not repeat a job-creating request after a 503, since it may have been carried out', async () => {
		const scope = nock(BASE).put('/vapi/tasks/create/sdxl').reply(503, 'upstream hiccup');
		const { api } = client();
		await expect(api.empty({ method: 'PUT', path: '/vapi/tasks/create/sdxl', retry: 'unsent-only' })).rejects.toMatchObject({ status: 503 });
		expect(scope.isDone()).toBe(true);
	});

	/** A fetch that fails the way undici does: TypeError('fetch failed') with the socket error as cause. */
	function failingFetch(codes: string[]): { fetch: typeof fetch; calls: () => number } {
		let calls = 0;
		const fake = (async () => {
			const code = codes[calls++];
			if (code) throw new TypeError('fetch failed', { cause: Object.assign(new Error(`connect ${code}`), { code }) });
			return new Response(JSON.stringify({ tasks_ids: [1], outputs: [] }), { status: 200 });
		}) as unknown as typeof fetch;
		return { fetch: fake, calls: () => calls };
	}

	it('repeats a job-creating request when the connection was refused', async () => {
		const fake = failingFetch(['ECONNREFUSED']);
		const api = new ApiClient({ service: 'Visionatrix', baseUrl: BASE, env: virtualEnv(fetchTransport({ fetch: fake.fetch })) });
		await expect(api.json({ method: 'PUT', path: '/vapi/tasks/create/sdxl', retry: 'unsent-only' }, z.unknown())).resolves.toEqual({
			tasks_ids: [1],
			outputs: [],
		});
		expect(fake.calls()).toBe(2);
	});

	it('does not repeat a job-creating request when the connection dropped mid-way', async () => {
		const fake = failingFetch(['ECONNRESET']);
		const api = new ApiClient({ service: 'Visionatrix', baseUrl: BASE, env: virtualEnv(fetchTransport({ fetch: fake.fetch })) });
		const error = await api.empty({ method: 'PUT', path: '/vapi/tasks/create/sdxl', retry: 'unsent-only' }).catch((caught) => caught);
		expect(error).toMatchObject({ kind: 'connection', phase: 'transfer', code: 'ECONNRESET' });
		expect(error.message).toContain('PUT /vapi/tasks/create/sdxl');
		expect(fake.calls()).toBe(1);
	});

	it('names the field when a server answers something unexpected', async () => {
		nock(BASE).get('/vapi/tasks/progress/1').reply(200, { task_id: 1, progress: 'lots' });
		nock(BASE).get('/vapi/tasks/progress/2').reply(200, '{"task_id": 2, "progr', { 'Content-Type': 'application/json' });
		const { api } = client();
		const schema = z.object({ task_id: z.number(), progress: z.number() });
		await expect(api.json({ method: 'GET', path: '/vapi/tasks/progress/1' }, schema)).rejects.toMatchObject({
			kind: 'response-shape',
			field: 'progress',
			message: expect.stringContaining('field `progress`: Expected number, received string'),
		});
		await expect(api.json({ method: 'GET', path: '/vapi/tasks/progress/2' }, schema)).rejects.toMatchObject({
			kind: 'response-shape',
			message: expect.stringContaining('not JSON'),
		});
	});

	it('stops at once when the signal aborts, without retrying', async () => {
		let calls = 0;
		const hangingFetch = ((_url: string, init: RequestInit) => {
			calls++;
			return new Promise((_resolve, reject) =>
				init.signal?.addEventListener('abort', () => reject(new DOMException('This operation was aborted', 'AbortError'))),
			);
		}) as unknown as typeof fetch;
		const api = new ApiClient({ service: 'Visionatrix', baseUrl: BASE, env: virtualEnv(fetchTransport({ fetch: hangingFetch })) });
		const controller = new AbortController();
		const pending = api.empty({ method: 'GET', path: '/vapi/flows/installed', signal: controller.signal });
		controller.abort();
		await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
		expect(calls).toBe(1);
	});

	// Audit: a server that accepts connections and never answers made `--timeout 3` run 244 s.
	it('fits every request and retry of a bounded client into its limit, and says which limit ran out', async () => {
		const env = virtualEnv();
		const timeouts: number[] = [];
		env.transport = async (request) => {
			timeouts.push(request.timeoutMs ?? -1);
			env.clock.now += request.timeoutMs ?? 0;
			throw connectionErrorFrom(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
		};
		const api = new ApiClient({ service: 'Visionatrix', baseUrl: BASE, env }).withDeadline(3_000);
		const startedAt = env.clock.now;
		const error = await api.empty({ method: 'GET', path: '/vapi/flows/installed' }).catch((caught) => caught);
		expect(error).toMatchObject({ kind: 'deadline', message: 'Visionatrix did not answer GET /vapi/flows/installed within the 3 s limit.' });
		expect(timeouts).toEqual([3_000]);
		expect(env.clock.now - startedAt).toBe(3_000);
	});

	it('does not start a retry it could not finish in time', async () => {
		nock(BASE).get('/vapi/flows/installed').reply(503, 'busy', { 'Retry-After': '5' });
		const { api, env } = client();
		await expect(api.withDeadline(4_000).empty({ method: 'GET', path: '/vapi/flows/installed' })).rejects.toMatchObject({ status: 503 });
		expect(env.sleeps).toEqual([]);
	});

	it('gives clean-up requests their own time even when the limit has run out', async () => {
		const env = virtualEnv();
		const sent: string[] = [];
		env.transport = async (request) => {
			sent.push(`${request.method} ${request.timeoutMs}`);
			return { status: 204, headers: {}, body: new Uint8Array(0) };
		};
		const api = new ApiClient({ service: 'Visionatrix', baseUrl: BASE, env }).withDeadline(1_000);
		env.clock.now += 2_000;
		await expect(api.empty({ method: 'GET', path: '/vapi/tasks/progress/1' })).rejects.toMatchObject({ kind: 'deadline' });
		await api.empty({ method: 'DELETE', path: '/vapi/tasks/task', timeoutMs: 15_000, ignoresDeadline: true });
		expect(sent).toEqual(['DELETE 15000']);
	});

	it('counts a DELETE as done when its first answer was lost and the retry finds nothing to delete', async () => {
		nock(BASE).delete('/vapi/tasks/task').query({ task_id: '7' }).replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
		nock(BASE).delete('/vapi/tasks/task').query({ task_id: '7' }).reply(404, { detail: 'Task `7` was not found.' });
		const { api } = client();
		await expect(api.empty({ method: 'DELETE', path: '/vapi/tasks/task', query: { task_id: 7 } })).resolves.toBeUndefined();
		// A first answer of 404 still means the task was not there.
		nock(BASE).delete('/vapi/tasks/task').query({ task_id: '8' }).reply(404, { detail: 'Task `8` was not found.' });
		await expect(api.empty({ method: 'DELETE', path: '/vapi/tasks/task', query: { task_id: 8 } })).rejects.toMatchObject({ status: 404 });
	});

	it('reports a redirect, and where it points, instead of following it to a 401', async () => {
		nock(BASE).get('/vapi/other/whoami').reply(302, '', { Location: 'https://login.example.com/sso?next=/vapi' });
		const { api } = client({ user: 'admin', password: 's3cret' });
		const error = await api.empty({ method: 'GET', path: '/vapi/other/whoami' }).catch((caught) => caught);
		expect(error).toMatchObject({ kind: 'api', status: 302 });
		expect(error.message).toBe(
			'Visionatrix redirected GET /vapi/other/whoami to https://login.example.com/sso?next=/vapi (302). Set the address to the server that answers, without a redirect.',
		);
	});

	it('says that the server is limiting requests, and when to try again, once retries are used up', async () => {
		nock(BASE).get('/vapi/flows/installed').times(4).reply(429, 'slow down', { 'Retry-After': '30' });
		const { api, env } = client();
		const error = await api.empty({ method: 'GET', path: '/vapi/flows/installed' }).catch((caught) => caught);
		expect(env.sleeps).toEqual([30_000, 30_000, 30_000]);
		expect(error.message).toBe('Visionatrix is limiting requests (429 Too Many Requests to GET /vapi/flows/installed); try again in 30 s.');
	});

	it('names the server and the address it could not reach', async () => {
		const fake = failingFetch(['ECONNREFUSED', 'ECONNREFUSED', 'ECONNREFUSED', 'ECONNREFUSED']);
		const api = new ApiClient({ service: 'Visionatrix', baseUrl: 'http://localhost:8288', env: virtualEnv(fetchTransport({ fetch: fake.fetch })) });
		const error = await api.empty({ method: 'GET', path: '/vapi/flows/installed' }).catch((caught) => caught);
		expect(error.message).toBe('Could not connect to Visionatrix at http://localhost:8288 (connection refused) for GET /vapi/flows/installed');
	});

	it('sends a request for another host through the plain transport, as it is, without the credential', async () => {
		const link = 'https://bucket.s3.test/generations/r1/out.png?X-Amz-Signature=abc';
		const scope = nock('https://bucket.s3.test', { badheaders: ['authorization'] }).get('/generations/r1/out.png').query({ 'X-Amz-Signature': 'abc' }).reply(200, 'png');
		const env = { ...virtualEnv(fetchTransport({ basicAuth: { user: 'u', password: 'p' } })), plainTransport: fetchTransport() };
		const api = new ApiClient({ service: 'Visionatrix', baseUrl: BASE, env });
		const response = await api.send({ method: 'GET', path: '/generations/r1/out.png', externalUrl: link });
		expect(new TextDecoder().decode(response.body)).toBe('png');
		expect(scope.isDone()).toBe(true);
	});

	it('refuses a request for another host where there is no plain transport, and names that host', async () => {
		const { api } = client({ user: 'u', password: 'p' });
		const error = await api.empty({ method: 'GET', path: '/out.png', externalUrl: 'https://bucket.s3.test/out.png' }).catch((caught) => caught);
		expect(error).toMatchObject({ kind: 'connection', retryable: false });
		expect(error.message).toBe(
			'Visionatrix: GET /out.png on https://bucket.s3.test was not sent, because this host cannot send it without the credential (which must not reach that host).',
		);
	});
});
