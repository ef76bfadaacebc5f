// `genflows invokeai` as a user runs it, under Deno from source and under Node from the build,
// against the InvokeAI simulator (HTTP and Socket.IO on real sockets). Every outcome is read from
// the process: exit code, JSON lines, stderr, and the files it saved.
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { loadDefaultWorkflow } from '../../helpers/invokeaiFixtures.ts';
import type { InvokeAiSimulator, InvokeAiSimulatorOptions } from '../../simulators/invokeai/index.ts';
import { DEFAULT_FAILURE_TEXT, DEFAULT_USERS, startInvokeAiSimulator } from '../../simulators/invokeai/index.ts';
import { encodeRgbPng } from '../../simulators/shared/picture/png.ts';
import type { CliEvent, CliOutcome, CliRunner } from '../cliProcess.ts';
import { CliProcess, denoRunner, nodeRunner, runCli } from '../cliProcess.ts';

const SDXL_MODEL = 'Juggernaut XL v9';
const SDXL_VAE = 'FLUX.1-schnell_ae';
const SDXL = 'Text to Image - SDXL';
/** Nodes of the SDXL workflow: the string node behind "Positive Prompt", and the denoise node (steps, not in the form). */
const POSITIVE_PROMPT = 'ade2c0d3-0384-4157-b39b-29ce429cfa15';
const DENOISE = '50a36525-3c0a-4cc5-977c-e4bfc3fd6dfb';
const SDXL_SETS = ['--set', `Model=${SDXL_MODEL}`, '--set', `VAE (use the FP16 model)=${SDXL_VAE}`];
const FLUX_I2I_SETS = [
	'--set',
	'Model (dev variant recommended for Image-to-Image)=FLUX Schnell (Quantized)',
	'--set',
	'T5 Encoder=t5_bnb_int8_quantized_encoder',
	'--set',
	'CLIP Embed=clip-vit-large-patch14',
	'--set',
	'VAE=FLUX.1-schnell_ae',
];
const PICTURE = encodeRgbPng(4, 3, new Uint8Array(36).fill(90), 'a cat');
const ADMIN = DEFAULT_USERS[0];

let sim: InvokeAiSimulator;
let workDir: string;
let sdxlFile: string;
let fluxFile: string;
let picture: string;
/** Everything every command printed, checked at the end for secrets. */
const printed: string[] = [];
const secrets: string[] = [];

beforeAll(async () => {
	sim = await startInvokeAiSimulator({ nodeMs: 2, startDelayMs: 5 });
	workDir = mkdtempSync(join(tmpdir(), 'genflows-invokeai-'));
	sdxlFile = join(workDir, 'sdxl.json');
	writeFileSync(sdxlFile, JSON.stringify(loadDefaultWorkflow(SDXL)));
	fluxFile = join(workDir, 'flux-i2i.json');
	writeFileSync(fluxFile, JSON.stringify(loadDefaultWorkflow('FLUX Image to Image')));
	picture = join(workDir, 'cat.png');
	writeFileSync(picture, PICTURE);
});
afterAll(async () => {
	await sim.close();
	rmSync(workDir, { recursive: true, force: true });
	// Checked once every runner has run: no token or password ever reached stdout or stderr.
	for (const secret of secrets) expect(printed.join('\n')).not.toContain(secret);
});

let dirCount = 0;
const freshDir = () => join(workDir, `out-${++dirCount}`);
const lastEvent = (events: CliEvent[]) => events[events.length - 1];
const itemIdsOf = (events: CliEvent[]) => events.find((event) => event.event === 'submitted')!.item_ids as number[];
const bytesEqual = (a: Uint8Array | undefined, b: Uint8Array | undefined) => a !== undefined && b !== undefined && Buffer.from(a).equals(Buffer.from(b));
const url = (server: InvokeAiSimulator = sim) => ['--url', server.url];

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

async function withSimulator(options: InvokeAiSimulatorOptions, test: (server: InvokeAiSimulator) => Promise<void>): Promise<void> {
	const server = await startInvokeAiSimulator({ nodeMs: 2, startDelayMs: 5, ...options });
	try {
		await test(server);
	} finally {
		await server.close();
	}
}

