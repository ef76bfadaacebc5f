// What an independent audit of `genflows` found, each case under Deno and Node against servers on
// 127.0.0.1: a password printed from the URL, a timeout that did not bound the run, input taken
// silently, and errors that did not say what to do.
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createServer as createTcpServer } from 'node:net';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { VisionatrixSimulator } from '../../simulators/visionatrix/index.ts';
import { makePng } from '../../simulators/visionatrix/files.ts';
import { startVisionatrixSimulator } from '../../simulators/visionatrix/index.ts';
import type { CliOutcome, CliRunner } from '../cliProcess.ts';
import { denoRunner, nodeRunner, runCli } from '../cliProcess.ts';

const SLOW_SEED = 5001;
const SECRET = 'Sup3r-s3cret';

let simulator: VisionatrixSimulator;
let guarded: VisionatrixSimulator;
let workDir: string;
let hanging: { url: string; close(): Promise<void> };
let redirecting: { url: string; close(): Promise<void> };
/** An address where nothing listens. */
let closedUrl: string;

/** Accepts connections and never answers, like a stuck proxy. */
async function startHangingServer(): Promise<typeof hanging> {
	const sockets = new Set<Socket>();
	const server = createTcpServer((socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
		socket.on('error', () => undefined);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		close: () => new Promise((resolve) => (sockets.forEach((socket) => socket.destroy()), server.close(() => resolve()))),
	};
}

/** Sends every request to another origin, as a misconfigured reverse proxy or an SSO gateway does. */
async function startRedirectingServer(target: string): Promise<typeof redirecting> {
	const server: Server = createServer((request, response) => {
		response.writeHead(302, { location: `${target}${request.url}` }).end();
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		close: () => new Promise((resolve) => server.close(() => resolve())),
	};
}

async function closedPortUrl(): Promise<string> {
	const server = createTcpServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	await new Promise((resolve) => server.close(resolve));
	return `http://127.0.0.1:${port}`;
}

beforeAll(async () => {
	closedUrl = await closedPortUrl();
	simulator = await startVisionatrixSimulator({
		serial: true,
		taskDurationMs: (_flow, inputs) => (inputs.seed === SLOW_SEED ? 60_000 : 200),
		outputs: { sdxl_lighting: [{ nodeId: 9, type: 'image' }], remove_background_birefnet: [{ nodeId: 13, type: 'image' }] },
	});
	guarded = await startVisionatrixSimulator({ auth: { users: { admin: { password: SECRET } } } });
	hanging = await startHangingServer();
	redirecting = await startRedirectingServer('http://login.example.test');
	workDir = mkdtempSync(join(tmpdir(), 'genflows-cli-hardening-'));
	writeFileSync(join(workDir, 'cat.png'), makePng(7, 64, 48, 'a cat'));
	writeFileSync(join(workDir, 'empty.png'), new Uint8Array(0));
	writeFileSync(join(workDir, 'taken'), 'a file where a folder is wanted');
}, 30_000);
afterAll(async () => {
	await Promise.all([simulator.close(), guarded.close(), hanging.close(), redirecting.close()]);
	rmSync(workDir, { recursive: true, force: true });
});
afterEach(() => simulator.faults.clear());

let dirCount = 0;
const freshDir = () => join(workDir, `out-${++dirCount}`);
const lastEvent = (outcome: CliOutcome) => outcome.events[outcome.events.length - 1];

/** Nothing the command printed holds the password, nor its base64 in a Basic header. */
function expectNoSecret(outcome: CliOutcome): void {
	const printed = outcome.stdout + outcome.stderr;
	expect(printed).not.toContain(SECRET);
	expect(printed).not.toContain(Buffer.from(`admin:${SECRET}`).toString('base64'));
}

describe.each([denoRunner, nodeRunner])('genflows under $name, hardened', (runner: CliRunner) => {
	const url = () => ['--url', simulator.url];
	const withCredentials = (base: string) => base.replace('http://', `http://admin:${SECRET}@`);

	it('sends a user and password written into --url as Basic auth, and never prints them', async () => {
		const ok = await runCli(runner, ['visionatrix', 'flows', '--url', withCredentials(guarded.url)]);
		expect(ok.code).toBe(0);
		expect(guarded.requests.at(-1)).toMatchObject({ status: 200, user: 'admin' });
		expectNoSecret(ok);

		// Nothing listens there: the error names the address, with the password blanked out.
		const refused = await runCli(runner, ['visionatrix', 'flows', '--url', withCredentials(closedUrl)], { env: { VISIONATRIX_PASSWORD: 'unused' } });
		expect(refused.code).toBe(1);
		expect(refused.stderrLines[0]).toBe(`genflows: Could not connect to Visionatrix at ${closedUrl} (connection refused) for GET /vapi/flows/installed`);
		expect(refused.stderrLines[1]).toBe(`hint: Is the server running at that address (tried ${closedUrl.replace('http://', 'http://***@')})? Point --url or VISIONATRIX_URL at it.`);
		expectNoSecret(refused);

		const badUrl = await runCli(runner, ['visionatrix', 'flows', '--url', `ftp://admin:${SECRET}@127.0.0.1:21`]);
		expect(badUrl.code).toBe(2);
		expect(badUrl.stderrLines[0]).toContain('bad argument --url: The Visionatrix address "ftp://***@127.0.0.1:21" uses ftp://');
		expectNoSecret(badUrl);
	});

	it('ends the whole run at --timeout when the server never answers', async () => {
		const outcome = await runCli(runner, ['visionatrix', 'run', 'sdxl_lighting', '--input', 'prompt=x', '--timeout', '2', '--url', hanging.url]);
		expect(outcome.code).toBe(1);
		expect(outcome.stderrLines[0]).toBe('genflows: Visionatrix did not answer GET /vapi/flows/installed within the 2 s limit.');
		expect(lastEvent(outcome)).toMatchObject({ event: 'error', kind: 'deadline' });
	});

	it('keeps the files of a task that finished when a later one times out, names the real limit and deletes the rest', async () => {
		const out = freshDir();
		const outcome = await runCli(runner, ['visionatrix', 'run', 'sdxl_lighting', '--input', 'prompt=two', '--count', '2', '--seed', String(SLOW_SEED - 1), '--timeout', '3', '--out', out, ...url()]);
		expect(outcome.code).toBe(1);
		const [first, second] = outcome.events.find((event) => event.event === 'submitted')!.taskIds as number[];
		expect(readdirSync(out)).toEqual([`${first}_9_00001.png`]);
		expect(Buffer.from(readFileSync(join(out, `${first}_9_00001.png`))).equals(Buffer.from(simulator.resultBytes(first, 9, 0)))).toBe(true);
		expect(outcome.stderrLines[0]).toMatch(
			new RegExp(`^genflows: Visionatrix task ${second} did not finish within the 3 s timeout \\(last seen: .+\\)\\. Visionatrix task ${second} was cancelled on the server\\. Finished before this: task ${first}, whose results stay on the server\\.$`),
		);
		expect(simulator.task(second)).toBeUndefined();
	});

	it('finds the task when the answer to creating it is lost, instead of failing or creating it again', async () => {
		const before = simulator.createdCount();
		simulator.faults.add({ method: 'PUT', pathPrefix: '/vapi/tasks/create/', fault: { kind: 'drop-after' } });
		const outcome = await runCli(runner, ['visionatrix', 'run', 'sdxl_lighting', '--input', 'prompt=lost answer', '--out', freshDir(), ...url()]);
		expect(outcome.code).toBe(0);
		expect(simulator.createdCount()).toBe(before + 1);
		expect(outcome.events.filter((event) => event.event === 'saved')).toHaveLength(1);
	});

	it('says the task may exist when a lost create answer leaves nothing to find', async () => {
		simulator.faults.add({ method: 'PUT', pathPrefix: '/vapi/tasks/create/', fault: { kind: 'drop-before' } });
		const outcome = await runCli(runner, ['visionatrix', 'run', 'sdxl_lighting', '--input', 'prompt=unknown fate', ...url()]);
		expect(outcome.code).toBe(1);
		expect(outcome.stderrLines[0]).toMatch(/^genflows: The answer to creating a Visionatrix task of flow "sdxl_lighting" was lost \(.+\) after the request may have reached the server, and no task with these inputs was found\. The task may exist/);
		expect(outcome.stderrLines[1]).toBe('hint: Look for the newest task of "sdxl_lighting" (Get Many in n8n, or genflows visionatrix list --flow sdxl_lighting) before running it again.');
		expect(lastEvent(outcome)).toMatchObject({ event: 'error', kind: 'job-uncertain' });
	});

	it.each([
		[['run', 'sdxl_lighting', '--input', 'negative_prompt=rain'], '--input prompt', 'needs a value for its input "prompt" (Prompt)'],
		[['run', 'sdxl_lighting', '--input', 'prompt=x', '--file', 'negative_prompt=cat.png'], '--file negative_prompt', 'is a text input and takes a value, not a file'],
		[['run', 'remove_background_birefnet', '--file', 'input_image=empty.png'], '--file input_image', 'is empty (0 bytes)'],
		[['run', 'remove_background_birefnet', '--file', 'image=cat.png'], '--file image', 'has no input named "image"'],
		[['run', 'remove_background_birefnet', '--input', 'input_image=cat.png'], '--input input_image', 'takes a file (image), not the value "cat.png"'],
		[['run', 'sdxl_lighting', '--input', 'prompt=x', '--input', 'batch_size=2.5'], '--input batch_size', 'must be a whole number (its step is 1); got 2.5'],
		[['run', 'sdxl_lighting', '--input', 'prompt=x', '--count', 'abc'], '--count', '--count must be a whole number from 1 to 1000; got "abc"'],
		[['run', 'sdxl_lighting', '--input', 'prompt=x', '--out', 'taken'], '--out', '"taken" is a file (or lies under one), not a folder'],
		[['status', '0x1'], '<taskId>', '<taskId> must be a whole number of 1 or more; got "0x1"'],
		[['status', '1e3'], '<taskId>', 'got "1e3"'],
		[['flows', '--url', 'notaurl'], '--url', 'The Visionatrix address "notaurl" has no scheme (add http:// or https://)'],
		[['flows', '--url', 'gpu-box:8288'], '--url', '"gpu-box:8288" has no scheme'],
		[['flows', '--url', 'http://127.0.0.1:99999'], '--url', 'has the port 99999, but ports go up to 65535'],
		[['flows', '--url', 'ftp://127.0.0.1'], '--url', 'uses ftp://, but only http:// and https:// are supported'],
		[['flows', '--url', 'http://127.0.0.1:8288/vapi'], '--url', 'ends in /vapi, which is added to every request anyway: leave it out'],
		[['flows', '--password', 'p'], '--password', '--password needs a user name to go with it: add --user (or VISIONATRIX_USER)'],
	])('refuses %j before submitting anything, naming %s', async (args, argument, says) => {
		const before = simulator.createdCount();
		const hasUrl = args.includes('--url');
		const outcome = await runCli(runner, ['visionatrix', ...args, ...(hasUrl ? [] : url())], { cwd: workDir });
		expect(outcome.code).toBe(2);
		expect(outcome.stderrLines[0]).toMatch(new RegExp(`^genflows: bad argument ${argument.replace(/[<>]/g, '\\$&')}: `));
		expect(outcome.stderrLines[0]).toContain(says);
		expect(lastEvent(outcome)).toMatchObject({ event: 'error', kind: 'usage', argument });
		expect(simulator.createdCount()).toBe(before);
	});

	it('prints the final JSON error line for unknown options, missing values and missing arguments too', async () => {
		for (const args of [['visionatrix', 'flows', '--colour'], ['visionatrix', 'run', 'sdxl_lighting', '--out'], ['visionatrix', 'run']]) {
			const outcome = await runCli(runner, args);
			expect(outcome.code).toBe(2);
			expect(lastEvent(outcome)).toMatchObject({ event: 'error', exitCode: 2, kind: 'usage' });
		}
	});

	it('reports a redirect and where it points, not a 401', async () => {
		const outcome = await runCli(runner, ['visionatrix', 'flows', '--url', redirecting.url, '--user', 'admin', '--password', SECRET]);
		expect(outcome.code).toBe(1);
		expect(outcome.stderrLines[0]).toBe(
			'genflows: Visionatrix redirected GET /vapi/flows/installed to http://login.example.test/vapi/flows/installed (302). Set the address to the server that answers, without a redirect.',
		);
		expectNoSecret(outcome);
	});

	it('says that a plain-HTTP server does not speak TLS, and does not retry', async () => {
		const before = simulator.requests.length;
		const outcome = await runCli(runner, ['visionatrix', 'flows', '--url', simulator.url.replace('http://', 'https://')]);
		expect(outcome.code).toBe(1);
		expect(outcome.stderrLines[0]).toMatch(/^genflows: Could not connect to Visionatrix at https:\/\/127\.0\.0\.1:\d+ \(the server does not speak TLS: use http:\/\/ for it, or point https:\/\/ at a TLS port\)/);
		// The TLS hello is no HTTP request, so the simulator logs none; what matters is one try only.
		expect(simulator.requests.length).toBe(before);
	});

	it('says that the server is limiting requests, and when to try again', async () => {
		simulator.faults.add({ method: 'GET', pathPrefix: '/vapi/flows/installed', times: 4, fault: { kind: 'rate-limit', retryAfterSeconds: 1 } });
		const outcome = await runCli(runner, ['visionatrix', 'flows', ...url()]);
		expect(outcome.code).toBe(1);
		expect(outcome.stderrLines[0]).toBe('genflows: Visionatrix is limiting requests (429 Too Many Requests to GET /vapi/flows/installed); try again in 1 s.');
	});

	it('prints its version', async () => {
		const packageVersion = (JSON.parse(readFileSync(join(__dirname, '../../../package.json'), 'utf8')) as { version: string }).version;
		const outcome = await runCli(runner, ['--version']);
		expect({ code: outcome.code, stdout: outcome.stdout }).toEqual({ code: 0, stdout: `genflows ${packageVersion}\n` });
	});
});

describe('a new user without a server', () => {
	it('is told which address was tried and how to change it', async () => {
		const outcome = await runCli(nodeRunner, ['visionatrix', 'flows'], { env: { VISIONATRIX_URL: closedUrl } });
		expect(outcome.code).toBe(1);
		expect(outcome.stderrLines).toEqual([
			`genflows: Could not connect to Visionatrix at ${closedUrl} (connection refused) for GET /vapi/flows/installed`,
			`hint: Is the server running at that address (tried ${closedUrl})? Point --url or VISIONATRIX_URL at it.`,
		]);
	});

	it('is told when fetch refuses the port itself, at once', async () => {
		const outcome = await runCli(nodeRunner, ['visionatrix', 'flows', '--url', 'http://127.0.0.1:6000']);
		expect(outcome.code).toBe(1);
		expect(outcome.stderrLines[0]).toBe(
			'genflows: Could not connect to Visionatrix at http://127.0.0.1:6000 (fetch does not connect to this port, one that browsers block: run the server on another port) for GET /vapi/flows/installed',
		);
	});

	it('creates the --out folder before submitting', async () => {
		const out = join(freshDir(), 'nested', 'deeper');
		const outcome = await runCli(nodeRunner, ['visionatrix', 'run', 'sdxl_lighting', '--input', 'prompt=a fox', '--out', out, '--url', simulator.url]);
		expect(outcome.code).toBe(0);
		expect(readdirSync(out)).toHaveLength(1);
	});
});
