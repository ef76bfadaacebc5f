import { readFileSync } from 'node:fs';
import type { IncomingHttpHeaders, Server } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { crc32, inflateSync } from 'node:zlib';

import { eventually } from '../../helpers/eventually.ts';
import type { VisionatrixSimulator } from './index.ts';
import { SIM_WORKER_ID, readZip, startVisionatrixSimulator } from './index.ts';

const FIXTURE_FLOWS = JSON.parse(readFileSync(path.join(__dirname, '../../fixtures/visionatrix/flows-installed.json'), 'utf8')) as unknown[];

/** TaskDetails keys in the order the server serializes them. */
const DETAILS_KEYS = [
	'task_id',
	'priority',
	'progress',
	'error',
	'name',
	'input_params',
	'outputs',
	'input_files',
	'locked_at',
	'worker_id',
	'execution_time',
	'group_scope',
	'parent_task_id',
	'parent_task_node_id',
	'child_tasks',
	'translated_input_params',
	'extra_flags',
	'hidden',
	'created_at',
	'updated_at',
	'finished_at',
	'flow_comfy',
	'user_id',
	'webhook_url',
	'webhook_headers',
	'execution_details',
	'custom_worker',
];
const NAIVE_ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?$/;

type Fields = Record<string, string | { data: Uint8Array; fileName: string; type?: string }>;