/** The images a finished run saved: each one the server's image, byte for byte; returns the image names. */
function expectImagesSaved(server: InvokeAiSimulator, events: CliEvent[], out: string, count: number): string[] {
	const saved = events.filter((event) => event.event === 'saved');
	expect(saved).toHaveLength(count);
	for (const event of saved) {
		expect(event.path).toBe(join(out, event.fileName as string));
		const bytes = readFileSync(event.path as string);
		expect(event.bytes).toBe(bytes.length);
		expect(bytesEqual(bytes, server.imageBytes(event.imageName as string))).toBe(true);
	}
	expect(readdirSync(out).sort()).toEqual(saved.map((event) => event.fileName as string).sort());
	return saved.map((event) => event.imageName as string);
}

type GraphNodes = Record<string, Record<string, unknown>>;
const graphOf = (server: InvokeAiSimulator, itemId: number) => (server.item(itemId)?.session.graph as unknown as { nodes: GraphNodes }).nodes;
const nodesOfType = (server: InvokeAiSimulator, itemId: number, type: string) => Object.values(graphOf(server, itemId)).filter((node) => node.type === type);

async function libraryId(name: string): Promise<string> {
	const list = (await (await fetch(`${sim.url}/api/v1/workflows/?categories=default&per_page=100`)).json()) as { items: Array<{ workflow_id: string; name: string }> };
	return list.items.find((item) => item.name === name)!.workflow_id;
}

