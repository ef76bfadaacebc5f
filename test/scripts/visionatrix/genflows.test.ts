import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { fetchTransport } from '../../../nodes/shared/core/fetchTransport.ts';
import { Visionatrix } from '../../../nodes/shared/providers/visionatrix/api.ts';
import { scriptEnv } from '../../../scripts/runtime/timers.ts';
import type { VisionatrixSimulator } from '../../simulators/visionatrix/index.ts';
import { startVisionatrixSimulator } from '../../simulators/visionatrix/index.ts';
import type { CliEvent, CliRunner } from '../cliProcess.ts';
import { CliProcess, denoRunner, nodeRunner, runCli } from '../cliProcess.ts';

// A prompt with SLOW runs for a minute (long enough to interrupt), FAIL fails at ~30 %.
const SLOW_MS = 60_000;

let simulator: VisionatrixSimulator;
let workDir: string;

beforeAll(async () => {
	simulator = await startVisionatrixSimulator({
		taskDurationMs: (_flow, inputs) => (String(inputs.prompt ?? '').includes('SLOW') ? SLOW_MS : 300),
		progressSteps: 5,
		outputs: { sdxl_lighting: [{ nodeId: 9, type: 'image', batchSize: 2 }], remove_background_birefnet: [{ nodeId: 13, type: 'image' }] },
	});
	workDir = mkdtempSync(join(tmpdir(), 'genflows-cli-'));
});
afterAll(async () => {
	await simulator.close();
	rmSync(workDir, { recursive: true, force: true });
});

let dirCount = 0;
const freshDir = () => join(workDir, `out-${++dirCount}`);
const bytesEqual = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));
const lastEvent = (events: CliEvent[]) => events[events.length - 1];