function basic(user: string, password: string): Record<string, string> {
	return { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` };
}

function create(sim: VisionatrixSimulator, flow: string, fields: Fields, headers: Record<string, string> = {}): Promise<Response> {
	const form = new FormData();
	for (const [name, value] of Object.entries(fields)) {
		if (typeof value === 'string') form.append(name, value);
		else form.append(name, new Blob([value.data], { type: value.type ?? 'application/octet-stream' }), value.fileName);
	}
	return fetch(`${sim.url}/vapi/tasks/create/${flow}`, { method: 'PUT', body: form, headers });
}

async function createOk(sim: VisionatrixSimulator, flow: string, fields: Fields, headers: Record<string, string> = {}): Promise<number[]> {
	const response = await create(sim, flow, fields, headers);
	expect(response.status).toBe(200);
	return ((await response.json()) as { tasks_ids: number[] }).tasks_ids;
}

function get(sim: VisionatrixSimulator, pathAndQuery: string, init: RequestInit = {}): Promise<Response> {
	return fetch(`${sim.url}${pathAndQuery}`, init);
}

async function detailOf(response: Response): Promise<unknown> {
	expect(response.headers.get('content-type')).toBe('application/json');
	return ((await response.json()) as { detail: unknown }).detail;
}

/** Checks a PNG: signature, chunk CRCs, IHDR, and that IDAT inflates to the right size. */
function checkPng(bytes: Buffer): { width: number; height: number } {
	expect(bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
	let at = 8;
	let width = 0;
	let height = 0;
	const idat: Buffer[] = [];
	for (;;) {
		const length = bytes.readUInt32BE(at);
		const type = bytes.subarray(at + 4, at + 8).toString('latin1');
		const data = bytes.subarray(at + 8, at + 8 + length);
		expect(bytes.readUInt32BE(at + 8 + length)).toBe(crc32(bytes.subarray(at + 4, at + 8 + length)) >>> 0);
		if (type === 'IHDR') {
			width = data.readUInt32BE(0);
			height = data.readUInt32BE(4);
		}
		if (type === 'IDAT') idat.push(data);
		at += 12 + length;
		if (type === 'IEND') break;
	}
	expect(at).toBe(bytes.length);
	expect(inflateSync(Buffer.concat(idat)).length).toBe(height * (1 + width * 3));
	return { width, height };
}

interface Received {
	path: string;
	headers: IncomingHttpHeaders;
	raw: string;
	body: { task_id: number; progress: number; execution_time: number; error: string };
}

async function startReceiver(): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
	const received: Received[] = [];
	const server: Server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			const raw = Buffer.concat(chunks).toString('utf8');
			received.push({ path: req.url ?? '', headers: req.headers, raw, body: JSON.parse(raw) });
			res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		received,
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const until = (condition: () => boolean) => eventually('the condition', async () => condition() || undefined, 5000, 10);

describe('Visionatrix simulator, auth off', () => {
	let sim: VisionatrixSimulator;
	let receiver: Awaited<ReturnType<typeof startReceiver>>;
	beforeAll(async () => {
		sim = await startVisionatrixSimulator({ taskDurationMs: 400, progressSteps: 8 });
		receiver = await startReceiver();
	});
	afterAll(async () => {
		await sim.close();
		await receiver.close();
	});
	afterEach(() => sim.faults.clear());

	it('answers whoami with the built-in admin and lists the fixture flows', async () => {
		expect(sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
		const whoami = await get(sim, '/vapi/other/whoami');
		expect(whoami.status).toBe(200);
		expect(whoami.headers.get('content-type')).toBe('application/json');
		expect(await whoami.text()).toBe(
			'{"user_id":"admin","full_name":"John Doe","email":"admin@example.com","is_admin":true,"record_expires_at":null}',
		);
		const flows = await get(sim, '/vapi/flows/installed');
		expect(await flows.json()).toEqual(FIXTURE_FLOWS);
	});

	it('has no /api prefix and answers unknown paths like FastAPI behind the UI mount', async () => {
		const old = await get(sim, '/api/tasks/progress/1');
		expect(old.status).toBe(404);
		expect(await old.text()).toBe('{"detail":"Not Found"}');
		const oldPut = await get(sim, '/api/tasks/create/sdxl_lighting', { method: 'PUT' });
		expect(oldPut.status).toBe(405);
		expect(await detailOf(oldPut)).toBe('Method Not Allowed');
		const unknown = await get(sim, '/vapi/nothing-here');
		expect(unknown.status).toBe(404);
		expect(await detailOf(unknown)).toBe('Not Found');
	});

	it('runs a task: queued at 0, uneven float progress capped below 100, outputs recorded, then exactly 100', async () => {
		const before = sim.createdCount();
		const response = await create(sim, 'sdxl_lighting', { prompt: 'a red fox', steps_number: '4 steps', seed: '12345' });
		expect(response.status).toBe(200);
		const created = (await response.json()) as { tasks_ids: number[]; outputs: unknown[] };
		expect(created.outputs).toEqual([{ comfy_node_id: 9, type: 'image', file_size: -1, batch_size: -1 }]);
		expect(created.tasks_ids).toHaveLength(1);
		const id = created.tasks_ids[0];
		expect(sim.createdCount()).toBe(before + 1);

		const first = await get(sim, `/vapi/tasks/progress/${id}`);
		const firstText = await first.text();
		const queued = JSON.parse(firstText) as Record<string, unknown>;
		expect(Object.keys(queued)).toEqual(DETAILS_KEYS);
		expect(firstText).toContain('"progress":0.0,');
		expect(firstText).toContain('"execution_time":0.0,');
		expect(queued).toMatchObject({
			task_id: id,
			priority: 0,
			progress: 0,
			error: '',
			name: 'sdxl_lighting',
			input_params: { prompt: 'a red fox', steps_number: '4 steps', seed: 12345 },
			input_files: [],
			worker_id: null,
			group_scope: 1,
			parent_task_id: null,
			child_tasks: [],
			translated_input_params: null,
			hidden: false,
			updated_at: null,
			finished_at: null,
			user_id: 'admin',
			webhook_url: null,
			webhook_headers: null,
			execution_details: null,
			custom_worker: null,
		});
		expect(queued.extra_flags).toEqual({
			profiler_execution: false,
			unload_models: false,
			federated_task: false,
			save_metadata: false,
			smart_memory: true,
			cache_type: 'classic',
			cache_size: 1,
			vae_cpu: false,
			reserve_vram: 0.6,
		});
		expect(queued.created_at).toMatch(NAIVE_ISO);
		const comfy = queued.flow_comfy as Record<string, { class_type: string; inputs: Record<string, unknown> }>;
		expect(comfy['9']).toMatchObject({ class_type: 'SaveImage', inputs: { filename_prefix: `visionatrix/${id}_9` } });
		expect(comfy['16'].inputs.text).toBe('a red fox');
		expect(comfy['3'].inputs.seed).toBe(12345);

		// Results are refused while the task runs.
		const early = await get(sim, `/vapi/tasks/results?task_id=${id}&node_id=9`);
		expect(early.status).toBe(400);
		expect(await detailOf(early)).toBe(`Task \`${id}\` is not completed yet.`);

		const seen: number[] = [];
		for (;;) {
			const task = (await (await get(sim, `/vapi/tasks/progress/${id}`)).json()) as Record<string, unknown>;
			const progress = task.progress as number;
			if (seen[seen.length - 1] !== progress) seen.push(progress);
			if (progress > 0 && progress < 100) {
				expect(task.worker_id).toBe(SIM_WORKER_ID);
				expect(task.locked_at).toMatch(NAIVE_ISO);
				expect(task.execution_time as number).toBeGreaterThan(0);
				expect((task.outputs as { file_size: number }[])[0].file_size).toBe(-1);
			}
			if (progress === 100) break;
			await sleep(15);
		}
		expect(seen.length).toBeGreaterThanOrEqual(4);
		expect(seen[seen.length - 1]).toBe(100);
		const running = seen.filter((value) => value > 0 && value < 100);
		expect(running.every((value) => value <= 99)).toBe(true);
		expect(running.some((value) => !Number.isInteger(value))).toBe(true);
		for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThan(seen[i - 1]);

		const doneResponse = await get(sim, `/vapi/tasks/progress/${id}`);
		const doneText = await doneResponse.text();
		expect(doneText).toContain('"progress":100.0,');
		const done = JSON.parse(doneText) as Record<string, unknown>;
		expect(done.finished_at).toMatch(NAIVE_ISO);
		expect(done.updated_at).toMatch(NAIVE_ISO);
		expect(done.locked_at).toBeNull();
		expect(done.execution_details).toMatchObject({ vram_state: 'NORMAL_VRAM', nodes_profiling: null });
		const bytes = Buffer.from(sim.resultBytes(id, 9, 0));
		expect(done.outputs).toEqual([{ comfy_node_id: 9, type: 'image', file_size: bytes.length, batch_size: 1 }]);
		const simTask = sim.task(id);
		expect(simTask?.state).toBe('finished');
		expect(simTask?.finishedAt).toBeGreaterThan(simTask?.createdAt ?? Infinity);
		const written = simTask!.progressWrites.map((write) => write.progress);
		expect(written).toHaveLength(9);
		expect(written[8]).toBe(100);
		expect(seen.filter((value) => value > 0).every((value) => written.includes(value))).toBe(true);

		const result = await get(sim, `/vapi/tasks/results?task_id=${id}&node_id=9`);
		expect(result.status).toBe(200);
		expect(result.headers.get('content-type')).toBe('image/png');
		expect(result.headers.get('content-disposition')).toBe(`attachment; filename="${id}_9_00001.png"`);
		expect(result.headers.get('content-length')).toBe(String(bytes.length));
		const downloaded = Buffer.from(await result.arrayBuffer());
		expect(downloaded.equals(bytes)).toBe(true);
		// A 512x512 placeholder picture (placeholder.test.ts reads its text).
		expect(checkPng(downloaded)).toEqual({ width: 512, height: 512 });

		const zip = await get(sim, `/vapi/tasks/results?task_id=${id}&node_id=9&batch_index=-1`);
		expect(zip.headers.get('content-type')).toBe('application/zip');
		expect(zip.headers.get('content-disposition')).toBe(`attachment; filename=${id}_9_results.zip`);
		const entries = readZip(Buffer.from(await zip.arrayBuffer()));
		expect(entries.map((entry) => entry.name)).toEqual([`${id}_9_00001_.png`]);
		expect(entries[0].data.equals(bytes)).toBe(true);

		const beyond = await get(sim, `/vapi/tasks/results?task_id=${id}&node_id=9&batch_index=1`);
		expect(beyond.status).toBe(404);
		expect(await detailOf(beyond)).toBe(`Missing result for task=\`${id}\` and node=\`9\`.`);
		const wrongNode = await get(sim, `/vapi/tasks/results?task_id=${id}&node_id=5`);
		expect(wrongNode.status).toBe(404);
		expect(await detailOf(wrongNode)).toBe(`No such node in the flow for task=\`${id}\`.`);
		const noNode = await get(sim, `/vapi/tasks/results?task_id=${id}`);
		expect(noNode.status).toBe(422);
		expect(await detailOf(noNode)).toEqual([{ type: 'missing', loc: ['query', 'node_id'], msg: 'Field required', input: null }]);

		// A finished task cannot be restarted.
		const restart = await get(sim, `/vapi/tasks/restart?task_id=${id}`, { method: 'POST' });
		expect(restart.status).toBe(400);
		expect(await detailOf(restart)).toBe(`Task \`${id}\` already finished.`);
	});

	it('gives different, valid PNGs per task and per batch index', async () => {
		const [a] = await createOk(sim, 'sdxl_lighting', { prompt: 'one', batch_size: '3' });
		const [b] = await createOk(sim, 'sdxl_lighting', { prompt: 'two' });
		await sim.waitFor(a, (task) => task.state === 'finished');
		await sim.waitFor(b, (task) => task.state === 'finished');
		const batch = [0, 1, 2].map((index) => Buffer.from(sim.resultBytes(a, 9, index)));
		const other = Buffer.from(sim.resultBytes(b, 9, 0));
		expect(new Set([...batch, other].map((bytes) => bytes.toString('hex'))).size).toBe(4);
		expect(sim.task(a)?.outputs).toEqual([
			{ comfy_node_id: 9, type: 'image', file_size: batch.reduce((sum, bytes) => sum + bytes.length, 0), batch_size: 3 },
		]);
		const third = await get(sim, `/vapi/tasks/results?task_id=${a}&node_id=9&batch_index=2`);
		expect(third.headers.get('content-disposition')).toBe(`attachment; filename="${a}_9_00003.png"`);
		expect(Buffer.from(await third.arrayBuffer()).equals(batch[2])).toBe(true);
		const zip = readZip(Buffer.from(await (await get(sim, `/vapi/tasks/results?task_id=${a}&node_id=9&batch_index=-1`)).arrayBuffer()));
		expect(zip.map((entry) => entry.name)).toEqual([`${a}_9_00001_.png`, `${a}_9_00002_.png`, `${a}_9_00003_.png`]);
		expect(zip.every((entry, index) => entry.data.equals(batch[index]))).toBe(true);
	});

	it('fails a task whose prompt says FAIL: error set, progress frozen near 30, restart resets it', async () => {
		const [id] = await createOk(sim, 'sdxl_lighting', { prompt: 'please FAIL here' });
		const failed = await sim.waitFor(id, (task) => task.state === 'failed');
		expect(failed.error).toBe('Allocation on device ');
		expect(failed.progress).toBeGreaterThanOrEqual(30);
		expect(failed.progress).toBeLessThan(50);
		await sleep(150);
		const task = (await (await get(sim, `/vapi/tasks/progress/${id}`)).json()) as Record<string, unknown>;
		expect(task).toMatchObject({ progress: failed.progress, error: 'Allocation on device ', finished_at: null, locked_at: null });
		expect(task.worker_id).toBe(SIM_WORKER_ID);
		const results = await get(sim, `/vapi/tasks/results?task_id=${id}&node_id=9`);
		expect(results.status).toBe(400);

		const restart = await get(sim, `/vapi/tasks/restart?task_id=${id}`, { method: 'POST' });
		expect(restart.status).toBe(204);
		expect(await restart.text()).toBe('');
		expect(restart.headers.get('content-type')).toBeNull();
		const reset = (await (await get(sim, `/vapi/tasks/progress/${id}`)).json()) as Record<string, unknown>;
		expect(reset).toMatchObject({ error: '', worker_id: null });
		expect(reset.progress as number).toBeLessThan(failed.progress);
		const again = await sim.waitFor(id, (t) => t.state === 'failed');
		expect(again.restarts).toBe(1);
		expect(again.error).toBe('Allocation on device ');
	});

	it('restart needs an error unless forced', async () => {
		const [id] = await createOk(sim, 'sdxl_lighting', { prompt: 'long enough' });
		await sim.waitFor(id, (task) => task.progress > 0);
		const refused = await get(sim, `/vapi/tasks/restart?task_id=${id}`, { method: 'POST' });
		expect(refused.status).toBe(400);
		expect(await detailOf(refused)).toBe(`Task \`${id}\` has no error set.`);
		const badForce = await get(sim, `/vapi/tasks/restart?task_id=${id}&force=maybe`, { method: 'POST' });
		expect(badForce.status).toBe(422);
		expect(await detailOf(badForce)).toEqual([
			{ type: 'bool_parsing', loc: ['query', 'force'], msg: 'Input should be a valid boolean, unable to interpret input', input: 'maybe' },
		]);
		const forced = await get(sim, `/vapi/tasks/restart?task_id=${id}&force=true`, { method: 'POST' });
		expect(forced.status).toBe(204);
		expect(sim.task(id)?.restarts).toBe(1);
		const missing = await get(sim, '/vapi/tasks/restart?task_id=424242', { method: 'POST' });
		expect(missing.status).toBe(404);
		expect(await detailOf(missing)).toBe('Task `424242` was not found.');
		await sim.waitFor(id, (task) => task.state === 'finished');
	});

	it('creates count tasks with seeds seed+i', async () => {
		const response = await create(sim, 'sdxl_lighting', { prompt: 'twins', count: '2', seed: '10' });
		const { tasks_ids: ids } = (await response.json()) as { tasks_ids: number[] };
		expect(ids).toHaveLength(2);
		expect(ids[1]).toBe(ids[0] + 1);
		expect(sim.task(ids[0])?.inputs).toEqual({ prompt: 'twins', seed: 10 });
		expect(sim.task(ids[1])?.inputs).toEqual({ prompt: 'twins', seed: 11 });
		const summary = (await (await get(sim, '/vapi/tasks/progress-summary?name=sdxl_lighting')).json()) as Record<string, Record<string, unknown>>;
		expect(summary[String(ids[0])]).toMatchObject({ task_id: ids[0], input_params: { prompt: 'twins', seed: 10 } });
		expect(summary[String(ids[0])]).not.toHaveProperty('flow_comfy');
		expect(Object.keys(summary).map(Number)).toEqual([...Object.keys(summary).map(Number)].sort((a, b) => a - b));
		const other = (await (await get(sim, '/vapi/tasks/progress-summary?name=remove_background_birefnet')).json()) as Record<string, unknown>;
		expect(Object.values(other).every((task) => (task as { name: string }).name === 'remove_background_birefnet')).toBe(true);
		await Promise.all(ids.map((id) => sim.waitFor(id, (task) => task.state === 'finished')));
	});

	it('answers the documented 404 / 400 / 422 / 500 errors with their exact texts', async () => {
		const notInstalled = await create(sim, 'SDXL_Lighting', { prompt: 'x' });
		expect(notInstalled.status).toBe(404);
		expect(await detailOf(notInstalled)).toBe('Flow `SDXL_Lighting` is not installed.');

		const notInt = await get(sim, '/vapi/tasks/progress/abc');
		expect(notInt.status).toBe(422);
		expect(await detailOf(notInt)).toEqual([
			{ type: 'int_parsing', loc: ['path', 'task_id'], msg: 'Input should be a valid integer, unable to parse string as an integer', input: 'abc' },
		]);
		const missing = await get(sim, '/vapi/tasks/progress/99999');
		expect(missing.status).toBe(404);
		expect(await detailOf(missing)).toBe('Task `99999` was not found.');

		const count0 = await create(sim, 'sdxl_lighting', { prompt: 'x', count: '0' });
		expect(count0.status).toBe(422);
		expect(await detailOf(count0)).toEqual([
			{ type: 'greater_than_equal', loc: ['body', 'count'], msg: 'Input should be greater than or equal to 1', input: '0', ctx: { ge: 1 } },
		]);
		const reserved = await create(sim, 'sdxl_lighting', { prompt: 'x', group_scope: '256', priority: 'high' });
		expect(reserved.status).toBe(422);
		expect(await detailOf(reserved)).toEqual([
			{ type: 'less_than_equal', loc: ['body', 'group_scope'], msg: 'Input should be less than or equal to 255', input: '256', ctx: { le: 255 } },
			{ type: 'int_parsing', loc: ['body', 'priority'], msg: 'Input should be a valid integer, unable to parse string as an integer', input: 'high' },
		]);

		const created = sim.createdCount();
		const badList = await create(sim, 'sdxl_lighting', { prompt: 'x', steps_number: '6 steps' });
		expect(badList.status).toBe(500);
		expect(badList.headers.get('content-type')).toBe('text/plain; charset=utf-8');
		expect(await badList.text()).toBe('Internal Server Error');
		const badHeaders = await create(sim, 'sdxl_lighting', { prompt: 'x', webhook_url: 'http://127.0.0.1:1/x', webhook_headers: '{not json' });
		expect(badHeaders.status).toBe(500);
		expect(await badHeaders.text()).toBe('Internal Server Error');

		const noFile = await create(sim, 'remove_background_birefnet', {});
		expect(noFile.status).toBe(400);
		expect(await detailOf(noFile)).toBe("The parameter 'input_image' is required, but missing.");
		const notJson = await create(sim, 'remove_background_birefnet', { input_image: 'not-json' });
		expect(notJson.status).toBe(400);
		expect(await detailOf(notJson)).toBe('Invalid file input:not-json');
		const foreign = await create(sim, 'remove_background_birefnet', { input_image: '{"task_id": 777777, "node_id": 9}' });
		expect(foreign.status).toBe(400);
		expect(await detailOf(foreign)).toBe('Missing task with id=777777');
		expect(sim.createdCount()).toBe(created);

		const inputs = await get(sim, '/vapi/tasks/inputs?task_id=88888&input_index=0');
		expect(inputs.status).toBe(404);
		expect(await detailOf(inputs)).toBe('Task `88888` was not found.');
		const deleteMissing = await get(sim, '/vapi/tasks/task?task_id=88888', { method: 'DELETE' });
		expect(deleteMissing.status).toBe(404);
		const queueMissing = await get(sim, '/vapi/tasks/queue/88888', { method: 'DELETE' });
		expect(queueMissing.status).toBe(404);
		expect(await detailOf(queueMissing)).toBe('Task `88888` was not found.');
	});

	it('accepts an uploaded file, stores it as {id}_{param}{ext}, serves it back and chains a result into a new task', async () => {
		const png = Buffer.from(sim.resultBytes(1, 9, 0));
		const [id] = await createOk(sim, 'remove_background_birefnet', { input_image: { data: png, fileName: 'cat.png', type: 'image/png' } });
		expect(sim.task(id)?.inputFiles).toEqual([{ file_name: `${id}_input_image.png`, file_size: png.length }]);
		expect(sim.task(id)?.inputs).toEqual({});
		const input = await get(sim, `/vapi/tasks/inputs?task_id=${id}&input_index=0`);
		expect(input.headers.get('content-type')).toBe('image/png');
		expect(Buffer.from(await input.arrayBuffer()).equals(png)).toBe(true);
		const outOfRange = await get(sim, `/vapi/tasks/inputs?task_id=${id}&input_index=3`);
		expect(outOfRange.status).toBe(500);
		expect(await outOfRange.text()).toBe('Internal Server Error');

		await sim.waitFor(id, (task) => task.state === 'finished');
		const result = await get(sim, `/vapi/tasks/results?task_id=${id}&node_id=13`);
		const cutout = Buffer.from(await result.arrayBuffer());
		expect(cutout.equals(Buffer.from(sim.resultBytes(id, 13, 0)))).toBe(true);
		checkPng(cutout);

		// The same flow again with a reference to that result: a child task.
		const childIds = await createOk(sim, 'remove_background_birefnet', { input_image: JSON.stringify({ task_id: id, node_id: 13 }), child_task: '1' });
		const child = sim.task(childIds[0]);
		expect(child).toMatchObject({ parentTaskId: id, parentTaskNodeId: 13, inputFiles: [{ file_name: `${childIds[0]}_input_image.png`, file_size: cutout.length }] });
		const parent = (await (await get(sim, `/vapi/tasks/progress/${id}`)).json()) as { child_tasks: { task_id: number }[] };
		expect(parent.child_tasks.map((task) => task.task_id)).toEqual([childIds[0]]);
		const parents = (await (await get(sim, '/vapi/tasks/progress-summary?name=remove_background_birefnet&only_parent=true')).json()) as Record<string, unknown>;
		expect(Object.keys(parents)).toContain(String(id));
		expect(Object.keys(parents)).not.toContain(String(childIds[0]));
		// Deleting the parent deletes the child.
		const removed = await get(sim, `/vapi/tasks/task?task_id=${id}`, { method: 'DELETE' });
		expect(removed.status).toBe(204);
		expect(sim.task(id)).toBeUndefined();
		expect(sim.task(childIds[0])).toBeUndefined();
	});

	it('posts webhooks for every progress write after start, then a final 100; headers like httpx', async () => {
		const [id] = await createOk(sim, 'sdxl_lighting', {
			prompt: 'hooked',
			webhook_url: `${receiver.url}/hooks/vix`,
			webhook_headers: JSON.stringify({ Authorization: 'Bearer example-token' }),
		});
		await sim.waitFor(id, (task) => task.state === 'finished');
		await until(() => receiver.received.filter((post) => post.body.task_id === id).length === 9);
		const posts = receiver.received.filter((post) => post.body.task_id === id);
		expect(posts.every((post) => post.path === '/hooks/vix/task-progress')).toBe(true);
		expect(posts[0].headers).toMatchObject({
			authorization: 'Bearer example-token',
			'content-type': 'application/json',
			'user-agent': 'python-httpx/0.28.1',
		});
		const progress = posts.map((post) => post.body.progress);
		expect(progress.every((value) => value > 0)).toBe(true);
		for (let i = 1; i < progress.length; i++) expect(progress[i]).toBeGreaterThan(progress[i - 1]);
		expect(progress[progress.length - 1]).toBe(100);
		expect(posts[posts.length - 1].raw).toMatch(/^\{"task_id":\d+,"progress":100\.0,"execution_time":[\d.]+,"error":""\}$/);
		expect(Object.keys(posts[0].body)).toEqual(['task_id', 'progress', 'execution_time', 'error']);
		const recorded = sim.webhookPosts.filter((post) => post.taskId === id);
		expect(recorded).toHaveLength(9);
		expect(recorded[0].url).toBe(`${receiver.url}/hooks/vix/task-progress`);
		expect(recorded.every((post) => post.status === 200)).toBe(true);
		expect(sim.task(id)?.webhookPosts).toHaveLength(9);
	});

	it('posts the error once when a webhooked task fails', async () => {
		const [id] = await createOk(sim, 'sdxl_lighting', { prompt: 'FAIL', webhook_url: `${receiver.url}/fail/` });
		await sim.waitFor(id, (task) => task.state === 'failed');
		await until(() => receiver.received.some((post) => post.body.task_id === id && post.body.error !== ''));
		await sleep(100);
		const posts = receiver.received.filter((post) => post.body.task_id === id);
		expect(posts.every((post) => post.path === '/fail/task-progress')).toBe(true);
		expect(posts.filter((post) => post.body.error)).toHaveLength(1);
		expect(posts[posts.length - 1].body).toMatchObject({ error: 'Allocation on device ', progress: sim.task(id)?.progress });
		expect(posts.some((post) => post.body.progress === 100)).toBe(false);
	});

	it('deleting a running task stops it and its webhook posts', async () => {
		const [id] = await createOk(sim, 'sdxl_lighting', { prompt: 'doomed', webhook_url: `${receiver.url}/gone` });
		await sim.waitFor(id, (task) => task.progress > 20);
		const response = await get(sim, `/vapi/tasks/task?task_id=${id}`, { method: 'DELETE' });
		expect(response.status).toBe(204);
		expect(await response.text()).toBe('');
		await sleep(100);
		const count = receiver.received.filter((post) => post.body.task_id === id).length;
		expect(count).toBeGreaterThan(0);
		await sleep(500);
		expect(receiver.received.filter((post) => post.body.task_id === id)).toHaveLength(count);
		expect(receiver.received.filter((post) => post.body.task_id === id).some((post) => post.body.progress === 100)).toBe(false);
		const gone = await get(sim, `/vapi/tasks/progress/${id}`);
		expect(gone.status).toBe(404);
		expect(sim.task(id)).toBeUndefined();
		await expect(sim.waitFor(id, () => true, 100)).rejects.toThrow('deleted');
	});

	it('applies every fault kind to the next matching request only', async () => {
		sim.faults.add({ method: 'GET', pathPrefix: '/vapi/other/whoami', times: 2, fault: { kind: 'status', status: 503 } });
		for (let i = 0; i < 2; i++) {
			const proxied = await get(sim, '/vapi/other/whoami');
			expect(proxied.status).toBe(503);
			expect(proxied.headers.get('content-type')).toBe('text/html');
			expect(await proxied.text()).toContain('<title>503 Service Temporarily Unavailable</title>');
		}
		expect((await get(sim, '/vapi/other/whoami')).status).toBe(200);

		sim.faults.add({ pathPrefix: '/vapi/flows', fault: { kind: 'status', status: 500 } });
		const internal = await get(sim, '/vapi/flows/installed');
		expect(internal.status).toBe(500);
		expect(await internal.text()).toBe('Internal Server Error');
		sim.faults.add({ fault: { kind: 'status', status: 502 } });
		const badGateway = await get(sim, '/vapi/flows/installed');
		expect(badGateway.status).toBe(502);
		expect(await badGateway.text()).toContain('<center><h1>502 Bad Gateway</h1></center>');

		sim.faults.add({ method: 'GET', pathPrefix: '/vapi/tasks/progress', fault: { kind: 'rate-limit', retryAfterSeconds: 7 } });
		const limited = await get(sim, '/vapi/tasks/progress-summary');
		expect(limited.status).toBe(429);
		expect(limited.headers.get('retry-after')).toBe('7');
		await limited.text();

		sim.faults.add({ method: 'GET', pathPrefix: '/vapi/other', fault: { kind: 'malformed-json' } });
		const malformed = await get(sim, '/vapi/other/whoami');
		expect(malformed.status).toBe(200);
		expect(malformed.headers.get('content-type')).toBe('application/json');
		await expect(malformed.json()).rejects.toThrow();

		sim.faults.add({ method: 'GET', pathPrefix: '/vapi/other/whoami', fault: { kind: 'slow', delayMs: 300 } });
		const started = Date.now();
		const slow = await get(sim, '/vapi/other/whoami');
		expect(Date.now() - started).toBeGreaterThanOrEqual(290);
		expect(((await slow.json()) as { user_id: string }).user_id).toBe('admin');

		const before = sim.createdCount();
		sim.faults.add({ method: 'PUT', pathPrefix: '/vapi/tasks/create/', fault: { kind: 'drop-before' } });
		await expect(create(sim, 'sdxl_lighting', { prompt: 'never arrives' })).rejects.toThrow();
		expect(sim.createdCount()).toBe(before);

		sim.faults.add({ method: 'PUT', pathPrefix: '/vapi/tasks/create/', fault: { kind: 'drop-after' } });
		await expect(create(sim, 'sdxl_lighting', { prompt: 'lost answer' })).rejects.toThrow();
		expect(sim.createdCount()).toBe(before + 1);
		const orphan = sim.tasks().find((task) => task.inputs.prompt === 'lost answer');
		expect(orphan).toBeDefined();
		await sim.waitFor(orphan!.id, (task) => task.state === 'finished');

		const dropped = sim.requests.filter((request) => request.fault === 'drop-before' || request.fault === 'drop-after');
		expect(dropped.map((request) => [request.method, request.path, request.status])).toEqual([
			['PUT', '/vapi/tasks/create/sdxl_lighting', 0],
			['PUT', '/vapi/tasks/create/sdxl_lighting', 0],
		]);
		expect(sim.faults.pending()).toEqual([]);
		expect((await get(sim, '/vapi/other/whoami')).status).toBe(200);
		const last = sim.requests[sim.requests.length - 1];
		expect(last).toMatchObject({ method: 'GET', path: '/vapi/other/whoami', status: 200, query: {} });
	});
});