describe.each([denoRunner, nodeRunner])('genflows invokeai under $name', (runner: CliRunner) => {
	it('prints usage with --help', async () => {
		const { code, stdout } = await genflows(runner, ['invokeai', '--help']);
		expect(code).toBe(0);
		for (const command of ['run', 'inputs', 'status', 'results', 'cancel', 'models', 'boards', 'workflows']) expect(stdout).toMatch(new RegExp(`^  ${command} +\\S`, 'm'));
		for (const variable of ['INVOKEAI_URL', 'INVOKEAI_TOKEN', 'INVOKEAI_EMAIL', 'INVOKEAI_PASSWORD']) expect(stdout).toContain(variable);
		const run = await genflows(runner, ['invokeai', 'run', '--help']);
		expect(run.code).toBe(0);
		expect(run.stdout).toContain('usage: genflows invokeai run <workflow> [--set name=value]... [--file name=path]... [--runs N] [--board NAME] [--out DIR] [--timeout S]');
	}, 60_000);

	it('runs a workflow file with a prompt and a model by name, saving its image byte for byte', async () => {
		const out = freshDir();
		const { code, events, stderr } = await genflows(runner, ['invokeai', 'run', sdxlFile, ...url(), ...SDXL_SETS, '--set', 'Positive Prompt=a lighthouse at dusk', '--set', `${DENOISE}.steps=12`, '--out', out, '--json']);
		expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
		const [itemId] = itemIdsOf(events);
		expect(events.find((event) => event.event === 'submitted')).toMatchObject({ file: sdxlFile, workflowName: SDXL, item_ids: [itemId], batchId: expect.any(String) });
		const item = sim.item(itemId)!;
		expect(item.status).toBe('completed');
		expect(item.origin).toBe('genflows-cli');
		expect(nodesOfType(sim, itemId, 'sdxl_model_loader')[0].model).toMatchObject({ name: SDXL_MODEL, base: 'sdxl', type: 'main' });
		expect(graphOf(sim, itemId)[POSITIVE_PROMPT].value).toBe('a lighthouse at dusk');
		expect(graphOf(sim, itemId)[DENOISE].steps).toBe(12);
		const [imageName] = expectImagesSaved(sim, events, out, 1);
		expect(events.find((event) => event.event === 'saved')).toMatchObject({ itemId, imageName, mimeType: 'image/png' });
		expect(lastEvent(events)).toMatchObject({ event: 'result', file: sdxlFile, 'queue items': [{ item_id: itemId, files: [expect.objectContaining({ fileName: `${imageName}` })] }] });

		// Run again into the same folder: the new image is saved beside the first, which stays.
		const again = await genflows(runner, ['invokeai', 'run', sdxlFile, ...url(), ...SDXL_SETS, '--out', out, '--json']);
		expect(again.code).toBe(0);
		expect(readdirSync(out)).toHaveLength(2);
	}, 60_000);

	it("runs a workflow from the server's library by id, twice with --runs, into a board made by name", async () => {
		const id = await libraryId(SDXL);
		const out = freshDir();
		const board = `Lighthouses ${runner.name}`;
		const { code, events, stderr } = await genflows(runner, ['invokeai', 'run', id, ...url(), ...SDXL_SETS, '--runs', '2', '--board', board, '--out', out, '--json']);
		expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
		const itemIds = itemIdsOf(events);
		expect(itemIds).toHaveLength(2);
		expect(events.find((event) => event.event === 'submitted')).toMatchObject({ workflowId: id, workflowName: SDXL });
		expect(itemIds.map((itemId) => sim.item(itemId)?.status)).toEqual(['completed', 'completed']);
		const names = expectImagesSaved(sim, events, out, 2);
		const created = events.find((event) => event.event === 'board-created');
		expect(created).toMatchObject({ board_name: board, board_id: expect.any(String) });
		for (const name of names) expect(sim.images().find((image) => image.image_name === name)?.board_id).toBe(created!.board_id);

		const boards = await genflows(runner, ['invokeai', 'boards', ...url(), '--json']);
		expect(boards.code).toBe(0);
		expect(lastEvent(boards.events).boards).toContainEqual(expect.objectContaining({ board_id: created!.board_id, board_name: board, image_count: 2 }));
	}, 60_000);

	it('uploads --file for an image input', async () => {
		const out = freshDir();
		const { code, events, stderr } = await genflows(runner, ['invokeai', 'run', fluxFile, ...url(), ...FLUX_I2I_SETS, '--file', `Image=${picture}`, '--out', out, '--json']);
		expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
		const [itemId] = itemIdsOf(events);
		const imageName = (graphOf(sim, itemId)['2981a67c-480f-4237-9384-26b68dbf912b'].image as { image_name: string }).image_name;
		// The upload is our picture, byte for byte, and the output is another image.
		expect(bytesEqual(sim.imageBytes(imageName), PICTURE)).toBe(true);
		const [output] = expectImagesSaved(sim, events, out, 1);
		expect(output).not.toBe(imageName);
	}, 60_000);

	it("lists a workflow's inputs with their labels, node ids, types and values", async () => {
		const { code, events } = await genflows(runner, ['invokeai', 'inputs', sdxlFile, ...url(), '--json']);
		expect(code).toBe(0);
		const inputs = lastEvent(events).inputs as Array<Record<string, unknown>>;
		expect(inputs.map((input) => input.position)).toEqual(inputs.map((_, index) => index + 1));
		expect(inputs).toContainEqual(expect.objectContaining({ position: 1, label: 'Positive Prompt', kind: 'string', nodeId: POSITIVE_PROMPT, fieldName: 'value', value: expect.any(String) }));
		expect(inputs).toContainEqual(expect.objectContaining({ label: 'Model', kind: 'model', required: true }));
		const library = await genflows(runner, ['invokeai', 'inputs', await libraryId(SDXL), ...url(), '--json']);
		expect(lastEvent(library.events).inputs).toEqual(inputs);
	}, 60_000);

	it('reads status and results of a finished item, and lists models and workflows', async () => {
		const first = await genflows(runner, ['invokeai', 'run', sdxlFile, ...url(), ...SDXL_SETS, '--out', freshDir(), '--json']);
		const [itemId] = itemIdsOf(first.events);
		const status = await genflows(runner, ['invokeai', 'status', String(itemId), ...url(), '--json']);
		expect(status.code).toBe(0);
		expect(lastEvent(status.events)).toMatchObject({ phase: 'succeeded', 'queue item': { item_id: itemId, status: 'completed' } });

		const out = freshDir();
		const results = await genflows(runner, ['invokeai', 'results', String(itemId), ...url(), '--out', out, '--json']);
		expect(results.code).toBe(0);
		expectImagesSaved(sim, results.events, out, 1);
		expect(lastEvent(results.events)).toMatchObject({ item_id: itemId, files: [expect.any(Object)] });

		const models = await genflows(runner, ['invokeai', 'models', ...url(), '--base', 'sdxl', '--type', 'main', '--json']);
		expect(models.code).toBe(0);
		const listed = lastEvent(models.events).models as Array<{ name: string; base: string; type: string }>;
		expect(listed.map((model) => model.name)).toContain(SDXL_MODEL);
		expect(listed.every((model) => model.base === 'sdxl' && model.type === 'main')).toBe(true);

		const workflows = await genflows(runner, ['invokeai', 'workflows', ...url(), '--json']);
		expect(workflows.code).toBe(0);
		expect(lastEvent(workflows.events).workflows).toContainEqual(expect.objectContaining({ workflow_id: await libraryId(SDXL), name: SDXL }));
	}, 60_000);

	it("exits 1 with the server's error when an item fails", async () => {
		const out = freshDir();
		const { code, events, stderr } = await genflows(runner, ['invokeai', 'run', sdxlFile, ...url(), ...SDXL_SETS, '--set', 'Positive Prompt=FAIL here', '--out', out, '--json']);
		expect(code).toBe(1);
		const [itemId] = itemIdsOf(events);
		expect(sim.item(itemId)?.status).toBe('failed');
		expect(stderr).toContain(DEFAULT_FAILURE_TEXT);
		expect(lastEvent(events)).toMatchObject({ event: 'error', kind: 'job-failed' });
		expect(readdirSync(out)).toEqual([]);
		// status says so too, and results refuses.
		const status = await genflows(runner, ['invokeai', 'status', String(itemId), ...url(), '--json']);
		expect(lastEvent(status.events)).toMatchObject({ phase: 'failed', 'queue item': { item_id: itemId, status: 'failed', error_message: DEFAULT_FAILURE_TEXT } });
		expect((await genflows(runner, ['invokeai', 'results', String(itemId), ...url(), '--out', out])).code).toBe(1);
	}, 60_000);

	it('cancels a pending item with `cancel`, and the run waiting for it exits 1', async () => {
		await withSimulator({ paused: true }, async (server) => {
			const cli = new CliProcess(runner, ['invokeai', 'run', sdxlFile, ...url(server), ...SDXL_SETS, '--out', freshDir(), '--json']);
			const submitted = await cli.untilEvent((event) => event.event === 'submitted');
			const [itemId] = submitted.item_ids as number[];
			const cancel = await genflows(runner, ['invokeai', 'cancel', String(itemId), ...url(server), '--json']);
			expect(cancel.code).toBe(0);
			expect(lastEvent(cancel.events)).toMatchObject({ item_id: itemId, cancelled: true });
			const run = await finish(cli);
			expect(run.code).toBe(1);
			expect(run.stderr).toContain('cancelled on the server');
			expect(server.item(itemId)?.status).toBe('canceled');
		});
	}, 60_000);

	it('cancels its queue item on Ctrl-C and exits 130', async () => {
		await withSimulator({ paused: true }, async (server) => {
			const cli = new CliProcess(runner, ['invokeai', 'run', sdxlFile, ...url(server), ...SDXL_SETS, '--out', freshDir(), '--json']);
			const submitted = await cli.untilEvent((event) => event.event === 'submitted');
			const [itemId] = submitted.item_ids as number[];
			cli.child.kill('SIGINT');
			const { code, stderr } = await finish(cli);
			expect(code).toBe(130);
			expect(stderr).toContain('SIGINT');
			expect(server.item(itemId)?.status).toBe('canceled');
			expect(server.requests.some((request) => request.method === 'PUT' && request.path === `/api/v1/queue/default/i/${itemId}/cancel`)).toBe(true);
		});
	}, 60_000);

	describe('bad arguments exit 2, naming the flag, before anything is queued', () => {
		const expectUsage = (outcome: CliOutcome, argument: string, says: RegExp) => {
			expect(outcome.code).toBe(2);
			expect(outcome.stderrLines[0]).toContain(`genflows: bad argument ${argument}: `);
			expect(outcome.stderr).toMatch(says);
			expect(outcome.stderr).toContain('usage: genflows invokeai');
		};

		it('an input label the workflow does not have, listing the inputs', async () => {
			const before = sim.enqueuedCount();
			const outcome = await genflows(runner, ['invokeai', 'run', sdxlFile, ...url(), ...SDXL_SETS, '--set', 'Colour=red']);
			expectUsage(outcome, '--set Colour', /no input "Colour".*"Positive Prompt"/);
			expect(sim.enqueuedCount()).toBe(before);
		}, 30_000);

		it('a text for a whole number', async () => {
			const before = sim.enqueuedCount();
			const name = `${DENOISE}.steps`;
			const outcome = await genflows(runner, ['invokeai', 'run', sdxlFile, ...url(), ...SDXL_SETS, '--set', `${name}=many`]);
			expectUsage(outcome, `--set ${name}`, /whole number; got the text "many"/);
			expect(sim.enqueuedCount()).toBe(before);
		}, 30_000);

		it('--set without =', async () => {
			expectUsage(await genflows(runner, ['invokeai', 'run', sdxlFile, ...url(), '--set', 'Positive Prompt']), '--set', /name=value/);
		}, 30_000);

		it('a file that is not a workflow, or not JSON', async () => {
			const notWorkflow = join(workDir, 'not-a-workflow.json');
			writeFileSync(notWorkflow, JSON.stringify({ hello: 'world' }));
			expectUsage(await genflows(runner, ['invokeai', 'run', notWorkflow, ...url()]), '<workflow>', /is not an InvokeAI workflow/);
			const notJson = join(workDir, 'notes.json');
			writeFileSync(notJson, 'just some words');
			expectUsage(await genflows(runner, ['invokeai', 'inputs', notJson, ...url()]), '<workflow>', /is not JSON/);
			expectUsage(await genflows(runner, ['invokeai', 'run', join(workDir, 'missing.json'), ...url()]), '<workflow>', /cannot read/);
			expectUsage(await genflows(runner, ['invokeai', 'run', 'no_such_workflow', ...url()]), '<workflow>', /neither a file here nor the id of a workflow/);
		}, 60_000);

		it('a --file that cannot be read, an unknown item id, and a URL without a scheme', async () => {
			expectUsage(await genflows(runner, ['invokeai', 'run', fluxFile, ...url(), ...FLUX_I2I_SETS, '--file', `Image=${join(workDir, 'nope.png')}`]), '--file Image', /cannot read/);
			expectUsage(await genflows(runner, ['invokeai', 'status', '999999', ...url()]), '<item_id>', /no item 999999/);
			expectUsage(await genflows(runner, ['invokeai', 'status', 'abc', ...url()]), '<item_id>', /whole number/);
			const host = sim.url.replace(/^http:\/\//, '');
			expectUsage(await genflows(runner, ['invokeai', 'models', '--url', host]), '--url', /./);
		}, 60_000);
	});

	it('logs in with --token or --email/--password on a multi-user server, never printing either', async () => {
		await withSimulator({ multiUser: true }, async (server) => {
			const token = server.tokenFor(ADMIN.email);
			secrets.push(token, ADMIN.password);
			const withToken = await genflows(runner, ['invokeai', 'run', sdxlFile, ...url(server), '--token', token, ...SDXL_SETS, '--out', freshDir(), '--json']);
			expect({ code: withToken.code, stderr: withToken.stderr }).toEqual({ code: 0, stderr: '' });
			expect(server.item(itemIdsOf(withToken.events)[0])?.status).toBe('completed');

			const env = { INVOKEAI_EMAIL: ADMIN.email, INVOKEAI_PASSWORD: ADMIN.password };
			const withLogin = await genflows(runner, ['invokeai', 'models', ...url(server), '--json'], { env });
			expect(withLogin.code).toBe(0);
			expect(server.requests.some((request) => request.path === '/api/v1/auth/login')).toBe(true);

			// Without credentials the server refuses, and a wrong password is refused too: exit 1, neither quoted.
			expect((await genflows(runner, ['invokeai', 'models', ...url(server)])).code).toBe(1);
			const wrong = await genflows(runner, ['invokeai', 'models', ...url(server), '--email', ADMIN.email, '--password', 'wrong-password-dummy']);
			expect(wrong.code).toBe(1);
			expect(wrong.stdout + wrong.stderr).not.toContain('wrong-password-dummy');
			// Both ways at once is a bad --token; a token the server no longer takes fails the command: neither echoes it.
			const both = await genflows(runner, ['invokeai', 'models', ...url(server), '--token', token], { env });
			expect(both.code).toBe(2);
			expect(both.stderrLines[0]).toContain('bad argument --token');
			server.expireTokens();
			const expired = await genflows(runner, ['invokeai', 'models', ...url(server), '--token', token, '--json']);
			expect(expired.code).toBe(1);
			expect(lastEvent(expired.events)).toMatchObject({ event: 'error', message: expect.stringContaining('401') });
			expect(printed.join('\n')).not.toContain(token);
			expect(printed.join('\n')).not.toContain(ADMIN.password);
		});
	}, 60_000);
});
