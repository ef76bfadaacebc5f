// `genflows pet-portrait` as a user runs it, under Deno from source and under Node from the build,
// against the Pet Portrait simulator behind an authenticating proxy (the server itself has no
// auth; --header gets a request, and the WebSocket, past a proxy in front). Every outcome is read
// from the process: exit code, JSON lines, stderr, and the files it saved.
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { encodeRgbPng } from '../../simulators/shared/picture/png.ts';
import type { PetPortraitSimulator, PetPortraitSimulatorOptions, SimSession } from '../../simulators/petPortrait/index.ts';
import { DEFAULT_FAILURE_TEXT, DEFAULT_NODE_COUNT, PET_TYPE_NODE, STYLE_NODE, startPetPortraitSimulator } from '../../simulators/petPortrait/index.ts';
import type { CliEvent, CliOutcome, CliRunner } from '../cliProcess.ts';
import { CliProcess, denoRunner, nodeRunner, runCli } from '../cliProcess.ts';
import type { AuthProxy } from './proxy.ts';
import { PROXY_REFUSAL, startAuthProxy } from './proxy.ts';

// The proxy's header. Not a value any default could produce, so a leak cannot hide behind one;
// "dummy" tells the secret scanners it guards nothing.
const HEADER_NAME = 'X-Proxy-Token';
const SECRET = 'pp-proxy-dummy-token-5d1e88';
const UNKNOWN_SESSION = '00000000-0000-4000-8000-000000000000';
const PHOTO = encodeRgbPng(3, 2, new Uint8Array(18).fill(180), 'a pet photo');

interface Server {
	sim: PetPortraitSimulator;
	proxy: AuthProxy;
	/** The connection options every command gets: through the proxy, with its header. */
	connection(): string[];
	close(): Promise<void>;
}

async function startServer(options: PetPortraitSimulatorOptions = {}): Promise<Server> {
	const sim = await startPetPortraitSimulator({ nodeMs: 30, ...options });
	const proxy = await startAuthProxy(sim.url, { name: HEADER_NAME, value: SECRET });
	return {
		sim,
		proxy,
		connection: () => ['--url', proxy.url, '--header', `${HEADER_NAME}: ${SECRET}`],
		async close() {
			await proxy.close();
			await sim.close();
		},
	};
}

/** A server for one test (its own queue, sessions and socket switches); closed however the test ends. */
async function withServer(options: PetPortraitSimulatorOptions, test: (server: Server) => Promise<void>): Promise<void> {
	const server = await startServer(options);
	try {
		await test(server);
	} finally {
		await server.close();
	}
}

let main: Server;
let workDir: string;
let photo: string;
/** Everything every command printed, checked at the end for the proxy's secret. */
const printed: string[] = [];

beforeAll(async () => {
	main = await startServer();
	workDir = mkdtempSync(join(tmpdir(), 'genflows-pet-portrait-'));
	photo = join(workDir, 'rex.png');
	writeFileSync(photo, PHOTO);
});
afterAll(async () => {
	await main.close();
	rmSync(workDir, { recursive: true, force: true });
});