describe('Visionatrix simulator, one worker (serial)', () => {
	let sim: VisionatrixSimulator;
	beforeEach(async () => {
		sim = await startVisionatrixSimulator({ taskDurationMs: 300, progressSteps: 5, serial: true });
	});
	afterEach(() => sim.close());

	it('runs one task at a time and takes the highest priority first; priority changes only before start', async () => {
		const [first] = await createOk(sim, 'sdxl_lighting', { prompt: 'first' });
		const [low] = await createOk(sim, 'sdxl_lighting', { prompt: 'low' });
		const [high] = await createOk(sim, 'sdxl_lighting', { prompt: 'high' });
		await sim.waitFor(first, (task) => task.progress > 0);
		expect(sim.task(low)?.state).toBe('queued');
		expect(sim.task(high)?.state).toBe('queued');

		const update = (id: number | string, body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
			get(sim, `/vapi/tasks/update?task_id=${id}`, { method: 'PUT', body, headers });
		const started = await update(first, '{"priority": 3}');
		expect(started.status).toBe(400);
		expect(await detailOf(started)).toBe(`Task \`${first}\` cannot be updated because it has already started.`);
		const tooHigh = await update(high, '{"priority": 16}');
		expect(tooHigh.status).toBe(422);
		expect(await detailOf(tooHigh)).toEqual([
			{ type: 'less_than_equal', loc: ['body', 'priority'], msg: 'Input should be less than or equal to 15', input: 16, ctx: { le: 15 } },
		]);
		const empty = await update(high, '{}');
		expect(empty.status).toBe(422);
		expect(await detailOf(empty)).toEqual([{ type: 'missing', loc: ['body', 'priority'], msg: 'Field required', input: {} }]);
		const notInt = await update('x', '{"priority": "5"}');
		expect(notInt.status).toBe(422);
		expect(await detailOf(notInt)).toEqual([
			{ type: 'int_parsing', loc: ['query', 'task_id'], msg: 'Input should be a valid integer, unable to parse string as an integer', input: 'x' },
			{ type: 'int_type', loc: ['body', 'priority'], msg: 'Input should be a valid integer', input: '5' },
		]);
		const unknown = await update(9999, '{"priority": 1}');
		expect(unknown.status).toBe(404);
		expect(await detailOf(unknown)).toBe('Task `9999` was not found.');
		const ok = await update(high, '{"priority": 9}');
		expect(ok.status).toBe(204);
		expect(sim.task(high)?.priority).toBe(9);
		const summary = (await (await get(sim, '/vapi/tasks/progress-summary')).json()) as Record<string, { priority: number }>;
		expect(summary[String(high)].priority).toBe(9);

		await sim.waitFor(first, (task) => task.state === 'finished');
		const doneHigh = await sim.waitFor(high, (task) => task.state === 'finished');
		expect(sim.task(low)?.state).not.toBe('finished');
		const doneLow = await sim.waitFor(low, (task) => task.state === 'finished');
		expect(doneHigh.startedAt!).toBeGreaterThanOrEqual(sim.task(first)!.finishedAt!);
		expect(doneLow.startedAt!).toBeGreaterThanOrEqual(doneHigh.finishedAt!);
	});

	it('DELETE /queue removes unfinished parents of a flow, DELETE /clear the finished ones, DELETE /queue/{id} skips finished', async () => {
		const [done] = await createOk(sim, 'sdxl_lighting', { prompt: 'done' });
		await sim.waitFor(done, (task) => task.state === 'finished');
		const [running, waiting] = await createOk(sim, 'sdxl_lighting', { prompt: 'more', count: '2' });
		const [otherGroup] = await createOk(sim, 'sdxl_lighting', { prompt: 'elsewhere', group_scope: '2' });
		await sim.waitFor(running, (task) => task.progress > 0);

		const noName = await get(sim, '/vapi/tasks/queue', { method: 'DELETE' });
		expect(noName.status).toBe(422);
		expect(await detailOf(noName)).toEqual([{ type: 'missing', loc: ['query', 'name'], msg: 'Field required', input: null }]);

		const finishedNoop = await get(sim, `/vapi/tasks/queue/${done}`, { method: 'DELETE' });
		expect(finishedNoop.status).toBe(204);
		expect(sim.task(done)).toBeDefined();

		const queue = await get(sim, '/vapi/tasks/queue?name=sdxl_lighting', { method: 'DELETE' });
		expect(queue.status).toBe(204);
		expect(sim.tasks().map((task) => task.id)).toEqual([done, otherGroup]);

		const groups = (await (await get(sim, '/vapi/tasks/progress-summary?group_scope=0')).json()) as Record<string, unknown>;
		expect(Object.keys(groups)).toEqual([String(done), String(otherGroup)]);
		const groupOne = (await (await get(sim, '/vapi/tasks/progress')).json()) as Record<string, unknown>;
		expect(Object.keys(groupOne)).toEqual([String(done)]);

		const clear = await get(sim, '/vapi/tasks/clear?name=sdxl_lighting', { method: 'DELETE' });
		expect(clear.status).toBe(204);
		expect(sim.tasks().map((task) => task.id)).toEqual([otherGroup]);
		await sim.waitFor(otherGroup, (task) => task.state === 'finished');
		const byQueueId = await get(sim, `/vapi/tasks/queue/${otherGroup}`, { method: 'DELETE' });
		expect(byQueueId.status).toBe(204);
		expect(sim.task(otherGroup)).toBeDefined();
		const clearGroup2 = await get(sim, '/vapi/tasks/clear?name=sdxl_lighting&group_scope=2', { method: 'DELETE' });
		expect(clearGroup2.status).toBe(204);
		expect(sim.tasks()).toEqual([]);
		expect(sim.createdCount()).toBe(4);
		expect(waiting).toBe(running + 1);
	});
});

describe('Visionatrix simulator, auth on', () => {
	let sim: VisionatrixSimulator;
	beforeAll(async () => {
		sim = await startVisionatrixSimulator({
			taskDurationMs: 300,
			auth: {
				users: {
					alice: { password: 'wonder' },
					bob: { password: 'builder' },
					root: { password: 'toor', isAdmin: true, fullName: 'Root', email: 'root@example.com' },
				},
			},
		});
	});
	afterAll(() => sim.close());

	it('answers 401 "Not authenticated" with WWW-Authenticate: Basic and no Content-Type', async () => {
		for (const headers of [{}, basic('alice', 'nope'), basic('mallory', 'x'), { authorization: 'Bearer token' }]) {
			const response = await get(sim, '/vapi/other/whoami', { headers });
			expect(response.status).toBe(401);
			expect(response.headers.get('www-authenticate')).toBe('Basic');
			expect(response.headers.get('content-type')).toBeNull();
			expect(await response.text()).toBe('Not authenticated');
		}
		const unknownPath = await get(sim, '/api/anything');
		expect(unknownPath.status).toBe(401);
		const created = sim.createdCount();
		const createNoAuth = await create(sim, 'sdxl_lighting', { prompt: 'x' });
		expect(createNoAuth.status).toBe(401);
		expect(sim.createdCount()).toBe(created);
	});

	it('identifies users and keeps tasks per user (admins may delete any)', async () => {
		const whoami = (await (await get(sim, '/vapi/other/whoami', { headers: basic('alice', 'wonder') })).json()) as Record<string, unknown>;
		expect(whoami).toEqual({ user_id: 'alice', full_name: 'John Doe', email: 'user@example.com', is_admin: false, record_expires_at: null });
		const root = (await (await get(sim, '/vapi/other/whoami', { headers: basic('root', 'toor') })).json()) as Record<string, unknown>;
		expect(root).toMatchObject({ user_id: 'root', full_name: 'Root', is_admin: true });

		const [id] = await createOk(sim, 'sdxl_lighting', { prompt: 'mine' }, basic('alice', 'wonder'));
		expect(sim.task(id)?.userId).toBe('alice');
		const own = await get(sim, `/vapi/tasks/progress/${id}`, { headers: basic('alice', 'wonder') });
		expect(((await own.json()) as { user_id: string }).user_id).toBe('alice');
		for (const user of [basic('bob', 'builder'), basic('root', 'toor')]) {
			const foreign = await get(sim, `/vapi/tasks/progress/${id}`, { headers: user });
			expect(foreign.status).toBe(404);
			expect(await detailOf(foreign)).toBe(`Task \`${id}\` was not found.`);
			const list = (await (await get(sim, '/vapi/tasks/progress-summary', { headers: user })).json()) as Record<string, unknown>;
			expect(list).toEqual({});
		}
		const bobDelete = await get(sim, `/vapi/tasks/task?task_id=${id}`, { method: 'DELETE', headers: basic('bob', 'builder') });
		expect(bobDelete.status).toBe(404);
		expect(sim.task(id)).toBeDefined();
		const refForeign = await create(sim, 'remove_background_birefnet', { input_image: JSON.stringify({ task_id: id, node_id: 9 }) }, basic('bob', 'builder'));
		expect(refForeign.status).toBe(400);
		expect(await detailOf(refForeign)).toBe(`Missing task with id=${id}`);
		const rootDelete = await get(sim, `/vapi/tasks/task?task_id=${id}`, { method: 'DELETE', headers: basic('root', 'toor') });
		expect(rootDelete.status).toBe(204);
		expect(sim.task(id)).toBeUndefined();
	});
});

describe('Visionatrix simulator, other output types and options', () => {
	it('names and types files like the ComfyUI save nodes, and follows hostLacksMimeTypes', async () => {
		const outputs = {
			sdxl_lighting: [
				{ nodeId: 9, type: 'audio' },
				{ nodeId: 20, type: 'video' },
				{ nodeId: 21, type: 'text' },
				{ nodeId: 22, type: 'image-animated', batchSize: 2 },
			],
		};
		const lacking = await startVisionatrixSimulator({ taskDurationMs: 50, progressSteps: 2, outputs });
		const full = await startVisionatrixSimulator({ taskDurationMs: 50, progressSteps: 2, outputs, hostLacksMimeTypes: false, queueDelayMs: 100 });
		try {
			const [a] = await createOk(lacking, 'sdxl_lighting', { prompt: 'sounds' });
			const [b] = await createOk(full, 'sdxl_lighting', { prompt: 'sounds' });
			expect(full.task(b)?.state).toBe('queued');
			await sleep(60);
			expect(full.task(b)?.state).toBe('queued');
			await lacking.waitFor(a, (task) => task.state === 'finished');
			await full.waitFor(b, (task) => task.state === 'finished');
			const head = async (sim: VisionatrixSimulator, id: number, node: number, batch = 0) => {
				const response = await get(sim, `/vapi/tasks/results?task_id=${id}&node_id=${node}&batch_index=${batch}`);
				const bytes = Buffer.from(await response.arrayBuffer());
				expect(bytes.equals(Buffer.from(sim.resultBytes(id, node, batch)))).toBe(true);
				return [response.headers.get('content-type'), response.headers.get('content-disposition'), bytes];
			};
			const [audioType, audioName, audio] = await head(lacking, a, 9);
			expect([audioType, audioName]).toEqual(['text/plain; charset=utf-8', `attachment; filename="${a}_9_00001.flac"`]);
			expect((audio as Buffer).subarray(0, 4).toString('latin1')).toBe('fLaC');
			expect((await head(full, b, 9)).slice(0, 2)).toEqual(['audio/flac', `attachment; filename="${b}_9_00001.flac"`]);
			const [videoType, videoName, video] = await head(lacking, a, 20);
			expect([videoType, videoName]).toEqual(['video/mp4', `attachment; filename="${a}_20_00001.mp4"`]);
			expect((video as Buffer).subarray(4, 8).toString('latin1')).toBe('ftyp');
			const [textType, textName, text] = await head(lacking, a, 21);
			expect([textType, textName]).toEqual(['text/plain; charset=utf-8', `attachment; filename="${a}_21.txt"`]);
			expect((text as Buffer).toString('utf8')).toContain(`task=${a}`);
			expect((await head(lacking, a, 22, 1)).slice(0, 2)).toEqual(['text/plain; charset=utf-8', `attachment; filename="${a}_22_00002.webp"`]);
			expect((await head(full, b, 22, 1))[0]).toBe('image/webp');
			const outputsOf = lacking.task(a)!.outputs;
			// VideoHelperSuite also writes a first-frame PNG: counted in batch_size, not served.
			expect(outputsOf.map((output) => [output.comfy_node_id, output.type, output.batch_size])).toEqual([
				[9, 'audio', 1],
				[20, 'video', 2],
				[21, 'text', 1],
				[22, 'image-animated', 2],
			]);
			const videoZip = readZip(Buffer.from(await (await get(lacking, `/vapi/tasks/results?task_id=${a}&node_id=20&batch_index=-1`)).arrayBuffer()));
			expect(videoZip.map((entry) => entry.name)).toEqual([`${a}_20_00001.mp4`]);
			const secondVideo = await get(lacking, `/vapi/tasks/results?task_id=${a}&node_id=20&batch_index=1`);
			expect(secondVideo.status).toBe(404);
		} finally {
			await lacking.close();
			await full.close();
		}
	});

	it('uses custom flows, durations, failure rules and admin headers', async () => {
		const flows = [
			{
				name: 'toy',
				display_name: 'Toy',
				input_params: [
					{ name: 'word', display_name: 'Word', type: 'text', optional: false, default: '', comfy_node_id: { '1': ['inputs', 'text'] } },
					{ name: 'loud', display_name: 'Loud', type: 'bool', optional: true, default: false, comfy_node_id: { '2': ['inputs', 'state'] } },
				],
				is_seed_supported: false,
			},
		];
		const sim = await startVisionatrixSimulator({
			flows,
			outputs: { toy: [{ nodeId: 7, type: 'text' }] },
			taskDurationMs: (_flow, inputs) => (inputs.word === 'slow' ? 400 : 60),
			progressSteps: 3,
			failWhen: (_flow, inputs) => (inputs.word === 'boom' ? 'CUDA out of memory' : undefined),
		});
		try {
			expect(await (await get(sim, '/vapi/flows/installed')).json()).toEqual(flows);
			const badBool = await create(sim, 'toy', { word: 'x', loud: 'perhaps' });
			expect(badBool.status).toBe(500);
			const [quick] = await createOk(sim, 'toy', { word: 'quick', loud: 'YES', seed: '5' });
			const [slow] = await createOk(sim, 'toy', { word: 'slow' });
			const [boom] = await createOk(sim, 'toy', { word: 'boom' }, { 'X-WORKER-EXECUTION-PROFILER': '1', 'X-WORKER-ID': SIM_WORKER_ID });
			expect(quick).toBe(slow - 1);
			expect(sim.task(quick)?.inputs).toEqual({ word: 'quick', loud: 'YES' });
			const quickDone = await sim.waitFor(quick, (task) => task.state === 'finished');
			expect(sim.task(slow)?.state).toBe('running');
			expect(quickDone.progressWrites).toHaveLength(4);
			const failed = await sim.waitFor(boom, (task) => task.state === 'failed');
			expect(failed.error).toBe('CUDA out of memory');
			expect(failed.customWorker).toBe(SIM_WORKER_ID);
			const details = (await (await get(sim, `/vapi/tasks/progress/${boom}`)).json()) as Record<string, unknown>;
			expect(details).toMatchObject({ custom_worker: SIM_WORKER_ID, extra_flags: { profiler_execution: true } });
			await sim.waitFor(slow, (task) => task.state === 'finished', 2000);
			const pinned = await createOk(sim, 'toy', { word: 'elsewhere' }, { 'X-WORKER-ID': 'someone:else:[cpu]:0' });
			await sleep(150);
			expect(sim.task(pinned[0])?.state).toBe('queued');
			const federated = await create(sim, 'toy', { word: 'x' }, { 'X-FEDERATED-TASK': '1' });
			expect(federated.status).toBe(400);
			expect(await detailOf(federated)).toBe('Missing `X-WORKER-ID` header.');
		} finally {
			await sim.close();
		}
	});

	it('close() stops everything: later requests are refused and waiters reject', async () => {
		const sim = await startVisionatrixSimulator({ taskDurationMs: 5000 });
		const [id] = await createOk(sim, 'sdxl_lighting', { prompt: 'x' });
		const waiting = sim.waitFor(id, (task) => task.state === 'finished', 10_000);
		await sim.close();
		await expect(waiting).rejects.toThrow('closed');
		await expect(fetch(`${sim.url}/vapi/other/whoami`)).rejects.toThrow();
		await sim.close();
	});
});
