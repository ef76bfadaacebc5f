// The Flowscale client's answers to what a server may send, one request at a time (nock).
import nock from 'nock';

import { fetchTransport } from '../../../nodes/shared/core/fetchTransport.ts';
import { LOOK_AGAIN_AFTER_MS } from '../../../nodes/shared/core/lostJob.ts';
import { Flowscale } from '../../../nodes/shared/providers/flowscale/api.ts';
import type { OutputState } from '../../../nodes/shared/providers/flowscale/outputs.ts';
import { outputFileName, waitForOutput } from '../../../nodes/shared/providers/flowscale/outputs.ts';
import { virtualEnv } from '../../helpers/virtualEnv.ts';

const BASE = 'https://my-deployment.pod.flowscale.ai';
const KEY = 'unit-test-key';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

function client(env = virtualEnv(fetchTransport({ headers: { 'X-API-KEY': KEY } }))): Flowscale {
	return new Flowscale({ baseUrl: BASE, env, retry: { maxRetries: 0 } });
}

const run = (id: string, createdAt: string, extra: Record<string, unknown> = {}) => ({
	_id: id,
	workflow_id: 'w',
	group_id: null,
	status: 'queued',
	inputs: [{ path: 'text_1', value: 'a fox', s3_key: null, url: null }],
	outputs: [],
	output_names: [],
	created_at: createdAt,
	...extra,
});

describe('Flowscale outputs', () => {
	it.each([
		[204, undefined, { state: 'not-ready', httpStatus: 204 }],
		[404, { status: 'error', errors: 'Output not found' }, { state: 'not-ready', httpStatus: 404 }],
		[504, '<html><head><title>504 Gateway Time-out</title></head></html>', { state: 'not-ready', httpStatus: 504 }],
		[408, { status: 'error', errors: 'Run Timeout' }, { state: 'timed-out' }],
	])('reads %s as %j', async (status, body, expected) => {
		nock(BASE).get('/api/v1/runs/output').query({ filename: 'out_1' }).reply(status, body);
		await expect(client().getOutput('out_1')).resolves.toEqual(expected);
	});

	it('reads 200 as the download link', async () => {
		const link = { download_url: 'https://runs.s3.amazonaws.com/generations/r/out_1.png?X-Amz-Signature=abc', generation_status: 'success' };
		nock(BASE).get('/api/v1/runs/output').query({ filename: 'out_1' }).reply(200, { status: 'success', data: link });
		await expect(client().getOutput('out_1')).resolves.toEqual({ state: 'ready', link });
	});

	it('waits for an output that is not stored yet, backing off, until it is', async () => {
		const env = virtualEnv();
		const answers: OutputState[] = [{ state: 'not-ready', httpStatus: 204 }, { state: 'not-ready', httpStatus: 204 }, { state: 'ready', link: { download_url: 'https://s3/x.png' } }];
		const link = await waitForOutput(async () => answers.shift()!, { env, label: 'Flowscale run r1', runId: 'r1', name: 'x', end: { at: env.now() + 10_000, limitMs: 10_000 } });
		expect(link.download_url).toBe('https://s3/x.png');
		expect(env.sleeps).toEqual([500, 750]);
	});

	it('gives up on an output still not ready at the limit, saying the run completed and where its files are', async () => {
		const env = virtualEnv();
		const wait = waitForOutput(async () => ({ state: 'not-ready', httpStatus: 204 }), { env, label: 'Flowscale run r1', runId: 'r1', name: 'x', end: { at: env.now() + 2_000, limitMs: 2_000 } });
		await expect(wait).rejects.toMatchObject({
			kind: 'job-timeout',
			message: 'Flowscale run r1 completed, but its output "x" was still not ready for download (the server answered 204) when the 2 s limit ran out.',
		});
		expect(env.sleeps.reduce((sum, ms) => sum + ms, 0)).toBe(2_000);
	});

	it('fails the run when its output answers 408', async () => {
		const env = virtualEnv();
		const wait = waitForOutput(async () => ({ state: 'timed-out' }), { env, label: 'Flowscale run r1', runId: 'r1', name: 'x', end: { at: env.now() + 2_000, limitMs: 2_000 } });
		await expect(wait).rejects.toMatchObject({ kind: 'job-failed', jobId: 'r1', message: 'Flowscale run r1 failed: it timed out on the server (its output "x" answered 408 Run Timeout)' });
	});

	it('names a download by the link, else by the run', () => {
		expect(outputFileName('out_1', 'https://s3/generations/r/out_1.png?X-Amz-Expires=3600')).toBe('out_1.png');
		expect(outputFileName('out_1', 'https://s3/download?id=1', { outputs: [{ filename: 'out_1.webp' }] })).toBe('out_1.webp');
		expect(outputFileName('out_1', 'https://s3/download')).toBe('out_1');
	});

	it('refuses to fetch a link where the host has no transport without the credential', async () => {
		const env = virtualEnv(fetchTransport({ headers: { 'X-API-KEY': KEY } }));
		await expect(client(env).downloadOutput('https://runs.s3.amazonaws.com/generations/r/out_1.png?sig=1')).rejects.toMatchObject({
			kind: 'connection',
			message:
				'Flowscale: GET /generations/r/out_1.png on https://runs.s3.amazonaws.com was not sent, because this host cannot send it without the credential (which must not reach that host).',
		});
	});

	it('refuses a link that is not an absolute http(s) URL', async () => {
		await expect(client().downloadOutput('/generations/x.png')).rejects.toMatchObject({ kind: 'input', parameter: 'downloadUrl' });
	});
});