describe.each([denoRunner, nodeRunner])('genflows under $name', (runner: CliRunner) => {
	const url = () => ['--url', simulator.url];

	it('prints usage with --help (and is ready: Deno has fetched and compiled what it needs)', async () => {
		const { code, stdout } = await runCli(runner, ['visionatrix', '--help']);
		expect(code).toBe(0);
		expect(stdout).toContain('usage: genflows visionatrix <command>');
		for (const command of ['run', 'status', 'results', 'cancel', 'list', 'flows']) expect(stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
	}, 60_000);

	it('runs a flow and saves every file, byte for byte what the server served', async () => {
		const out = freshDir();
		const { code, events, stderr, stdout } = await runCli(runner, ['visionatrix', 'run', 'sdxl_lighting', '--input', 'prompt=a red fox', '--input', 'steps_number=4 steps', '--seed', '7', '--out', out, ...url()]);
		expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
		// stdout is not a terminal here, so every line is one JSON object.
		expect(stdout.trim().split('\n')).toHaveLength(events.length);

		const submitted = events.find((event) => event.event === 'submitted')!;
		const [taskId] = submitted.taskIds as number[];
		expect(simulator.task(taskId)!.inputs).toMatchObject({ prompt: 'a red fox', steps_number: '4 steps', seed: 7 });
		const progress = events.filter((event) => event.event === 'progress');
		expect(progress.length).toBeGreaterThan(0);
		expect(progress.at(-1)).toMatchObject({ taskId, phase: 'succeeded', progress: 100 });

		const saved = events.filter((event) => event.event === 'saved');
		expect(saved.map((event) => event.batchIndex)).toEqual([0, 1]);
		for (const event of saved) {
			expect(event.path).toBe(join(out, `${taskId}_9_0000${(event.batchIndex as number) + 1}.png`));
			expect(bytesEqual(readFileSync(event.path as string), simulator.resultBytes(taskId, 9, event.batchIndex as number))).toBe(true);
		}
		expect(lastEvent(events)).toEqual({ event: 'result', flow: 'sdxl_lighting', tasks: [{ taskId, files: saved.map(({ path, fileName, mimeType, bytes }) => ({ path, fileName, mimeType, bytes })) }] });
		expect(readdirSync(out).sort()).toEqual([`${taskId}_9_00001.png`, `${taskId}_9_00002.png`]);

		// The same task's results fetched again into the same folder: new names, nothing overwritten.
		const again = await runCli(runner, ['visionatrix', 'results', String(taskId), '--out', out, ...url()]);
		expect(again.code).toBe(0);
		const paths = again.events.filter((event) => event.event === 'saved').map((event) => event.path);
		expect(paths).toEqual([join(out, `${taskId}_9_00001-1.png`), join(out, `${taskId}_9_00002-1.png`)]);
		expect(bytesEqual(readFileSync(paths[1] as string), simulator.resultBytes(taskId, 9, 1))).toBe(true);
		expect(readdirSync(out)).toHaveLength(4);

		const status = await runCli(runner, ['visionatrix', 'status', String(taskId), ...url()]);
		expect(lastEvent(status.events)).toMatchObject({ event: 'result', phase: 'succeeded', task: { task_id: taskId, progress: 100 } });
	});

	it('uploads --file inputs, takes inputs from --inputs, and saves into the current folder by default', async () => {
		const cwd = freshDir();
		const picture = simulator.resultBytes(1, 9, 0);
		mkdirSync(cwd);
		writeFileSync(join(cwd, 'cat.png'), picture);
		const { code, events } = await runCli(runner, ['visionatrix', 'run', 'remove_background_birefnet', '--file', 'input_image=cat.png', ...url()], { cwd });
		expect(code).toBe(0);
		const { taskIds } = events.find((event) => event.event === 'submitted')!;
		const taskId = (taskIds as number[])[0];
		expect(bytesEqual(simulator.inputBytes(taskId, 0), picture)).toBe(true);
		const [saved] = events.filter((event) => event.event === 'saved');
		expect(saved.path).toBe(join(cwd, `${taskId}_13_00001.png`));
		expect(bytesEqual(readFileSync(saved.path as string), simulator.resultBytes(taskId, 13, 0))).toBe(true);

		writeFileSync(join(cwd, 'inputs.json'), JSON.stringify({ prompt: 'from the file', negative_prompt: 'blur' }));
		const fromFile = await runCli(runner, ['visionatrix', 'run', 'sdxl_lighting', '--inputs', 'inputs.json', '--input', 'negative_prompt=rain', ...url()], { cwd });
		expect(fromFile.code).toBe(0);
		const fileTask = (fromFile.events.find((event) => event.event === 'submitted')!.taskIds as number[])[0];
		expect(simulator.task(fileTask)!.inputs).toMatchObject({ prompt: 'from the file', negative_prompt: 'rain' });
	});

	it("exits 1 with the server's error on one line when the job fails", async () => {
		const out = freshDir();
		const { code, events, stderrLines } = await runCli(runner, ['visionatrix', 'run', 'sdxl_lighting', '--input', 'prompt=please FAIL', '--out', out, ...url()]);
		expect(code).toBe(1);
		const taskId = (events.find((event) => event.event === 'submitted')!.taskIds as number[])[0];
		expect(stderrLines).toEqual([`genflows: Visionatrix task ${taskId} failed: Allocation on device`]);
		expect(lastEvent(events)).toMatchObject({ event: 'error', exitCode: 1, kind: 'job-failed', serverMessage: 'Allocation on device ' });
		expect(simulator.task(taskId)!.state).toBe('failed');
	});

	it('cancels the remote task on Ctrl-C (SIGINT) and exits 130', async () => {
		const cli = new CliProcess(runner, ['visionatrix', 'run', 'sdxl_lighting', '--input', 'prompt=SLOW lighthouse', '--out', freshDir(), ...url()]);
		const submitted = await cli.untilEvent((event) => event.event === 'submitted');
		const taskId = (submitted.taskIds as number[])[0];
		await simulator.waitFor(taskId, (task) => task.state === 'running');
		cli.child.kill('SIGINT');
		const { code, events, stderrLines } = await cli.done();
		expect(code).toBe(130);
		expect(simulator.task(taskId)).toBeUndefined();
		expect(simulator.requests.some((request) => request.method === 'DELETE' && request.query.task_id === String(taskId) && request.status === 204)).toBe(true);
		expect(stderrLines.at(-1)).toBe(`genflows: interrupted (SIGINT): Stopped waiting for Visionatrix task ${taskId}. Visionatrix task ${taskId} was cancelled on the server.`);
		expect(lastEvent(events)).toMatchObject({ event: 'error', exitCode: 130, cancel: { status: 'cancelled' } });
	});

	it.each([
		[['visionatrix', 'run'], '<flow>', 'usage: genflows visionatrix run <flow>'],
		[['visionatrix', 'run', 'sdxl_lighting', '--count', 'many'], '--count', 'usage: genflows visionatrix run <flow>'],
		[['visionatrix', 'run', 'sdxl_lighting', '--colour', 'red'], '--colour', 'usage: genflows visionatrix run <flow>'],
		[['visionatrix', 'run', 'sdxl_lighting', '--input', 'prompt=x', '--input', 'mood=calm'], '--input mood', 'usage: genflows visionatrix run <flow>'],
		[['visionatrix', 'run', 'sdxl_lighting', '--file', 'input_image=/no/such/file.png'], '--file input_image', 'usage: genflows visionatrix run <flow>'],
		[['visionatrix', 'status', 'soon'], '<taskId>', 'usage: genflows visionatrix status <taskId>'],
		[['visionatrix', 'paint'], '<command>', 'usage: genflows visionatrix <command>'],
		[['midjourney', 'run'], '<provider>', 'usage: genflows <provider> <command>'],
	])('exits 2 on bad arguments %j, naming %s', async (args, argument, usage) => {
		const { code, stderrLines, events } = await runCli(runner, [...args, ...url()]);
		expect(code).toBe(2);
		expect(stderrLines[0]).toMatch(new RegExp(`^genflows: bad argument ${argument.replace(/[<>]/g, '\\$&')}: `));
		expect(stderrLines.at(-1)).toContain(usage);
		// Nothing was submitted for a bad command line.
		expect(events.some((event) => event.event === 'submitted')).toBe(false);
	});

	it('takes connection settings from the environment, and flags win over it', async () => {
		const guarded = await startVisionatrixSimulator({ auth: { users: { alice: { password: 'secret' } } } });
		try {
			const env = { VISIONATRIX_URL: guarded.url, VISIONATRIX_USER: 'alice', VISIONATRIX_PASSWORD: 'secret' };
			const fromEnv = await runCli(runner, ['visionatrix', 'flows'], { env });
			expect(fromEnv.code).toBe(0);
			expect((lastEvent(fromEnv.events).flows as { name: string }[]).map((flow) => flow.name)).toEqual(['sdxl_lighting', 'remove_background_birefnet']);

			const wrongPassword = await runCli(runner, ['visionatrix', 'flows', '--password', 'wrong'], { env });
			expect(wrongPassword.code).toBe(1);
			expect(wrongPassword.stderrLines[0]).toMatch(/^genflows: Visionatrix answered 401 to GET \/vapi\/flows\/installed/);

			const flagsWin = await runCli(runner, ['visionatrix', 'list', '--url', simulator.url, '--flow', 'sdxl_lighting'], { env: { ...env, VISIONATRIX_URL: 'http://127.0.0.1:9' } });
			expect(flagsWin.code).toBe(0);
			const tasks = lastEvent(flagsWin.events).tasks as { task_id: number; name: string; phase: string }[];
			expect(tasks.length).toBeGreaterThan(0);
			expect(new Set(tasks.map((task) => task.name))).toEqual(new Set(['sdxl_lighting']));
			expect(guarded.requests.filter((request) => request.status === 200).every((request) => request.user === 'alice')).toBe(true);
		} finally {
			await guarded.close();
		}
	});

	it('cancels a task by id', async () => {
		const visionatrix = new Visionatrix({ baseUrl: simulator.url, env: scriptEnv(fetchTransport()) });
		const flow = await visionatrix.getInstalledFlow('sdxl_lighting');
		const [taskId] = (await visionatrix.createTask(flow, { inputs: { prompt: 'SLOW queue' } })).tasks_ids;
		const { code, events } = await runCli(runner, ['visionatrix', 'cancel', String(taskId), ...url()]);
		expect(code).toBe(0);
		expect(lastEvent(events)).toEqual({ event: 'result', taskId, deleted: true });
		expect(simulator.task(taskId)).toBeUndefined();
	});
});

describe('genflows under Deno without --allow-env', () => {
	it('does not read the environment: flags work, and a missing --url is pointed out', async () => {
		const env = { VISIONATRIX_URL: simulator.url };
		const withFlag = await runCli(denoRunner, ['visionatrix', 'flows', '--url', simulator.url], { env, allowEnv: false });
		expect({ code: withFlag.code, stderr: withFlag.stderr }).toEqual({ code: 0, stderr: '' });

		// It then asks the default address (localhost:8288); only the warning matters here.
		const withoutFlag = await runCli(denoRunner, ['visionatrix', 'flows'], { env, allowEnv: false });
		expect(withoutFlag.stderrLines[0]).toBe(
			'genflows: warning: Deno runs without --allow-env, so VISIONATRIX_URL was not read; pass it as a flag or allow it (--allow-env=VISIONATRIX_URL).',
		);
	});
});
