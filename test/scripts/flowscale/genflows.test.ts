import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { fetchTransport } from '../../../nodes/shared/core/fetchTransport.ts';
import { Flowscale } from '../../../nodes/shared/providers/flowscale/api.ts';
import { scriptEnv } from '../../../scripts/runtime/timers.ts';
import type { FlowscaleSimulator } from '../../simulators/flowscale/index.ts';
import { DEFAULT_FAILURE_TEXT, startFlowscaleSimulator } from '../../simulators/flowscale/index.ts';
import type { CliEvent, CliOutcome, CliRunner } from '../cliProcess.ts';
import { CliProcess, denoRunner, nodeRunner, runCli } from '../cliProcess.ts';

// A text input with SLOW runs for a minute (long enough to interrupt); FAIL fails the run.
const SLOW_MS = 60_000;
const TEXT_TO_IMAGE = 'bncu0a1kipv';
const PORTRAIT = '550e8400-e29b-41d4-a716-446655440000';
// Not the simulator's default, so that a test passing wrongly on a default cannot hide a leak;
// "dummy" tells the secret scanners it guards nothing.
const API_KEY = 'fs-cli-dummy-key-7f3a9c';

let simulator: FlowscaleSimulator;
let workDir: string;
/** Everything every command printed, checked at the end for the key. */
const printed: string[] = [];

beforeAll(async () => {
	simulator = await startFlowscaleSimulator({
		apiKey: API_KEY,
		runMs: (run) => (Object.values(run.texts).some((text) => text.includes('SLOW')) ? SLOW_MS : 400),
	});
	workDir = mkdtempSync(join(tmpdir(), 'genflows-flowscale-'));
});
afterAll(async () => {
	await simulator.close();
	rmSync(workDir, { recursive: true, force: true });
});

let dirCount = 0;
const freshDir = () => join(workDir, `out-${++dirCount}`);
const bytesEqual = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));
const lastEvent = (events: CliEvent[]) => events[events.length - 1];
const runIdOf = (events: CliEvent[]) => (events.find((event) => event.event === 'submitted')!.run_ids as string[])[0];

async function genflows(runner: CliRunner, args: string[], options?: ConstructorParameters<typeof CliProcess>[2]): Promise<CliOutcome> {
	const outcome = await runCli(runner, args, options);
	printed.push(outcome.stdout, outcome.stderr);
	return outcome;
}

/** A run started through the core, not the CLI: for the commands that take a run id. */
function startDirectly(text: string): Promise<string> {
	const flowscale = new Flowscale({ baseUrl: simulator.url, env: scriptEnv(fetchTransport({ headers: { 'x-api-key': API_KEY } })) });
	return flowscale.startRun({ workflowId: TEXT_TO_IMAGE, groupId: 'cli-direct', inputs: [{ name: 'text_51536', value: text }] }).then((started) => started.run_id);
}

