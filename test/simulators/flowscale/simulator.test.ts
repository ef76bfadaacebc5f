// The Flowscale simulator driven over real sockets with plain fetch: every behaviour the provider
// will be developed against, each reference variant behind its option, the key check and faults.
import type { FlowscaleSimulator, FlowscaleSimulatorOptions, SimRun } from './index.ts';
import { DEFAULT_FAILURE_TEXT, startFlowscaleSimulator } from './index.ts';

const TEXT_WORKFLOW = 'bncu0a1kipv';
const IMAGE_WORKFLOW = '550e8400-e29b-41d4-a716-446655440000';
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const RUN_DETAIL_KEYS = ['_id', 'team_id', 'workflow_id', 'group_id', 'status', 'inputs', 'outputs', 'output_names', 'created_at', 'started_at', 'completed_at'];
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

interface Envelope<T = unknown> {
	status: string;
	data: T;
	errors: unknown;
	meta: unknown;
}

type RunDetail = Record<string, unknown> & { _id: string; status: string; output_names: string[]; outputs: { filename: string; s3_key: string; url: string }[] };

const started: FlowscaleSimulator[] = [];

async function start(options: FlowscaleSimulatorOptions = {}): Promise<FlowscaleSimulator> {
	const sim = await startFlowscaleSimulator({ queueMs: 20, runMs: 300, ...options });
	started.push(sim);
	return sim;
}

afterEach(async () => {
	await Promise.all(started.splice(0).map((sim) => sim.close()));
});

function api(sim: FlowscaleSimulator, path: string, init: RequestInit = {}): Promise<Response> {
	return fetch(`${sim.url}${path}`, { ...init, headers: { 'X-API-KEY': sim.apiKey, ...(init.headers as Record<string, string>) } });
}

async function body<T = unknown>(response: Response): Promise<Envelope<T>> {
	expect(response.headers.get('content-type')).toBe('application/json');
	return (await response.json()) as Envelope<T>;
}

async function createRun(sim: FlowscaleSimulator, workflowId: string, form?: FormData | URLSearchParams, query = ''): Promise<Envelope<Record<string, unknown>>> {
	const response = await api(sim, `/api/v1/runs?workflow_id=${workflowId}${query}`, { method: 'POST', body: form });
	expect(response.status).toBe(200);
	return body<Record<string, unknown>>(response);
}

async function startRun(sim: FlowscaleSimulator, prompt = 'a man riding a bike', query = ''): Promise<string> {
	const created = await createRun(sim, TEXT_WORKFLOW, new URLSearchParams({ text_51536: prompt, seed_456: '7' }), query);
	return created.data.run_id as string;
}

async function getRun(sim: FlowscaleSimulator, id: string): Promise<RunDetail> {
	const response = await api(sim, `/api/v1/runs/${id}`);
	expect(response.status).toBe(200);
	return (await body<RunDetail>(response)).data;
}

function getOutput(sim: FlowscaleSimulator, name: string): Promise<Response> {
	return api(sim, `/api/v1/runs/output?filename=${encodeURIComponent(name)}`);
}

async function downloadUrl(sim: FlowscaleSimulator, name: string): Promise<string> {
	const response = await getOutput(sim, name);
	expect(response.status).toBe(200);
	const { data } = await body<{ download_url: string; generation_status: string }>(response);
	expect(data.generation_status).toBe('success');
	return data.download_url;
}

/** On a one-container simulator: three runs, the first of them running, the others queued behind it. */
async function threeRunsOneRunning(sim: FlowscaleSimulator): Promise<string[]> {
	const ids = [await startRun(sim), await startRun(sim), await startRun(sim)];
	await sim.waitFor(ids[0], (run) => run.state === 'running');
	return ids;
}

const ended = (run: SimRun) => ['completed', 'failed', 'timeout', 'cancelled'].includes(run.state);
const allReady = (run: SimRun) => run.outputs.every((output) => output.ready);