let dirCount = 0;
const freshDir = () => join(workDir, `out-${++dirCount}`);
const bytesEqual = (a: Uint8Array | undefined, b: Uint8Array | undefined) => a !== undefined && b !== undefined && Buffer.from(a).equals(Buffer.from(b));
const lastEvent = (events: CliEvent[]) => events[events.length - 1];
const sessionIdOf = (events: CliEvent[]) => (events.find((event) => event.event === 'submitted')!.sessionIds as string[])[0];
const hasResult = (session: SimSession) => session.status === 'completed' && session.resultImage !== null;
/** The file name of a `/api/images/<name>?…` path. */
const fileNameOf = (resultImage: string) => decodeURIComponent(resultImage.replace(/^\/api\/images\//, '').replace(/\?.*$/, ''));

async function genflows(runner: CliRunner, args: string[], options?: ConstructorParameters<typeof CliProcess>[2]): Promise<CliOutcome> {
	const outcome = await runCli(runner, args, options);
	printed.push(outcome.stdout, outcome.stderr);
	return outcome;
}

async function finish(cli: CliProcess): Promise<CliOutcome> {
	const outcome = await cli.done();
	printed.push(outcome.stdout, outcome.stderr);
	return outcome;
}

/** The titles of the workflow's nodes, as workflow-info lists them: what a progress `stage` may be. */
async function nodeTitles(sim: PetPortraitSimulator): Promise<Set<string>> {
	const info = (await (await fetch(`${sim.url}/api/workflow-info`)).json()) as { nodeTypes: Array<{ title: string }> };
	return new Set(info.nodeTypes.map((node) => node.title));
}

/** What the server sent to a session's WebSocket that reached a socket. */
const delivered = (sim: PetPortraitSimulator, sessionId: string) => sim.ws.messages.filter((message) => message.clientId === `pet-portrait-${sessionId}` && message.delivered > 0);

/**
 * Checks a finished run's output: the saved file is the server's picture, byte for byte; returns its
 * name. The prompt id is known only to the process that started the run (no status carries it).
 */
function expectPortraitSaved(sim: PetPortraitSimulator, events: CliEvent[], sessionId: string, out: string, startedHere = true): string {
	const session = sim.sessions.get(sessionId)!;
	expect(hasResult(session)).toBe(true);
	const fileName = fileNameOf(session.resultImage!);
	const saved = events.filter((event) => event.event === 'saved');
	const promptId = startedHere ? { promptId: session.promptId } : {};
	expect(saved).toEqual([expect.objectContaining({ sessionId, resultImage: session.resultImage, ...promptId, path: join(out, fileName), fileName, mimeType: 'image/png' })]);
	if (!startedHere) expect(saved[0].promptId).toBeUndefined();
	const bytes = readFileSync(saved[0].path as string);
	expect(saved[0].bytes).toBe(bytes.length);
	expect(bytesEqual(bytes, sim.imageBytes(fileName))).toBe(true);
	return fileName;
}

describe.each([denoRunner, nodeRunner])('genflows pet-portrait under $name', (runner: CliRunner) => {
	const connection = () => main.connection();

	it('prints usage with --help (and is ready: Deno has fetched and compiled what it needs)', async () => {
		const { code, stdout } = await genflows(runner, ['pet-portrait', '--help']);
		expect(code).toBe(0);
		expect(stdout).toContain('usage: genflows pet-portrait <command>');
		for (const command of ['run', 'regenerate', 'status', 'results', 'image', 'info', 'health']) expect(stdout).toMatch(new RegExp(`^  ${command} +\\S`, 'm'));
		expect(stdout).toContain('PET_PORTRAIT_URL');
		expect(stdout).toContain('PET_PORTRAIT_HEADER');
		// It cannot cancel, and does not claim to.
		expect(stdout).toContain('130 stopped by Ctrl-C, 143 by SIGTERM (the remote job is not cancelled: this server cannot).');
		expect(stdout).not.toContain('after cancelling the remote job');

		const run = await genflows(runner, ['pet-portrait', 'run', '--help']);
		expect(run.code).toBe(0);
		expect(run.stdout).toContain('usage: genflows pet-portrait run --image PATH [--input nodeId=value]... [--out DIR] [--timeout S] [--json]');
		expect(run.stdout).toContain('the server finishes the portrait anyway');
	}, 60_000);

	it('uploads, generates, follows the WebSocket through the proxy and saves the portrait, byte for byte', async () => {
		const { sim, proxy } = main;
		const out = freshDir();
		const before = sim.generateCount();
		const seenBefore = proxy.seen.length;
		const { code, events, stderr, stdout } = await genflows(runner, ['pet-portrait', 'run', '--image', photo, '--input', `${PET_TYPE_NODE}=cat`, '--out', out, '--json', ...connection()]);
		expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
		expect(stdout.trim().split('\n')).toHaveLength(events.length);
		expect(sim.generateCount()).toBe(before + 1);

		const sessionId = sessionIdOf(events);
		const session = sim.sessions.get(sessionId)!;
		expect(events[0]).toEqual({ event: 'submitted', image: photo, sessionIds: [sessionId], promptId: session.promptId, totalNodes: DEFAULT_NODE_COUNT });
		expect(session.upload?.originalName).toBe('rex.png');
		expect(bytesEqual(session.upload?.bytes, PHOTO)).toBe(true);
		expect(session.generates).toEqual([expect.objectContaining({ route: 'generate', userInputs: { [PET_TYPE_NODE]: 'cat' } })]);
		expect(session.generates[0].texts[PET_TYPE_NODE]).toBe('cat');

		// Progress names the node being run and the percent; the last line is the success.
		const progress = events.filter((event) => event.event === 'progress');
		expect(progress.at(-1)).toMatchObject({ sessionId, phase: 'succeeded', progress: 100 });
		const running = progress.filter((event) => event.phase === 'running');
		expect(running.length).toBeGreaterThan(0);
		const titles = await nodeTitles(sim);
		const stages = running.map((event) => event.stage).filter((stage) => stage !== undefined);
		expect(stages.length).toBeGreaterThan(0);
		for (const stage of stages) expect(titles.has(stage as string) || stage === 'waiting for the result image').toBe(true);
		expect(running.every((event) => typeof event.progress === 'number' && event.progress >= 0 && event.progress <= 100)).toBe(true);

		const fileName = expectPortraitSaved(sim, events, sessionId, out);
		expect(readdirSync(out)).toEqual([fileName]);
		const saved = events.find((event) => event.event === 'saved')!;
		expect(lastEvent(events)).toEqual({
			event: 'result',
			image: photo,
			sessions: [{ sessionId, files: [{ path: saved.path, fileName, mimeType: 'image/png', bytes: saved.bytes }] }],
		});

		// The WebSocket was open through the proxy (which refuses it without the header) and heard the run.
		expect(delivered(sim, sessionId).length).toBeGreaterThan(0);
		const seen = proxy.seen.slice(seenBefore);
		expect(seen.some((entry) => entry.upgrade && entry.url.includes(`clientId=pet-portrait-${sessionId}`))).toBe(true);
		expect(seen.every((entry) => entry.authorized)).toBe(true);
	});

	it('regenerates a session with new inputs, then shows its status, saves its results and fetches its pictures', async () => {
		const { sim } = main;
		const out = freshDir();
		const first = await genflows(runner, ['pet-portrait', 'run', '--image', photo, '--out', out, ...connection()]);
		expect({ code: first.code, stderr: first.stderr }).toEqual({ code: 0, stderr: '' });
		const sessionId = sessionIdOf(first.events);
		const firstName = expectPortraitSaved(sim, first.events, sessionId, out);
		const before = sim.generateCount();

		const again = await genflows(runner, ['pet-portrait', 'regenerate', sessionId, '--input', `${STYLE_NODE}=watercolor`, '--input', `${PET_TYPE_NODE}=`, '--out', out, ...connection()]);
		expect({ code: again.code, stderr: again.stderr }).toEqual({ code: 0, stderr: '' });
		expect(sim.generateCount()).toBe(before + 1);
		expect(sessionIdOf(again.events)).toBe(sessionId);
		const session = sim.sessions.get(sessionId)!;
		expect(session.generates.map((entry) => entry.route)).toEqual(['generate', 'regenerate']);
		// An empty value keeps the workflow's default: it is not sent.
		expect(session.generates[1].userInputs).toEqual({ [STYLE_NODE]: 'watercolor' });
		expect(again.events[0]).toMatchObject({ event: 'submitted', sessionIds: [sessionId], promptId: session.promptId });
		const secondName = expectPortraitSaved(sim, again.events, sessionId, out);
		expect(secondName).not.toBe(firstName);
		expect(readdirSync(out).sort()).toEqual([firstName, secondName].sort());

		const status = await genflows(runner, ['pet-portrait', 'status', sessionId, ...connection()]);
		expect(status.code).toBe(0);
		expect(lastEvent(status.events)).toMatchObject({
			event: 'result',
			phase: 'succeeded',
			session: { sessionId, status: 'completed', progress: 100, resultImage: session.resultImage, promptId: null, totalNodes: DEFAULT_NODE_COUNT },
		});

		// The same portrait again into the same folder: a new name, nothing overwritten.
		const results = await genflows(runner, ['pet-portrait', 'results', sessionId, '--out', out, ...connection()]);
		expect(results.code).toBe(0);
		const numbered = secondName.replace(/\.png$/, '-1.png');
		expect(results.events.filter((event) => event.event === 'saved').map((event) => event.path)).toEqual([join(out, numbered)]);
		expect(bytesEqual(readFileSync(join(out, numbered)), sim.imageBytes(secondName))).toBe(true);

		// `image` by the resultImage path, by the bare file name, and the uploaded photo by --type input.
		const images = freshDir();
		const byPath = await genflows(runner, ['pet-portrait', 'image', session.resultImage!, '--out', images, ...connection()]);
		expect(byPath.code).toBe(0);
		expect(lastEvent(byPath.events)).toEqual({
			event: 'result',
			image: session.resultImage,
			files: [{ path: join(images, secondName), fileName: secondName, mimeType: 'image/png', bytes: sim.imageBytes(secondName)!.length }],
		});
		expect(bytesEqual(readFileSync(join(images, secondName)), sim.imageBytes(secondName))).toBe(true);

		const byName = await genflows(runner, ['pet-portrait', 'image', firstName, '--out', images, ...connection()]);
		expect(byName.code).toBe(0);
		expect(bytesEqual(readFileSync(join(images, firstName)), sim.imageBytes(firstName))).toBe(true);

		const stored = session.upload!.storedName;
		const input = await genflows(runner, ['pet-portrait', 'image', stored, '--type', 'input', '--out', images, ...connection()]);
		expect(input.code).toBe(0);
		expect(bytesEqual(readFileSync(join(images, stored)), PHOTO)).toBe(true);
	});

	it('finishes by polling when the server takes no WebSocket', async () => {
		await withServer({}, async ({ sim, connection }) => {
			sim.ws.enabled = false;
			const out = freshDir();
			const { code, events, stderrLines } = await genflows(runner, ['pet-portrait', 'run', '--image', photo, '--out', out, ...connection()]);
			expect(code).toBe(0);
			const sessionId = sessionIdOf(events);
			expectPortraitSaved(sim, events, sessionId, out);
			expect(sim.requests.filter((request) => request.path === '/ws').map((request) => [request.status, request.query.clientId])).toEqual([[404, `pet-portrait-${sessionId}`]]);
			expect(delivered(sim, sessionId)).toEqual([]);
			expect(sim.ws.messages.filter((message) => message.clientId === `pet-portrait-${sessionId}`).length).toBeGreaterThan(0);
			// One warning says so; nothing else is on stderr.
			expect(stderrLines).toEqual([expect.stringMatching(/^genflows: warning: Pet Portrait: .*WebSocket .* session [-0-9a-f]+ is followed by polling alone$/)]);
			expect(sim.generateCount()).toBe(1);
		});
	});

	it('finishes when the result message is lost: the status names the portrait', async () => {
		await withServer({}, async ({ sim, connection }) => {
			sim.ws.dropNextResult();
			const out = freshDir();
			const { code, events, stderr } = await genflows(runner, ['pet-portrait', 'run', '--image', photo, '--out', out, ...connection()]);
			expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
			const sessionId = sessionIdOf(events);
			expectPortraitSaved(sim, events, sessionId, out);
			const results = sim.ws.messages.filter((message) => message.type === 'result' && message.clientId === `pet-portrait-${sessionId}`);
			expect(results[0]).toMatchObject({ dropped: true, delivered: 0 });
			// The socket heard the rest of the run: it was the result alone that went missing.
			expect(delivered(sim, sessionId).length).toBeGreaterThan(0);
			expect(sim.generateCount()).toBe(1);
		});
	});

	it("exits 1 with the server's message when the portrait fails", async () => {
		const { sim } = main;
		const before = sim.generateCount();
		const { code, events, stderrLines } = await genflows(runner, ['pet-portrait', 'run', '--image', photo, '--input', `${PET_TYPE_NODE}=FAIL dog`, '--out', freshDir(), ...connection()]);
		expect(code).toBe(1);
		const sessionId = sessionIdOf(events);
		expect(stderrLines).toEqual([`genflows: Pet Portrait session ${sessionId} failed: ${DEFAULT_FAILURE_TEXT} (at node "KSampler")`]);
		expect(lastEvent(events)).toMatchObject({ event: 'error', exitCode: 1, kind: 'job-failed', serverMessage: `${DEFAULT_FAILURE_TEXT} (at node "KSampler")` });
		expect(events.some((event) => event.event === 'saved')).toBe(false);
		expect(sim.sessions.get(sessionId)!.status).toBe('failed');
		expect(sim.generateCount()).toBe(before + 1);

		const status = await genflows(runner, ['pet-portrait', 'status', sessionId, ...connection()]);
		expect(status.code).toBe(0);
		expect(lastEvent(status.events)).toMatchObject({ phase: 'failed', session: { sessionId, status: 'failed' } });
		const results = await genflows(runner, ['pet-portrait', 'results', sessionId, ...connection()]);
		expect(results.code).toBe(1);
		expect(results.stderrLines[0]).toMatch(new RegExp(`^genflows: Pet Portrait session ${sessionId} failed: `));
		expect(results.events.some((event) => event.event === 'saved')).toBe(false);
	});

	it('exits 1, saying the server forgot the session, when the server restarts mid-job', async () => {
		await withServer({ nodeMs: 60 }, async ({ sim, connection }) => {
			const cli = new CliProcess(runner, ['pet-portrait', 'run', '--image', photo, '--out', freshDir(), ...connection()]);
			const running = await cli.untilEvent((event) => event.event === 'progress' && event.phase === 'running');
			const sessionId = running.sessionId as string;
			sim.restart();
			const { code, events, stderrLines } = await finish(cli);
			expect(code).toBe(1);
			expect(stderrLines.at(-1)).toBe(
				`genflows: Pet Portrait session ${sessionId} failed: it no longer exists on the server (Session not found; the server has forgotten this session: it was restarted, or the session expired (sessions are removed after 24 h of inactivity))`,
			);
			expect(lastEvent(events)).toMatchObject({ event: 'error', exitCode: 1, kind: 'job-failed' });
			// Nothing was started again.
			expect(sim.generateCount()).toBe(1);
		});
	});

	it('stops on Ctrl-C (SIGINT) with 130, saying the server finishes the portrait anyway', async () => {
		await withServer({ nodeMs: 60 }, async ({ sim, connection }) => {
			const cli = new CliProcess(runner, ['pet-portrait', 'run', '--image', photo, '--out', freshDir(), ...connection()]);
			const running = await cli.untilEvent((event) => event.event === 'progress' && event.phase === 'running');
			const sessionId = running.sessionId as string;
			cli.child.kill('SIGINT');
			const outcome = await finish(cli);
			expect(outcome.code).toBe(130);
			expect(outcome.stderrLines).toEqual([
				'genflows: SIGINT: stopping; Pet Portrait cannot cancel a run, so a portrait already started finishes on the server anyway.',
				`genflows: interrupted (SIGINT): Stopped waiting for Pet Portrait session ${sessionId}. Pet Portrait cannot cancel a run: the server finishes the portrait of session ${sessionId} anyway, and it can be fetched later by the session id (until the session expires).`,
			]);
			expect(lastEvent(outcome.events)).toMatchObject({ event: 'error', exitCode: 130, kind: 'interrupted', cancel: { status: 'not-supported' } });
			expect(outcome.events.some((event) => event.event === 'saved')).toBe(false);

			// As said: the server finishes it, and it is there to fetch by the session id. One generate only.
			await sim.waitFor(sessionId, hasResult, 20_000);
			const out = freshDir();
			const results = await genflows(runner, ['pet-portrait', 'results', sessionId, '--out', out, ...connection()]);
			expect(results.code).toBe(0);
			expectPortraitSaved(sim, results.events, sessionId, out, false);
			expect(sim.generateCount()).toBe(1);
		});
	});

	it("shows the workflow's inputs and the server's health", async () => {
		const info = await genflows(runner, ['pet-portrait', 'info', ...connection()]);
		expect(info.code).toBe(0);
		const workflow = lastEvent(info.events);
		expect(workflow).toMatchObject({ event: 'result', totalNodes: DEFAULT_NODE_COUNT, aspectRatio: { width: 832, height: 1216 }, userInputsListed: true });
		expect(workflow.userInputs).toEqual([
			{ nodeId: PET_TYPE_NODE, type: 'text', title: 'Pet Type Input', description: 'Enter the type of pet (e.g., dog, cat, bird)', defaultValue: 'dog' },
			{ nodeId: STYLE_NODE, type: 'text', title: 'Style', description: 'Enter the art style (e.g., oil painting, watercolor)', defaultValue: 'oil painting' },
		]);
		expect(workflow.nodeTypes).toHaveLength(DEFAULT_NODE_COUNT);

		const health = await genflows(runner, ['pet-portrait', 'health', ...connection()]);
		expect(health.code).toBe(0);
		expect(lastEvent(health.events)).toEqual({ event: 'result', status: 'ok', message: 'Pet Portrait Generator API is running' });
	});

	describe('bad arguments', () => {
		let notAPicture: string;
		let empty: string;
		beforeAll(() => {
			mkdirSync(workDir, { recursive: true });
			notAPicture = join(workDir, `invoice-${runner.name}.png`);
			writeFileSync(notAPicture, '%PDF-1.7 an invoice');
			empty = join(workDir, `empty-${runner.name}.png`);
			writeFileSync(empty, '');
		});
		/** `{photo}`, `{pdf}`, `{empty}` and `{url}` stand for what exists only once the server and files do. */
		const filled = (args: string[]) =>
			args.map((arg) => arg.replace('{photo}', photo).replace('{pdf}', notAPicture).replace('{empty}', empty).replace('{url}', main.proxy.url));

		it.each([
			[['run'], '--image', /--image is missing/],
			[['run', '--image', '/no/such/photo.png'], '--image', /cannot read "\/no\/such\/photo\.png"/],
			[['run', '--image', '{pdf}'], '--image', /"invoice-\w+\.png" \(image\/png\) is not an image: expected a PNG, JPEG/],
			[['run', '--image', '{empty}'], '--image', /is empty \(0 bytes\)/],
			[['run', '--image', '{photo}', '--input', '9999=cat'], '--input 9999', /no node "9999".*text inputs: 229 \("Pet Type Input"\), 230 \("Style"\)/],
			[['run', '--image', '{photo}', '--input', `${PET_TYPE_NODE}`], '--input', /--input wants name=value; got "229"/],
			[['run', '--image', '{photo}', '--timeout', 'soon'], '--timeout', /whole number/],
			[['regenerate', UNKNOWN_SESSION], '<sessionId>', new RegExp(`does not know session ${UNKNOWN_SESSION} \\(404: Session not found\\)`)],
			[['regenerate', ' '], '<sessionId>', /<sessionId> is empty/],
			[['status', UNKNOWN_SESSION], '<sessionId>', new RegExp(`does not know session ${UNKNOWN_SESSION} \\(404: Session not found\\): the server has forgotten it \\(it was restarted`)],
			[['results', UNKNOWN_SESSION], '<sessionId>', new RegExp(`does not know session ${UNKNOWN_SESSION} \\(404: Session not found\\)`)],
			[['image', '/api/other/x.png'], '<image>', /neither an image path of this server/],
			[['image', 'x.png', '--type', 'temp'], '--type', /--type must be output or input; got "temp"/],
			[['run', '--image', '{photo}', '--url', '127.0.0.1:3000'], '--url', /has no scheme/],
			[['health', '--url', '{url}/api'], '--url', /ends in \/api/],
		])('exits 2 on %j, naming %s, with nothing uploaded or generated', async (args, argument, message) => {
			const { sim } = main;
			const generated = sim.generateCount();
			const sessions = sim.sessions.all().length;
			// The connection first, so that a bad --url among the arguments wins over it.
			const [command, ...rest] = filled(args);
			const { code, stderrLines, events } = await genflows(runner, ['pet-portrait', command, ...connection(), ...rest]);
			expect(code).toBe(2);
			expect(stderrLines).toHaveLength(2);
			expect(stderrLines[0]).toMatch(new RegExp(`^genflows: bad argument ${argument.replace(/[<>]/g, '\\$&')}: `));
			expect(stderrLines[0]).toMatch(message);
			expect(stderrLines[1]).toMatch(new RegExp(`^usage: genflows pet-portrait ${command} `));
			expect(lastEvent(events)).toMatchObject({ event: 'error', exitCode: 2, kind: 'usage', argument });
			expect(sim.generateCount()).toBe(generated);
			expect(sim.sessions.all()).toHaveLength(sessions);
		});

		it('exits 2 without an address, naming --url and the variable', async () => {
			const { code, stderrLines } = await genflows(runner, ['pet-portrait', 'health']);
			expect(code).toBe(2);
			expect(stderrLines[0]).toBe("genflows: bad argument --url: no server address: pass --url or set PET_PORTRAIT_URL (the server's root, e.g. http://localhost:3000)");
		});

		it('refuses a --header that is no "Name: value", without repeating it', async () => {
			const pasted = `Bearer ${SECRET}`;
			const bad = await genflows(runner, ['pet-portrait', 'health', '--url', main.proxy.url, '--header', pasted]);
			expect(bad.code).toBe(2);
			expect(bad.stderrLines[0]).toMatch(/^genflows: bad argument --header: --header wants "Name: value"/);
			expect(bad.stdout + bad.stderr).not.toContain(SECRET);

			const broken = await genflows(runner, ['pet-portrait', 'health', '--url', main.proxy.url, '--header', `${HEADER_NAME}: ${SECRET}\u00e9`]);
			expect(broken.code).toBe(2);
			expect(broken.stderrLines[0]).toMatch(/^genflows: bad argument --header: the value of --header X-Proxy-Token holds characters/);
			expect(broken.stdout + broken.stderr).not.toContain(SECRET);
		});
	});

	describe('the proxy header', () => {
		it('takes the address and the header from PET_PORTRAIT_URL and PET_PORTRAIT_HEADER', async () => {
			const env = { PET_PORTRAIT_URL: main.proxy.url, PET_PORTRAIT_HEADER: `${HEADER_NAME}: ${SECRET}` };
			const { code, stderr, events } = await genflows(runner, ['pet-portrait', 'health'], { env });
			expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
			expect(lastEvent(events)).toMatchObject({ event: 'result', status: 'ok' });
		});

		it("exits 1 with the proxy's refusal when the header is missing or wrong, never quoting it", async () => {
			const missing = await genflows(runner, ['pet-portrait', 'health', '--url', main.proxy.url]);
			expect(missing.code).toBe(1);
			expect(missing.stderrLines[0]).toBe(`genflows: Pet Portrait answered 401 to GET /api/health: ${PROXY_REFUSAL}`);

			const wrong = 'pp-wrong-dummy-token-0000';
			const refused = await genflows(runner, ['pet-portrait', 'health', '--url', main.proxy.url, '--header', `${HEADER_NAME}: ${wrong}`]);
			expect(refused.code).toBe(1);
			expect(refused.stderrLines[0]).toBe(`genflows: Pet Portrait answered 401 to GET /api/health: ${PROXY_REFUSAL}`);
			expect(refused.stdout + refused.stderr).not.toContain(wrong);
		});
	});
});

describe('the proxy secret', () => {
	it('went with every request the CLI sent through the proxy, and was never printed', () => {
		expect(main.proxy.seen.filter((entry) => entry.authorized).length).toBeGreaterThan(0);
		expect(main.proxy.seen.some((entry) => entry.upgrade && entry.authorized)).toBe(true);
		expect(printed.length).toBeGreaterThan(0);
		for (const text of printed) expect(text).not.toContain(SECRET);
	});
});

describe('genflows pet-portrait under Deno without --allow-env', () => {
	it('says which variables it could not read', async () => {
		const env = { PET_PORTRAIT_URL: main.proxy.url, PET_PORTRAIT_HEADER: `${HEADER_NAME}: ${SECRET}` };
		const outcome = await runCli(denoRunner, ['pet-portrait', 'health'], { env, allowEnv: false });
		printed.push(outcome.stdout, outcome.stderr);
		expect(outcome.code).toBe(2);
		expect(outcome.stderrLines[0]).toBe(
			'genflows: warning: Deno runs without --allow-env, so PET_PORTRAIT_URL, PET_PORTRAIT_HEADER was not read; pass it as a flag or allow it (--allow-env=PET_PORTRAIT_URL,PET_PORTRAIT_HEADER).',
		);
		const withFlags = await runCli(denoRunner, ['pet-portrait', 'health', ...main.connection()], { env, allowEnv: false });
		expect({ code: withFlags.code, stderr: withFlags.stderr }).toEqual({ code: 0, stderr: '' });
	});
});