describe.each([denoRunner, nodeRunner])('genflows flowscale under $name', (runner: CliRunner) => {
	const connection = () => ['--url', simulator.url, '--api-key', API_KEY];

	it('prints usage with --help (and is ready: Deno has fetched and compiled what it needs)', async () => {
		const { code, stdout } = await genflows(runner, ['flowscale', '--help']);
		expect(code).toBe(0);
		expect(stdout).toContain('usage: genflows flowscale <command>');
		for (const command of ['run', 'status', 'results', 'cancel', 'list', 'health', 'queue', 'workflows']) expect(stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
		expect(stdout).toContain('FLOWSCALE_API_KEY');
	}, 60_000);

	it('runs a workflow with a file input and saves every output, byte for byte what storage served', async () => {
		const out = freshDir();
		mkdirSync(workDir, { recursive: true });
		const photo = join(workDir, 'cat.png');
		// A PNG signature, then anything: the CLI checks that an image input gets a picture, by its first bytes.
		const photoBytes = Uint8Array.from({ length: 300 }, (_, index) => (index < 4 ? [0x89, 0x50, 0x4e, 0x47][index] : (index * 7) % 256));
		writeFileSync(photo, photoBytes);
		const args = ['flowscale', 'run', PORTRAIT, '--file', `image_35728=${photo}`, '--input', 'text_51536=a cat in oils', '--group', 'cli-tests', '--out', out];
		const { code, events, stderr, stdout } = await genflows(runner, [...args, ...connection()]);
		expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
		expect(stdout.trim().split('\n')).toHaveLength(events.length);

		const runId = runIdOf(events);
		expect(events[0]).toEqual({ event: 'submitted', workflow_id: PORTRAIT, run_ids: [runId] });
		const sim = simulator.run(runId)!;
		expect(sim).toMatchObject({ workflowId: PORTRAIT, groupId: 'cli-tests', state: 'completed', encoding: 'multipart' });
		expect(bytesEqual(simulator.inputBytes(runId, 'image_35728'), photoBytes)).toBe(true);
		expect(sim.inputs.find((input) => input.name === 'text_51536')?.value).toBe('a cat in oils');
		// The server's own status word rides along, since only the terminal ones are known.
		const progress = events.filter((event) => event.event === 'progress');
		expect(progress.at(-1)).toMatchObject({ run_id: runId, phase: 'succeeded', status: 'completed' });
		// Waiting for a container is queued; any other word still running.
		expect(progress.slice(0, -1).every((event) => (event.phase === 'queued') === (event.status === 'queued') && ['queued', 'running'].includes(event.phase as string))).toBe(true);

		const saved = events.filter((event) => event.event === 'saved');
		expect(saved).toHaveLength(1);
		expect(saved[0]).toMatchObject({ runId, outputName: sim.outputs[0].name, path: join(out, sim.outputs[0].fileName), mimeType: 'image/png' });
		expect(bytesEqual(readFileSync(saved[0].path as string), simulator.outputBytes(runId, sim.outputs[0].name))).toBe(true);
		expect(lastEvent(events)).toEqual({
			event: 'result',
			workflow_id: PORTRAIT,
			runs: [{ run_id: runId, files: saved.map(({ path, fileName, mimeType, bytes }) => ({ path, fileName, mimeType, bytes })) }],
		});
	});

	it('takes --inputs from a file, follows an output named late, and fetches results and status again', async () => {
		const out = freshDir();
		const inputs = join(workDir, `inputs-${runner.name}.json`);
		writeFileSync(inputs, JSON.stringify({ text_51536: 'from the file', seed_456: 7 }));
		const { code, events } = await genflows(runner, ['flowscale', 'run', TEXT_TO_IMAGE, '--inputs', inputs, '--input', 'text_51536=a lighthouse', '--out', out, ...connection()]);
		expect(code).toBe(0);
		const runId = runIdOf(events);
		const sim = simulator.run(runId)!;
		expect(Object.fromEntries(sim.inputs.map((input) => [input.name, input.value]))).toEqual({ text_51536: 'a lighthouse', seed_456: '7' });
		expect(sim.encoding).toBe('multipart');
		const names = sim.outputs.map((output) => output.fileName);
		expect(names).toHaveLength(2);
		expect(readdirSync(out).sort()).toEqual([...names].sort());
		for (const output of sim.outputs) expect(bytesEqual(readFileSync(join(out, output.fileName)), simulator.outputBytes(runId, output.name))).toBe(true);

		// The same run's results into the same folder: new names, nothing overwritten.
		const again = await genflows(runner, ['flowscale', 'results', runId, '--out', out, ...connection()]);
		expect(again.code).toBe(0);
		const paths = again.events.filter((event) => event.event === 'saved').map((event) => event.path as string);
		expect(paths.sort()).toEqual(names.map((name) => join(out, name.replace(/\.png$/, '-1.png'))).sort());
		expect(lastEvent(again.events)).toMatchObject({ event: 'result', run_id: runId });
		expect(readdirSync(out)).toHaveLength(4);

		const status = await genflows(runner, ['flowscale', 'status', runId, ...connection()]);
		expect(status.code).toBe(0);
		expect(lastEvent(status.events)).toMatchObject({ event: 'result', phase: 'succeeded', run: { run_id: runId, status: 'completed', workflow_id: TEXT_TO_IMAGE } });
	});

	it('exits 1 naming the run and its status when the run fails', async () => {
		const { code, events, stderrLines } = await genflows(runner, ['flowscale', 'run', TEXT_TO_IMAGE, '--input', 'text_51536=please FAIL', '--out', freshDir(), ...connection()]);
		expect(code).toBe(1);
		const runId = runIdOf(events);
		expect(stderrLines).toEqual([`genflows: Flowscale run ${runId} failed: it failed (status "failed"): ${DEFAULT_FAILURE_TEXT}`]);
		expect(lastEvent(events)).toMatchObject({ event: 'error', exitCode: 1, kind: 'job-failed' });
		expect(simulator.run(runId)!.state).toBe('failed');

		const results = await genflows(runner, ['flowscale', 'results', runId, ...connection()]);
		expect(results.code).toBe(1);
		expect(results.stderrLines[0]).toContain(`Flowscale run ${runId} failed`);
	});

	it('cancels the remote run on Ctrl-C (SIGINT) and exits 130', async () => {
		const cli = new CliProcess(runner, ['flowscale', 'run', TEXT_TO_IMAGE, '--input', 'text_51536=SLOW lighthouse', '--out', freshDir(), ...connection()]);
		const submitted = await cli.untilEvent((event) => event.event === 'submitted');
		const runId = (submitted.run_ids as string[])[0];
		await simulator.waitFor(runId, (run) => run.state === 'running');
		cli.child.kill('SIGINT');
		const outcome = await cli.done();
		printed.push(outcome.stdout, outcome.stderr);
		expect(outcome.code).toBe(130);
		expect(simulator.run(runId)!.state).toBe('cancelled');
		expect(simulator.requests.some((request) => request.method === 'POST' && request.path === `/api/v1/runs/${runId}/cancel` && request.status === 200)).toBe(true);
		expect(outcome.stderrLines.at(-1)).toMatch(new RegExp(`^genflows: interrupted \\(SIGINT\\): .*Flowscale run ${runId} was cancelled on the server\\.$`));
		expect(lastEvent(outcome.events)).toMatchObject({ event: 'error', exitCode: 130, cancel: { status: 'cancelled' } });
	});

	it('cancels a run by id', async () => {
		const runId = await startDirectly('SLOW queue');
		const { code, events } = await genflows(runner, ['flowscale', 'cancel', runId, ...connection()]);
		expect(code).toBe(0);
		expect(lastEvent(events)).toEqual({ event: 'result', run_id: runId, cancelled: true });
		expect(simulator.run(runId)!.state).toBe('cancelled');
	});

	it('lists runs of a group, newest first, up to --limit', async () => {
		const first = await startDirectly('SLOW one');
		const second = await startDirectly('SLOW two');
		const { code, events } = await genflows(runner, ['flowscale', 'list', '--group', 'cli-direct', '--limit', '2', ...connection()]);
		expect(code).toBe(0);
		const runs = lastEvent(events).runs as Array<{ run_id: string; group_id: string; phase: string }>;
		expect(runs.map((run) => run.run_id)).toEqual([second, first]);
		expect(runs.every((run) => run.group_id === 'cli-direct' && ['queued', 'running'].includes(run.phase))).toBe(true);
		expect(simulator.requests.filter((request) => request.path === '/api/v1/runs' && request.method === 'GET').at(-1)!.query).toMatchObject({ group_id: 'cli-direct' });
		for (const runId of [first, second]) await genflows(runner, ['flowscale', 'cancel', runId, ...connection()]);
	});

	it('shows health, queue and workflows', async () => {
		const health = await genflows(runner, ['flowscale', 'health', ...connection()]);
		expect(health.code).toBe(0);
		expect((lastEvent(health.events).containers as Array<{ name: string; status: string }>).map((container) => container.name)).toEqual(['container #1', 'container #2']);

		const queue = await genflows(runner, ['flowscale', 'queue', ...connection()]);
		expect(queue.code).toBe(0);
		expect(lastEvent(queue.events).containers).toHaveLength(2);

		const workflows = await genflows(runner, ['flowscale', 'workflows', ...connection()]);
		expect(workflows.code).toBe(0);
		const listed = lastEvent(workflows.events).workflows as Array<{ id: string; inputs: Record<string, string> }>;
		expect(listed.map((workflow) => workflow.id)).toEqual([TEXT_TO_IMAGE, PORTRAIT]);
		expect(listed[0].inputs).toEqual({ text_51536: 'string', seed_456: 'number' });
	});

	it.each([
		[['run'], '<workflow_id>'],
		[['run', TEXT_TO_IMAGE, '--input', '=x'], '--input'],
		[['run', TEXT_TO_IMAGE, '--input', ' =x'], '--input'],
		[['run', TEXT_TO_IMAGE, '--file', 'image_35728=/no/such/file.png'], '--file image_35728'],
		[['run', TEXT_TO_IMAGE, '--timeout', 'soon'], '--timeout'],
		[['run', ' ', '--input', 'text_51536=x'], '<workflow_id>'],
		[['run', 'no-such-workflow', '--input', 'text_51536=x'], '<workflow_id>'],
		[['status', ' '], '<run_id>'],
		[['list', '--limit', '0'], '--limit'],
		[['health', '--url', 'gpu-box.lan:8000'], '--url'],
		[['health', '--url', 'pod.flowscale.ai'], '--url'],
	])('exits 2 on bad arguments %j, naming %s', async (args, argument) => {
		const created = simulator.createdCount();
		// The connection first, so that a bad --url among the arguments wins over it.
		const { code, stderrLines, events } = await genflows(runner, ['flowscale', args[0], ...connection(), ...args.slice(1)]);
		expect(code).toBe(2);
		expect(stderrLines[0]).toMatch(new RegExp(`^genflows: bad argument ${argument.replace(/[<>]/g, '\\$&')}: `));
		expect(stderrLines.at(-1)).toContain(`usage: genflows flowscale ${args[0]}`);
		expect(lastEvent(events)).toMatchObject({ event: 'error', exitCode: 2, argument });
		expect(simulator.createdCount()).toBe(created);
	});

	it('refuses a file that is no picture for an image input before starting anything (exit 2, one line)', async () => {
		const notAPicture = join(workDir, `invoice-${runner.name}.png`);
		writeFileSync(notAPicture, '%PDF-1.7 an invoice');
		const before = simulator.createdCount();
		const outcome = await genflows(runner, ['flowscale', 'run', PORTRAIT, '--file', `image_35728=${notAPicture}`, ...connection()]);
		expect(outcome.code).toBe(2);
		expect(outcome.stderrLines).toEqual([
			expect.stringMatching(/^genflows: bad argument --file image_35728: "invoice-\w+\.png" .*is not an image: expected a PNG, JPEG/),
			expect.stringMatching(/^usage: genflows flowscale run /),
		]);
		expect(simulator.createdCount()).toBe(before);
	});

	it('exits 2 without a URL or an API key, and refuses a key no header can carry', async () => {
		const noUrl = await genflows(runner, ['flowscale', 'health', '--api-key', API_KEY]);
		expect(noUrl.code).toBe(2);
		expect(noUrl.stderrLines[0]).toMatch(/^genflows: bad argument --url: no deployment address: pass --url or set FLOWSCALE_API_URL/);

		const noKey = await genflows(runner, ['flowscale', 'health', '--url', simulator.url]);
		expect(noKey.code).toBe(2);
		expect(noKey.stderrLines[0]).toMatch(/^genflows: bad argument --api-key: no API key/);

		const brokenKey = `${API_KEY}\u00e9x`;
		const broken = await genflows(runner, ['flowscale', 'health', '--url', simulator.url, '--api-key', brokenKey]);
		expect(broken.code).toBe(2);
		expect(broken.stderrLines[0]).toMatch(/^genflows: bad argument --api-key: /);
		expect(broken.stdout + broken.stderr).not.toContain(brokenKey);
	});

	it('takes the connection from FLOWSCALE_API_URL and FLOWSCALE_API_KEY; a wrong key is a 401 that never quotes it', async () => {
		const env = { FLOWSCALE_API_URL: simulator.url, FLOWSCALE_API_KEY: API_KEY };
		const fromEnv = await genflows(runner, ['flowscale', 'health'], { env });
		expect(fromEnv.code).toBe(0);

		const wrongKey = 'fs-wrong-dummy-key-0000';
		const wrong = await genflows(runner, ['flowscale', 'health', '--api-key', wrongKey], { env });
		expect(wrong.code).toBe(1);
		expect(wrong.stderrLines[0]).toMatch(/^genflows: Flowscale answered 401 to GET \/api\/v1\/comfy\/health/);
		expect(wrong.stderr).toContain('X-API-KEY');
		expect(wrong.stdout + wrong.stderr).not.toContain(wrongKey);
	});
});

describe('the API key', () => {
	it('went with every API request and never to the storage host, and was never printed', () => {
		const downloads = simulator.storage.requests;
		expect(downloads.length).toBeGreaterThan(0);
		for (const request of downloads) {
			expect(request.headers['x-api-key']).toBeUndefined();
			expect(JSON.stringify(request.headers)).not.toContain(API_KEY);
		}
		const answered = simulator.requests.filter((request) => request.status < 400);
		expect(answered.length).toBeGreaterThan(0);
		expect(answered.every((request) => request.headers['x-api-key'] === API_KEY)).toBe(true);
		expect(printed.length).toBeGreaterThan(0);
		for (const text of printed) expect(text).not.toContain(API_KEY);
	});
});

describe('genflows flowscale under Deno without --allow-env', () => {
	it('says which variables it could not read', async () => {
		const env = { FLOWSCALE_API_URL: simulator.url, FLOWSCALE_API_KEY: API_KEY };
		const outcome = await runCli(denoRunner, ['flowscale', 'health'], { env, allowEnv: false });
		expect(outcome.code).toBe(2);
		expect(outcome.stderrLines[0]).toBe(
			'genflows: warning: Deno runs without --allow-env, so FLOWSCALE_API_URL, FLOWSCALE_API_KEY was not read; pass it as a flag or allow it (--allow-env=FLOWSCALE_API_URL,FLOWSCALE_API_KEY).',
		);
		const withFlags = await runCli(denoRunner, ['flowscale', 'health', '--url', simulator.url, '--api-key', API_KEY], { env, allowEnv: false });
		expect({ code: withFlags.code, stderr: withFlags.stderr }).toEqual({ code: 0, stderr: '' });
	});
});