describe('API key', () => {
	const routes: [string, string][] = [
		['GET', '/api/v1/comfy/health'],
		['GET', '/api/v1/comfy/queue'],
		['GET', '/api/v1/comfy/workflows'],
		['POST', `/api/v1/runs?workflow_id=${TEXT_WORKFLOW}`],
		['GET', '/api/v1/runs'],
		['GET', '/api/v1/runs/output?filename=x'],
		['GET', '/api/v1/runs/some-run'],
		['POST', '/api/v1/runs/some-run/cancel'],
	];

	test('every route answers 401 in the SDK error shape without the key or with a wrong one', async () => {
		const sim = await start();
		for (const [method, path] of routes) {
			const missing = await fetch(`${sim.url}${path}`, { method });
			expect([method, path, missing.status]).toEqual([method, path, 401]);
			expect(await body(missing)).toEqual({ status: 'error', data: null, errors: 'API key is missing', meta: null });
			const wrong = await fetch(`${sim.url}${path}`, { method, headers: { 'X-API-KEY': 'not-the-key' } });
			expect(wrong.status).toBe(401);
			expect((await body(wrong)).errors).toBe('Invalid API key');
		}
		expect(sim.createdCount()).toBe(0);
		expect(sim.requests.every((request) => request.user === undefined)).toBe(true);
	});

	test('the key opens every route and is noted in the log', async () => {
		const sim = await start();
		const response = await fetch(`${sim.url}/api/v1/comfy/health`, { headers: { 'x-api-key': sim.apiKey } });
		expect(response.status).toBe(200);
		expect(sim.requests[0]).toMatchObject({ method: 'GET', path: '/api/v1/comfy/health', status: 200, user: 'team_sim' });
		expect(sim.requests[0].headers['x-api-key']).toBe(sim.apiKey);
	});

	test('option: FastAPI 403 {"detail": "Not authenticated"} and a chosen key', async () => {
		const sim = await start({ apiKey: 'my-test-key', authError: { status: 403, shape: 'fastapi' } });
		const missing = await fetch(`${sim.url}/api/v1/comfy/health`);
		expect(missing.status).toBe(403);
		expect(await missing.json()).toEqual({ detail: 'Not authenticated' });
		const wrong = await fetch(`${sim.url}/api/v1/comfy/health`, { headers: { 'X-API-KEY': 'nope' } });
		expect(await wrong.json()).toEqual({ detail: 'Invalid API key' });
		expect((await api(sim, '/api/v1/comfy/health')).status).toBe(200);
	});

	test('unknown paths (a doubled slash too) are FastAPI 404s, wrong methods 405s', async () => {
		const sim = await start();
		const doubled = await api(sim, '//api/v1/comfy/health');
		expect(doubled.status).toBe(404);
		expect(await doubled.json()).toEqual({ detail: 'Not Found' });
		const wrongMethod = await api(sim, '/api/v1/comfy/health', { method: 'POST' });
		expect(wrongMethod.status).toBe(405);
		expect(await wrongMethod.json()).toEqual({ detail: 'Method Not Allowed' });
		expect((await api(sim, '/api/v1/runs/x', { method: 'DELETE' })).status).toBe(405);
	});
});

describe('system endpoints', () => {
	test('health lists the containers (SDK `container` key), running while a run runs', async () => {
		const sim = await start({ runMs: 2000 });
		const idle = await body(await api(sim, '/api/v1/comfy/health'));
		expect(idle).toEqual({
			status: 'success',
			data: [
				{ container: 'container #1', status: 'idle' },
				{ container: 'container #2', status: 'idle' },
			],
			errors: null,
			meta: null,
		});
		const id = await startRun(sim);
		await sim.waitFor(id, (run) => run.state === 'running');
		const busy = await body<{ status: string }[]>(await api(sim, '/api/v1/comfy/health'));
		expect(busy.data.map((entry) => entry.status)).toEqual(['running', 'idle']);
	});

	test('option containerShape: OpenAPI `url` / `comfy_uri`, or both keys', async () => {
		const openApi = await start({ containerShape: 'url', containers: 1 });
		expect((await body(await api(openApi, '/api/v1/comfy/health'))).data).toEqual([{ url: 'http://comfy-1.internal:8188', status: 'idle' }]);
		expect((await body(await api(openApi, '/api/v1/comfy/queue'))).data).toEqual([
			{ comfy_uri: 'http://comfy-1.internal:8188', queue: { queue_running: [], queue_pending: [] } },
		]);
		const both = await start({ containerShape: 'both', containers: 1 });
		expect((await body(await api(both, '/api/v1/comfy/health'))).data).toEqual([{ container: 'container #1', url: 'http://comfy-1.internal:8188', status: 'idle' }]);
	});

	test('queue shows ComfyUI items: one running per container, the rest pending', async () => {
		const sim = await start({ containers: 1, runMs: 5000 });
		const [first, second, third] = await threeRunsOneRunning(sim);
		const { data } = await body<{ container: string; queue: { queue_running: unknown[][]; queue_pending: unknown[][] } }[]>(await api(sim, '/api/v1/comfy/queue'));
		expect(data).toHaveLength(1);
		expect(data[0].container).toBe('container #1');
		const promptIds = (items: unknown[][]) => items.map((item) => item[1]);
		expect(promptIds(data[0].queue.queue_running)).toEqual([sim.run(first)?.promptId]);
		expect(promptIds(data[0].queue.queue_pending)).toEqual([sim.run(second)?.promptId, sim.run(third)?.promptId]);
		expect(data[0].queue.queue_running[0]).toHaveLength(5);
		expect(sim.run(second)?.state).toBe('queued');
	});

	test('workflows: the JS docs array with JSON-string inputs and outputs', async () => {
		const sim = await start();
		const { data } = await body<Record<string, unknown>[]>(await api(sim, '/api/v1/comfy/workflows'));
		expect(data[0]).toEqual({
			id: TEXT_WORKFLOW,
			name: 'Text to Image',
			description: 'SDXL text to image, with an upscaled copy',
			inputs: JSON.stringify({ text_51536: 'string', seed_456: 'number' }),
			outputs: JSON.stringify({ filename_prefix_58358: 'image', filename_prefix_58402: 'image' }),
		});
		expect(data.map((workflow) => workflow.id)).toEqual([TEXT_WORKFLOW, IMAGE_WORKFLOW]);
	});

	test('option workflowsListing: 1.1.0b `{workflows: [...]}`, or absent (404 like any unknown path)', async () => {
		const beta = await start({ workflowsListing: 'beta' });
		const { data } = await body<{ workflows: Record<string, unknown>[] }>(await api(beta, '/api/v1/comfy/workflows'));
		expect(data.workflows[0]).toMatchObject({ workflow_id: TEXT_WORKFLOW, name: 'Text to Image' });
		const absent = await start({ workflowsListing: 'absent' });
		const response = await api(absent, '/api/v1/comfy/workflows');
		expect(response.status).toBe(404);
		expect(await response.json()).toEqual({ detail: 'Not Found' });
	});
});