describe('Flowscale answers', () => {
	it('treats a 200 whose envelope says status "error" as an error, with its message', async () => {
		nock(BASE).get('/api/v1/comfy/health').reply(200, { status: 'error', errors: 'No containers available' });
		await expect(client().health()).rejects.toMatchObject({ kind: 'api', status: 200, serverMessage: 'No containers available' });
	});

	it('sends the key through the transport and says where to look after a 401', async () => {
		nock(BASE, { badheaders: [] })
			.get('/api/v1/comfy/queue')
			.matchHeader('x-api-key', 'wrong')
			.reply(401, { status: 'error', errors: 'Invalid API key' });
		const wrongKey = new Flowscale({ baseUrl: BASE, env: virtualEnv(fetchTransport({ headers: { 'X-API-KEY': 'wrong' } })) });
		await expect(wrongKey.queue()).rejects.toMatchObject({ status: 401, serverMessage: 'Invalid API key', hint: expect.stringContaining('X-API-KEY') });
	});

	it('answers undefined for a deployment without the workflows listing', async () => {
		nock(BASE).get('/api/v1/comfy/workflows').reply(404, { detail: 'Not Found' });
		await expect(client().listWorkflows()).resolves.toBeUndefined();
	});

	it('pages and sorts the older list shape itself, which sends every run at once', async () => {
		const runs = [run('a', '2024-01-01T00:00:01Z'), run('c', '2024-01-01T00:00:03Z'), run('b', '2024-01-01T00:00:02Z')];
		nock(BASE).get('/api/v1/runs').query(true).times(2).reply(200, { status: 'success', data: { group_id: null, count: 3, runs } });
		const flowscale = client();
		const page = await flowscale.listRuns({ sortBy: 'created_at', sortOrder: 'asc', page: 2, pageSize: 2 });
		expect(page).toMatchObject({ page: 2, totalPages: 2, totalCount: 3, pagedByServer: false });
		expect(page.runs.map((listed) => listed.run_id)).toEqual(['c']);
		expect((await flowscale.listAllRuns()).map((listed) => listed.run_id)).toEqual(['c', 'b', 'a']);
	});

	it('sends the paging parameters SDK 1.1.4 sends, and a group only when set', async () => {
		const scope = nock(BASE)
			.get('/api/v1/runs')
			.query({ sort_by: 'completed_at', sort_order: 'asc', page: '3', page_size: '5', group_id: 'g' })
			.reply(200, { status: 'success', meta: { page: 3, page_size: 5, total_count: 11, total_pages: 3 }, data: { runs: [run('x', '2024-01-01T00:00:00Z')] } });
		const page = await client().listRuns({ groupId: 'g', sortBy: 'completed_at', sortOrder: 'asc', page: 3, pageSize: 5 });
		expect(page).toMatchObject({ page: 3, totalPages: 3, totalCount: 11, pagedByServer: true });
		scope.done();
	});

	it('refuses a page size the server would refuse', async () => {
		await expect(client().listRuns({ pageSize: 101 })).rejects.toMatchObject({ kind: 'input', parameter: 'pageSize' });
	});
});