describe('creating runs', () => {
	test('multipart: files (a list as name_0, name_1), text fields, workflow and group from the query', async () => {
		const sim = await start();
		const photo = Buffer.concat([PNG_SIGNATURE, Buffer.from('photo bytes')]);
		const form = new FormData();
		form.append('text_51536', 'a cat as a king');
		form.append('image_35728_0', new Blob([photo], { type: 'image/png' }), 'cat.png');
		form.append('image_35728_1', new Blob([Buffer.from('second')]), 'dog.jpg');
		const created = await createRun(sim, IMAGE_WORKFLOW, form, '&group_id=test_group');
		expect(created.status).toBe('success');
		const runId = created.data.run_id as string;
		expect(created.data).toEqual({ run_id: runId, workflow_id: IMAGE_WORKFLOW, output_names: [] });

		const run = sim.run(runId);
		expect(run).toMatchObject({ workflowId: IMAGE_WORKFLOW, groupId: 'test_group', encoding: 'multipart' });
		expect(run?.inputs).toEqual([
			{ name: 'text_51536', value: 'a cat as a king' },
			{ name: 'image_35728_0', file: { fileName: 'cat.png', contentType: 'image/png', size: photo.length } },
			{ name: 'image_35728_1', file: { fileName: 'dog.jpg', contentType: 'application/octet-stream', size: 6 } },
		]);
		expect(Buffer.from(sim.inputBytes(runId, 'image_35728_0')).equals(photo)).toBe(true);

		const detail = await getRun(sim, runId);
		expect(detail.group_id).toBe('test_group');
		const inputs = detail.inputs as { path: string; value: string; s3_key: string | null; url: string | null }[];
		expect(inputs[0]).toEqual({ path: 'text_51536', value: 'a cat as a king', s3_key: null, url: null });
		expect(inputs[1]).toMatchObject({ path: 'image_35728_0', value: 'cat.png', s3_key: `inputs/${runId}/1_cat.png` });
		expect(inputs[1].url?.startsWith(`${sim.storage.url}/`)).toBe(true);
	});

	test('urlencoded (Python requests without files) and repeated names (SDK 1.1.0b lists)', async () => {
		const sim = await start();
		const form = new URLSearchParams([
			['text_51536', 'first'],
			['text_51536', 'second'],
			['seed_456', '42'],
		]);
		const runId = (await createRun(sim, TEXT_WORKFLOW, form)).data.run_id as string;
		const run = sim.run(runId);
		expect(run?.encoding).toBe('urlencoded');
		expect(run?.inputs).toEqual([
			{ name: 'text_51536', value: 'first' },
			{ name: 'text_51536', value: 'second' },
			{ name: 'seed_456', value: '42' },
		]);
		expect(run?.groupId).toBeNull();
	});

	test('a body that is not a form gives a run without inputs; a broken multipart body a 400', async () => {
		const sim = await start();
		const created = await createRun(sim, TEXT_WORKFLOW, undefined);
		expect(sim.run(created.data.run_id as string)).toMatchObject({ encoding: 'none', inputs: [] });
		const jsonBody = await api(sim, `/api/v1/runs?workflow_id=${TEXT_WORKFLOW}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ text_51536: 'ignored' }),
		});
		const jsonRun = (await body<{ run_id: string }>(jsonBody)).data.run_id;
		expect(sim.run(jsonRun)).toMatchObject({ encoding: 'none', inputs: [], contentType: 'application/json' });
		const broken = await api(sim, `/api/v1/runs?workflow_id=${TEXT_WORKFLOW}`, {
			method: 'POST',
			headers: { 'content-type': 'multipart/form-data; boundary=abc' },
			body: '--abc\r\nContent-Disposition: form-data; name="x"\r\n\r\ncut off',
		});
		expect(broken.status).toBe(400);
		expect(await broken.json()).toEqual({ detail: 'There was an error parsing the body' });
		expect(sim.createdCount()).toBe(2);
	});

	test('no workflow_id is a 422; an unknown one a 404 in the error envelope', async () => {
		const sim = await start();
		const missing = await api(sim, '/api/v1/runs', { method: 'POST', body: new URLSearchParams({ a: 'b' }) });
		expect(missing.status).toBe(422);
		expect(await missing.json()).toEqual({ detail: [{ type: 'missing', loc: ['query', 'workflow_id'], msg: 'Field required', input: null }] });
		const unknown = await api(sim, '/api/v1/runs?workflow_id=nope', { method: 'POST', body: new URLSearchParams({ a: 'b' }) });
		expect(unknown.status).toBe(404);
		expect(await body(unknown)).toEqual({ status: 'error', data: null, errors: 'Workflow not found: nope', meta: null });
		expect(sim.createdCount()).toBe(0);
	});

	test('option createShape: 1.1.4 {run_id, workflow_id}, legacy ComfyUI fields, OpenAPI array', async () => {
		const current = await start({ createShape: 'current' });
		const currentData = (await createRun(current, TEXT_WORKFLOW, new URLSearchParams({ text_51536: 'x' }))).data;
		expect(Object.keys(currentData)).toEqual(['run_id', 'workflow_id']);

		const legacy = await start({ createShape: 'legacy' });
		const legacyData = (await createRun(legacy, TEXT_WORKFLOW, new URLSearchParams({ text_51536: 'x' }))).data;
		const legacyRun = legacy.runs()[0];
		expect(legacyData).toEqual({ number: 0, node_errors: {}, output_names: legacyRun.outputNames, run_id: legacyRun.id });
		expect(legacyRun.outputNames).toEqual([expect.stringMatching(/^filename_prefix_58358_[A-Z0-9]{10}$/)]);

		const array = await start({ createShape: 'array' });
		const arrayData = (await createRun(array, TEXT_WORKFLOW, new URLSearchParams({ text_51536: 'x' }))).data as unknown;
		expect(arrayData).toEqual([{ run_id: array.runs()[0].id, workflow_id: TEXT_WORKFLOW }]);
	});
});

describe('run lifecycle', () => {
	test('queued, running with output names appearing late, completed with every output downloadable', async () => {
		const sim = await start({ queueMs: 300, runMs: 3000 });
		const created = await createRun(sim, TEXT_WORKFLOW, new URLSearchParams({ text_51536: 'a man riding a bike' }));
		const runId = created.data.run_id as string;
		const [firstName] = created.data.output_names as string[];
		expect(firstName).toMatch(/^filename_prefix_58358_[A-Z0-9]{10}$/);

		const queued = await getRun(sim, runId);
		expect(Object.keys(queued)).toEqual(expect.arrayContaining(RUN_DETAIL_KEYS));
		expect(queued).toMatchObject({ _id: runId, workflow_id: TEXT_WORKFLOW, status: 'queued', output_names: [firstName], outputs: [], started_at: null, completed_at: null });
		expect(queued.created_at).toMatch(ISO);
		expect((await getOutput(sim, firstName)).status).toBe(204);

		// The second name shows halfway through the run, well before it ends.
		const named = await sim.waitFor(runId, (run) => run.outputNames.length === 2);
		const secondName = named.outputNames[1];
		expect(secondName).toMatch(/^filename_prefix_58402_[A-Z0-9]{10}$/);
		const running = await getRun(sim, runId);
		expect(running).toMatchObject({ status: 'running', output_names: [firstName, secondName] });
		expect(running.started_at).toMatch(ISO);
		const notYet = await getOutput(sim, secondName);
		expect(notYet.status).toBe(204);
		expect(await notYet.text()).toBe('');

		const done = await sim.waitFor(runId, (run) => run.state === 'completed' && allReady(run));
		expect(done.status).toBe('completed');
		const completed = await getRun(sim, runId);
		expect(completed.status).toBe('completed');
		expect(completed.completed_at).toMatch(ISO);
		expect(completed.outputs.map((output) => output.filename)).toEqual([`${firstName}.png`, `${secondName}.png`]);

		for (const name of [firstName, `${secondName}.png`]) {
			const url = await downloadUrl(sim, name);
			expect(new URL(url).origin).toBe(sim.storage.url);
			expect(new URL(url).origin).not.toBe(sim.url);
			const file = await fetch(url);
			expect(file.status).toBe(200);
			expect(file.headers.get('content-type')).toBe('image/png');
			const bytes = Buffer.from(await file.arrayBuffer());
			expect(bytes.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
			expect(bytes.equals(Buffer.from(sim.outputBytes(runId, name)))).toBe(true);
		}
	});

	test('a completed run whose file is stored late answers "not ready" until it is', async () => {
		const sim = await start({
			workflows: [{ id: 'late', name: 'Late upload', inputs: {}, outputs: [{ prefix: 'video_1', extension: 'mp4', namedAt: 'create', readyDelayMs: 1500 }] }],
		});
		const created = await createRun(sim, 'late', new URLSearchParams({ text_1: 'x' }));
		const [name] = created.data.output_names as string[];
		await sim.waitFor(created.data.run_id as string, (run) => run.state === 'completed');
		expect((await getOutput(sim, name)).status).toBe(204);
		await sim.waitFor(created.data.run_id as string, allReady);
		const file = await fetch(await downloadUrl(sim, `${name}.mp4`));
		expect(file.headers.get('content-type')).toBe('video/mp4');
		expect(Buffer.from(await file.arrayBuffer()).subarray(4, 8).toString('latin1')).toBe('ftyp');
	});

	test('a failed run: status failed with its error text, outputs never ready', async () => {
		const sim = await start();
		const created = await createRun(sim, TEXT_WORKFLOW, new URLSearchParams({ text_51536: 'please FAIL now' }));
		const runId = created.data.run_id as string;
		const run = await sim.waitFor(runId, ended);
		expect(run).toMatchObject({ state: 'failed', status: 'failed', error: DEFAULT_FAILURE_TEXT });
		expect(await getRun(sim, runId)).toMatchObject({ status: 'failed', error: DEFAULT_FAILURE_TEXT, outputs: [] });
		expect((await getOutput(sim, (created.data.output_names as string[])[0])).status).toBe(204);
	});

	test('option statusNames: e.g. `error` for a failed run, `in_progress` while running', async () => {
		const sim = await start({ statusNames: { failed: 'error', running: 'in_progress' }, outcome: () => ({ error: 'boom' }) });
		const runId = await startRun(sim);
		await sim.waitFor(runId, (run) => run.state === 'running');
		expect((await getRun(sim, runId)).status).toBe('in_progress');
		await sim.waitFor(runId, ended);
		expect(await getRun(sim, runId)).toMatchObject({ status: 'error', error: 'boom' });
	});

	test('a timed-out run: its outputs answer 408', async () => {
		const sim = await start();
		const created = await createRun(sim, TEXT_WORKFLOW, new URLSearchParams({ text_51536: 'TIMEOUT please' }));
		const runId = created.data.run_id as string;
		expect((await sim.waitFor(runId, ended)).state).toBe('timeout');
		expect((await getRun(sim, runId)).status).toBe('timeout');
		const output = await getOutput(sim, (created.data.output_names as string[])[0]);
		expect(output.status).toBe(408);
		expect(await body(output)).toMatchObject({ status: 'error', errors: 'Run Timeout' });
	});

	test('cancel: a queued and a running run; an ended one and an unknown one are refused', async () => {
		const sim = await start({ containers: 1, runMs: 5000 });
		const [running, queued, third] = await threeRunsOneRunning(sim);

		const cancelQueued = await api(sim, `/api/v1/runs/${queued}/cancel`, { method: 'POST' });
		expect(cancelQueued.status).toBe(200);
		expect((await body(cancelQueued)).data).toBe('Run cancelled successfully');
		expect(sim.run(queued)?.state).toBe('cancelled');

		expect((await api(sim, `/api/v1/runs/${running}/cancel`, { method: 'POST' })).status).toBe(200);
		expect((await getRun(sim, running)).status).toBe('cancelled');
		// The container is free again: the next queued run starts.
		await sim.waitFor(third, (run) => run.state === 'running');

		const again = await api(sim, `/api/v1/runs/${running}/cancel`, { method: 'POST' });
		expect(again.status).toBe(400);
		expect((await body(again)).errors).toBe(`Run ${running} cannot be cancelled: it is already cancelled`);
		const unknown = await api(sim, '/api/v1/runs/no-such-run/cancel', { method: 'POST' });
		expect(unknown.status).toBe(404);
		expect((await body(unknown)).errors).toBe('Run not found: no-such-run');
		expect((await api(sim, '/api/v1/runs/no-such-run')).status).toBe(404);
	});

	test('unknownFields off: exactly the reference RunDetail keys', async () => {
		const sim = await start({ unknownFields: false });
		const runId = await startRun(sim);
		expect(Object.keys(await getRun(sim, runId))).toEqual(RUN_DETAIL_KEYS);
		const withExtras = await start();
		const extras = await getRun(withExtras, await startRun(withExtras));
		expect(extras).toMatchObject({ container: 'container #1', __v: 0 });
	});

	test('waitFor rejects when its time is up', async () => {
		const sim = await start({ runMs: 10_000 });
		const runId = await startRun(sim);
		await expect(sim.waitFor(runId, (run) => run.state === 'completed', 100)).rejects.toThrow(/timed out after 100 ms \(state=/);
	});
});

describe('outputs', () => {
	test('missing filename is a 422; an unknown name is "not ready"', async () => {
		const sim = await start();
		const missing = await api(sim, '/api/v1/runs/output');
		expect(missing.status).toBe(422);
		expect(((await missing.json()) as { detail: { loc: string[] }[] }).detail[0].loc).toEqual(['query', 'filename']);
		expect((await getOutput(sim, 'never_made_ABCDEFGHIJ')).status).toBe(204);
	});

	test('option notReady: 404 in the error envelope, or a gateway 504 page', async () => {
		const notFound = await start({ notReady: 404 });
		const response = await getOutput(notFound, 'not_yet');
		expect(response.status).toBe(404);
		expect((await body(response)).errors).toBe('Output not found');
		const gateway = await start({ notReady: 504 });
		const timeout = await getOutput(gateway, 'not_yet');
		expect(timeout.status).toBe(504);
		expect(timeout.headers.get('content-type')).toBe('text/html');
		expect(await timeout.text()).toContain('504 Gateway Time-out');
	});
});

describe('listing runs', () => {
	async function fiveRuns(sim: FlowscaleSimulator): Promise<string[]> {
		const ids: string[] = [];
		for (let i = 0; i < 5; i++) ids.push(await startRun(sim, `run ${i}`, i % 2 ? '&group_id=g1' : ''));
		return ids;
	}

	test('paged by created_at, newest first, with meta (SDK 1.1.4)', async () => {
		const sim = await start();
		const ids = await fiveRuns(sim);
		const all = await body<{ runs: RunDetail[] }>(await api(sim, '/api/v1/runs?sort_by=created_at&sort_order=desc&page=1&page_size=10'));
		expect(all.data.runs.map((run) => run._id)).toEqual([...ids].reverse());
		expect(all.meta).toEqual({ sort_by: 'created_at', sort_order: 'desc', page: 1, group_id: null, page_size: 10, total_count: 5, total_pages: 1 });

		const page2 = await body<{ runs: RunDetail[] }>(await api(sim, '/api/v1/runs?sort_order=asc&page=2&page_size=2'));
		expect(page2.data.runs.map((run) => run._id)).toEqual(ids.slice(2, 4));
		expect(page2.meta).toMatchObject({ page: 2, page_size: 2, total_count: 5, total_pages: 3 });

		const group = await body<{ runs: RunDetail[] }>(await api(sim, '/api/v1/runs?group_id=g1'));
		expect(group.data.runs.map((run) => run._id)).toEqual([ids[3], ids[1]]);
		expect(group.meta).toMatchObject({ group_id: 'g1', total_count: 2 });

		const beyond = await body<{ runs: RunDetail[] }>(await api(sim, '/api/v1/runs?page=9'));
		expect(beyond.data.runs).toEqual([]);
	});

	test('sort by completed_at: runs not yet completed sort as the oldest', async () => {
		const sim = await start({ runMs: (run) => (run.texts.text_51536 === 'slow' ? 10_000 : 50) });
		const slow = await startRun(sim, 'slow');
		const fast = await startRun(sim, 'fast');
		await sim.waitFor(fast, ended);
		const list = await body<{ runs: RunDetail[] }>(await api(sim, '/api/v1/runs?sort_by=completed_at&sort_order=desc'));
		expect(list.data.runs.map((run) => run._id)).toEqual([fast, slow]);
	});

	test('bad parameters are FastAPI 422s', async () => {
		const sim = await start();
		const response = await api(sim, '/api/v1/runs?sort_by=name&sort_order=up&page=0&page_size=101');
		expect(response.status).toBe(422);
		const { detail } = (await response.json()) as { detail: { type: string; loc: string[] }[] };
		expect(detail.map((problem) => [problem.type, problem.loc[1]])).toEqual([
			['literal_error', 'sort_by'],
			['literal_error', 'sort_order'],
			['greater_than_equal', 'page'],
			['less_than_equal', 'page_size'],
		]);
		expect((await api(sim, '/api/v1/runs?page=x')).status).toBe(422);
	});

	test('option listShape grouped: {group_id, count, runs}, no meta', async () => {
		const sim = await start({ listShape: 'grouped' });
		const ids = await fiveRuns(sim);
		const group = await body<{ group_id: string; count: number; runs: RunDetail[] }>(await api(sim, '/api/v1/runs?group_id=g1'));
		expect(group.meta).toBeNull();
		expect(group.data).toMatchObject({ group_id: 'g1', count: 2 });
		expect(group.data.runs.map((run) => run._id)).toEqual([ids[3], ids[1]]);
	});
});

describe('storage host', () => {
	async function completedOutput(sim: FlowscaleSimulator): Promise<{ runId: string; name: string }> {
		const created = await createRun(sim, TEXT_WORKFLOW, new URLSearchParams({ text_51536: 'x' }));
		const runId = created.data.run_id as string;
		await sim.waitFor(runId, allReady);
		return { runId, name: (created.data.output_names as string[])[0] };
	}

	function s3Code(xml: string): { code?: string; message?: string } {
		return { code: /<Code>([^<]*)<\/Code>/.exec(xml)?.[1], message: /<Message>([^<]*)<\/Message>/.exec(xml)?.[1] };
	}

	test('pre-signed URLs carry an expiry and a signature; the API key never reaches storage', async () => {
		const sim = await start();
		const { name } = await completedOutput(sim);
		const url = new URL(await downloadUrl(sim, name));
		expect(url.searchParams.get('X-Amz-Expires')).toBe('3600');
		expect(url.searchParams.get('X-Amz-Date')).toMatch(/^\d{8}T\d{6}Z$/);
		expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
		expect((await fetch(url)).status).toBe(200);
		expect(sim.storage.requests).toHaveLength(1);
		expect(sim.storage.requests[0]).toMatchObject({ method: 'GET', status: 200 });
		expect(sim.storage.requests.every((request) => !('x-api-key' in request.headers))).toBe(true);

		// A client that leaks the key is seen in the log.
		await fetch(url, { headers: { 'X-API-KEY': sim.apiKey } });
		expect(sim.storage.requests[1].headers['x-api-key']).toBe(sim.apiKey);
	});

	test('an expired URL gets S3 403 AccessDenied "Request has expired"; a fresh one works', async () => {
		const sim = await start({ presignTtlSeconds: 60 });
		const { name } = await completedOutput(sim);
		const url = await downloadUrl(sim, name);
		expect(new URL(url).searchParams.get('X-Amz-Expires')).toBe('60');
		sim.storage.advanceClock(61_000);
		const expired = await fetch(url);
		expect(expired.status).toBe(403);
		expect(expired.headers.get('content-type')).toBe('application/xml');
		expect(expired.headers.get('server')).toBe('AmazonS3');
		const xml = await expired.text();
		expect(s3Code(xml)).toEqual({ code: 'AccessDenied', message: 'Request has expired' });
		expect(xml).toMatch(/<X-Amz-Expires>60<\/X-Amz-Expires><Expires>[^<]+Z<\/Expires><ServerTime>[^<]+Z<\/ServerTime>/);
		expect((await fetch(await downloadUrl(sim, name))).status).toBe(200);
	});

	test('tampered, unsigned, doubly authenticated and missing objects get S3 errors', async () => {
		const sim = await start();
		const { runId, name } = await completedOutput(sim);
		const url = new URL(await downloadUrl(sim, name));

		const tampered = new URL(url);
		tampered.searchParams.set('X-Amz-Expires', '999999');
		const badSignature = await fetch(tampered);
		expect(badSignature.status).toBe(403);
		expect(s3Code(await badSignature.text()).code).toBe('SignatureDoesNotMatch');

		// A run's outputs[].url is the object's plain URL: a private bucket refuses it.
		const plain = (await getRun(sim, runId)).outputs[0].url;
		expect(plain).toBe(`${url.origin}${url.pathname}`);
		const unsigned = await fetch(plain);
		expect(unsigned.status).toBe(403);
		expect(s3Code(await unsigned.text())).toEqual({ code: 'AccessDenied', message: 'Access Denied' });

		const doubled = await fetch(url, { headers: { authorization: 'Basic dXNlcjpwYXNz' } });
		expect(doubled.status).toBe(400);
		expect(s3Code(await doubled.text()).code).toBe('InvalidArgument');

		const publicSim = await start({ publicBucket: true });
		const publicOutput = await completedOutput(publicSim);
		expect((await fetch((await getRun(publicSim, publicOutput.runId)).outputs[0].url)).status).toBe(200);
		const missing = await fetch(`${publicSim.storage.url}/generations/nothing.png`);
		expect(missing.status).toBe(404);
		expect(s3Code(await missing.text()).code).toBe('NoSuchKey');
	});
});

describe('faults', () => {
	test('a 5xx page, then a normal answer', async () => {
		const sim = await start();
		sim.faults.add({ method: 'GET', pathPrefix: '/api/v1/runs', fault: { kind: 'status', status: 502 } });
		const failed = await api(sim, '/api/v1/runs');
		expect(failed.status).toBe(502);
		expect(await failed.text()).toContain('502 Bad Gateway');
		expect((await api(sim, '/api/v1/runs')).status).toBe(200);
		expect(sim.requests.map((request) => request.fault)).toEqual(['status', undefined]);
	});

	test('a reset after the server acted: the run exists though the client saw no answer', async () => {
		const sim = await start();
		sim.faults.add({ method: 'POST', pathPrefix: '/api/v1/runs', fault: { kind: 'drop-after' } });
		await expect(api(sim, `/api/v1/runs?workflow_id=${TEXT_WORKFLOW}`, { method: 'POST', body: new URLSearchParams({ text_51536: 'x' }) })).rejects.toThrow();
		expect(sim.createdCount()).toBe(1);
	});

	test('a reset before, a slow answer and a rate limit on reads', async () => {
		const sim = await start();
		const runId = await startRun(sim);
		sim.faults.add({ method: 'GET', pathPrefix: `/api/v1/runs/${runId}`, fault: { kind: 'drop-before' } });
		sim.faults.add({ method: 'GET', pathPrefix: '/api/v1/runs/output', fault: { kind: 'slow', delayMs: 200 } });
		sim.faults.add({ method: 'GET', pathPrefix: '/api/v1/comfy', fault: { kind: 'rate-limit', retryAfterSeconds: 3 } });
		await expect(api(sim, `/api/v1/runs/${runId}`)).rejects.toThrow();
		expect((await getOutput(sim, 'x')).status).toBe(204);
		const limited = await api(sim, '/api/v1/comfy/health');
		expect(limited.status).toBe(429);
		expect(limited.headers.get('retry-after')).toBe('3');
		expect(sim.requests.map((request) => request.fault)).toEqual([undefined, 'drop-before', 'slow', 'rate-limit']);
		expect(sim.faults.pending()).toEqual([]);
	});

	test('the storage host has its own fault switches', async () => {
		const sim = await start();
		const created = await createRun(sim, TEXT_WORKFLOW, new URLSearchParams({ text_51536: 'x' }));
		await sim.waitFor(created.data.run_id as string, allReady);
		const url = await downloadUrl(sim, (created.data.output_names as string[])[0]);
		sim.storage.faults.add({ fault: { kind: 'drop-before' } });
		sim.storage.faults.add({ fault: { kind: 'status', status: 503 } });
		await expect(fetch(url)).rejects.toThrow();
		expect((await fetch(url)).status).toBe(503);
		expect((await fetch(url)).status).toBe(200);
		expect(sim.storage.requests.map((request) => [request.fault, request.status])).toEqual([
			['drop-before', 0],
			['status', 503],
			[undefined, 200],
		]);
		expect(sim.faults.pending()).toEqual([]);
	});
});