describe('starting a Flowscale run', () => {
	it('names the workflow id when the server knows no such workflow', async () => {
		nock(BASE).post('/api/v1/runs').query({ workflow_id: 'nope' }).reply(404, { status: 'error', errors: 'Workflow not found: nope' });
		await expect(client().startRun({ workflowId: 'nope', inputs: [{ name: 'text_1', value: 'x' }] })).rejects.toMatchObject({
			kind: 'input',
			parameter: 'workflowId',
			message: 'Flowscale has no workflow "nope" on this deployment (404: Workflow not found: nope).',
		});
	});

	it('sends the inputs as multipart and the workflow and group in the query string', async () => {
		let contentType = '';
		let body = '';
		nock(BASE)
			.post('/api/v1/runs')
			.query({ workflow_id: 'w', group_id: 'g' })
			.reply(function (_uri, requestBody) {
				contentType = String(this.req.headers['content-type']);
				body = String(requestBody);
				return [200, { status: 'success', data: { run_id: 'r1' } }];
			});
		await expect(client().startRun({ workflowId: 'w', groupId: 'g', inputs: [{ name: 'text_1', value: 'a fox' }] })).resolves.toEqual({ run_id: 'r1', workflow_id: 'w', output_names: [] });
		expect(contentType).toMatch(/^multipart\/form-data; boundary=/);
		expect(body).toMatch(/name="text_1"\r\n\r\na fox\r\n/);
	});

	it('finds the run a lost answer made: the newest of its workflow with the same inputs, created meanwhile', async () => {
		const env = virtualEnv(fetchTransport());
		const now = new Date(env.now()).toISOString();
		nock(BASE).post('/api/v1/runs').query(true).replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
		nock(BASE)
			.get('/api/v1/runs')
			.query(true)
			.reply(200, {
				status: 'success',
				meta: { page: 1, page_size: 50, total_count: 4, total_pages: 1 },
				data: {
					runs: [
						run('other-workflow', now, { workflow_id: 'v' }),
						run('other-inputs', now, { inputs: [{ path: 'text_1', value: 'a cat' }] }),
						run('ours', now, { output_names: ['out_1'] }),
						run('same-but-old', '2020-01-01T00:00:00Z'),
					],
				},
			});
		await expect(client(env).startRun({ workflowId: 'w', inputs: [{ name: 'text_1', value: 'a fox' }] })).resolves.toEqual({
			run_id: 'ours',
			workflow_id: 'w',
			output_names: ['out_1'],
		});
	});

	it('says the run may exist, and is not sent again, when no run matches', async () => {
		nock(BASE).post('/api/v1/runs').query(true).replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
		// Listed once, and again after each pause (the server may still be starting it): none each time.
		const looks = nock(BASE).get('/api/v1/runs').query(true).times(1 + LOOK_AGAIN_AFTER_MS.length).reply(200, { status: 'success', data: { runs: [] } });
		await expect(client().startRun({ workflowId: 'w', groupId: 'g', inputs: [{ name: 'text_1', value: 'a fox' }] })).rejects.toMatchObject({
			kind: 'job-uncertain',
			message:
				'The answer to starting a Flowscale run of workflow "w" in group "g" was lost (the connection was reset) after the request may have reached the server, and no run with these inputs was found. The run may exist and run on the server: it was not submitted again.',
			hint: 'Look for the newest run of that workflow (Get Many runs in n8n, or genflows flowscale list --group g) before starting it again.',
		});
		expect(looks.isDone()).toBe(true);
	});

	it('sends a start again only when it certainly never arrived', async () => {
		nock(BASE).post('/api/v1/runs').query(true).replyWithError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
		nock(BASE).post('/api/v1/runs').query(true).reply(200, { status: 'success', data: [{ run_id: 'r2', workflow_id: 'w' }] });
		const flowscale = new Flowscale({ baseUrl: BASE, env: virtualEnv(fetchTransport()) });
		await expect(flowscale.startRun({ workflowId: 'w' })).resolves.toMatchObject({ run_id: 'r2' });
	});
});
