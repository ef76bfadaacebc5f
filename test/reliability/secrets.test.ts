// Credentials never show and never travel: a representative part of the bad-input corpus, good
// runs and simulator faults (5xx, 401, a connection cut) run with distinctive credentials (a
// password, an API key, a token, a proxy header value, and `user:pass@` in a base URL), through
// the n8n nodes and through `genflows`. Nothing a user or a log sees may hold any of them, nor
// their base64 (Basic auth's `user:pass` included), and no credential may reach a host other than
// the configured server: not Flowscale's storage host, not where a redirect points.
//
// `user:pass@` in an address: the n8n credential refuses it, naming its address field (n8n shows
// and stores the address as plain text; the password belongs in the credential's own fields);
// `genflows --url` takes it as Basic auth for that server and prints the address as `***@`.
import type { INodeExecutionData } from 'n8n-workflow';

import { readAll } from '../../nodes/shared/core/files.ts';
import type { ParameterValue } from '../helpers/n8nContext.ts';
import { loadDefaultWorkflow } from '../helpers/invokeaiFixtures.ts';
import { recordingLogger } from '../helpers/recordingLogger.ts';
import { connect as connectFlowscale } from '../integration/flowscale/setup.ts';
import { connect as connectInvokeAi } from '../integration/invokeai/setup.ts';
import { parseWorkflow } from '../../nodes/shared/providers/invokeai/workflow/workflowSchema.ts';
import type { AuthProxy } from '../integration/petPortrait/authProxy.ts';
import { startAuthProxy } from '../integration/petPortrait/authProxy.ts';
import type { CliOutcome } from '../scripts/cliProcess.ts';
import { denoRunner, nodeRunner, runCli } from '../scripts/cliProcess.ts';
import type { Fault } from '../simulators/shared/types.ts';
import type { BadServer } from './badServers.ts';
import { startBadServer, startCaptureServer } from './badServers.ts';
import { callNode } from './nodeRunner.ts';
import type { Provider, World } from './world.ts';
import { credentialFor, fileItem, PNG, startWorld } from './world.ts';

const VIX_USER = 'vix-operator';
const VIX_PASSWORD = 'Vix-Pa55word-q7Zr!';
const FS_API_KEY = 'fs-dummy-Api-Key-8hT2wQx9';
const PROXY_HEADER = { name: 'X-Proxy-Token', value: 'Pp-Proxy-Secret-4kLm9' };
const INVOKE_ADMIN = { email: 'root@genflows.test', password: 'Inv0ke-dummy-Pa55word-Jt5' };
const URL_USER = 'url-user';
const URL_PASSWORD = 'Url-dummy-Pa55word-z3X';

let world: World;
let proxy: AuthProxy;
let capture: BadServer;
/** Redirects every request to the capture server: a credential must not follow it there. */
let redirectToCapture: BadServer;
let invokeToken: string;

/** Every secret, its base64, and the base64 of each user:password pair (a Basic header). */
let forbidden: string[] = [];

beforeAll(async () => {
	world = await startWorld({ visionatrixAuth: { user: VIX_USER, password: VIX_PASSWORD }, flowscaleApiKey: FS_API_KEY, invokeaiAdmin: INVOKE_ADMIN });
	proxy = await startAuthProxy(world.petPortrait.url, PROXY_HEADER);
	capture = await startCaptureServer();
	redirectToCapture = await startBadServer('redirect', capture.url);
	invokeToken = world.invokeai.tokenFor(INVOKE_ADMIN.email);
	const secrets = [VIX_PASSWORD, FS_API_KEY, PROXY_HEADER.value, INVOKE_ADMIN.password, invokeToken, URL_PASSWORD];
	const pairs = [`${VIX_USER}:${VIX_PASSWORD}`, `${URL_USER}:${URL_PASSWORD}`, `${INVOKE_ADMIN.email}:${INVOKE_ADMIN.password}`];
	const base64 = (text: string) => Buffer.from(text).toString('base64');
	// base64 without its padding too, as it shows inside a longer encoded text.
	forbidden = [...secrets, ...[...secrets, ...pairs].flatMap((text) => [base64(text), base64(text).replace(/=+$/, '')])];
}, 30_000);
afterAll(async () => {
	await Promise.all([world?.close(), proxy?.close(), capture?.close(), redirectToCapture?.close()]);
});
afterEach(() => {
	for (const provider of ['visionatrix', 'flowscale', 'petPortrait', 'invokeai'] as const) world[provider].faults.clear();
});

/** Everything shown or logged by all runs, checked per run and once more at the end. */
const everythingShown: string[] = [];

function expectNoSecret(texts: string[]): void {
	const joined = texts.join('\n');
	everythingShown.push(joined);
	for (const secret of forbidden) expect({ leaked: secret, found: joined.includes(secret) }).toEqual({ leaked: secret, found: false });
}

// ---------------------------------------------------------------------------------------------
// The n8n nodes

type CredentialKind = 'normal' | 'redirect' | 'userInfo';

function nodeCredential(provider: Provider, kind: CredentialKind = 'normal') {
	const server = kind === 'redirect' ? redirectToCapture.url : provider === 'petPortrait' ? proxy.url : world[provider].url;
	const baseUrl = kind === 'userInfo' ? server.replace('http://', `http://${URL_USER}:${URL_PASSWORD}@`) : server;
	switch (provider) {
		case 'visionatrix':
			return credentialFor(provider, baseUrl, { authentication: 'basicAuth', user: VIX_USER, password: VIX_PASSWORD });
		case 'flowscale':
			return credentialFor(provider, baseUrl, { apiKey: FS_API_KEY });
		case 'petPortrait':
			return credentialFor(provider, baseUrl, { authentication: 'header', headerName: PROXY_HEADER.name, headerSecret: PROXY_HEADER.value });
		case 'invokeai':
			return credentialFor(provider, baseUrl, { authentication: 'password', email: INVOKE_ADMIN.email, password: INVOKE_ADMIN.password });
	}
}

const SDXL_VALUES = { Model: 'Juggernaut XL v9', 'VAE (use the FP16 model)': 'FLUX.1-schnell_ae', 'Positive Prompt': 'a lighthouse' };
const photo = () => [fileItem('data', PNG, 'rex.png')];

/** Each provider's run-and-wait, and where its job is created (for faults). */
const RUNS: Record<Provider, { parameters: Record<string, ParameterValue>; items?: () => INodeExecutionData[]; create: { method: string; pathPrefix: string }; read: { method: string; pathPrefix: string } }> = {
	visionatrix: {
		parameters: {
			resource: 'task',
			operation: 'runAndWait',
			flow: { __rl: true, mode: 'list', value: 'sdxl_lighting' },
			flowInputs: { mappingMode: 'defineBelow', value: { prompt: 'a lighthouse' } },
			options: { timeout: 20 },
		},
		create: { method: 'PUT', pathPrefix: '/vapi/tasks/create/' },
		read: { method: 'GET', pathPrefix: '/vapi/tasks/progress/' },
	},
	flowscale: {
		parameters: { resource: 'run', operation: 'runAndWait', workflowId: { __rl: true, mode: 'list', value: 'bncu0a1kipv' }, inputs: { input: [{ name: 'text_51536', value: 'a lighthouse' }] }, options: { timeout: 20 } },
		create: { method: 'POST', pathPrefix: '/api/v1/runs' },
		read: { method: 'GET', pathPrefix: '/api/v1/runs/' },
	},
	petPortrait: {
		parameters: { resource: 'portrait', operation: 'createAndWait', inputBinaryField: 'data', userInputs: {}, options: { timeout: 20 } },
		items: photo,
		create: { method: 'POST', pathPrefix: '/api/generate' },
		read: { method: 'GET', pathPrefix: '/api/status/' },
	},
	invokeai: {
		parameters: {
			resource: 'workflow',
			operation: 'runAndWait',
			workflowSource: 'library',
			workflowId: { __rl: true, mode: 'id', value: 'default_5e8b008d-c697-45d0-8883-085a954c6ace' },
			inputValues: { values: Object.entries(SDXL_VALUES).map(([name, value]) => ({ name, value })) },
			options: { timeout: 20 },
		},
		create: { method: 'POST', pathPrefix: '/api/v1/queue/default/enqueue_batch' },
		read: { method: 'GET', pathPrefix: '/api/v1/queue/default/i/' },
	},
};

interface NodeScenario {
	name: string;
	provider: Provider;
	credential?: CredentialKind;
	parameters?: Record<string, ParameterValue>;
	fault?: (run: (typeof RUNS)[Provider]) => { method: string; pathPrefix: string; fault: Fault; times?: number };
	/** 'ok': the run succeeds; 'fails': it ends in a node error. */
	expect: 'ok' | 'fails';
}

const PROVIDERS: Provider[] = ['visionatrix', 'flowscale', 'petPortrait', 'invokeai'];

const NODE_SCENARIOS: NodeScenario[] = PROVIDERS.flatMap((provider): NodeScenario[] => [
	{ name: 'a good run', provider, expect: 'ok' },
	{ name: 'a 500 to the job creation', provider, fault: (run) => ({ ...run.create, fault: { kind: 'status', status: 500, body: '{"detail":"Internal error"}' } }), expect: 'fails' },
	// InvokeAI with email and password logs in again once on a 401 (the token may have expired), and goes on.
	{ name: 'a 401 to the job creation', provider, fault: (run) => ({ ...run.create, fault: { kind: 'status', status: 401, body: '{"detail":"Not authenticated"}' } }), expect: provider === 'invokeai' ? 'ok' : 'fails' },
	{ name: 'connections reset while waiting', provider, fault: (run) => ({ ...run.read, fault: { kind: 'drop-before' }, times: 2 }), expect: 'ok' },
	{ name: '502 pages while waiting', provider, fault: (run) => ({ ...run.read, fault: { kind: 'status', status: 502 }, times: 2 }), expect: 'ok' },
	{ name: 'a redirect to another host', provider, credential: 'redirect', expect: 'fails' },
	{ name: 'user:pass@ in the base URL', provider, credential: 'userInfo', expect: 'fails' },
]);

// Bad input with credentials set: the corpus's refusals must not quote them either.
NODE_SCENARIOS.push(
	{ name: 'an unknown flow', provider: 'visionatrix', parameters: { ...RUNS.visionatrix.parameters, flow: { __rl: true, mode: 'list', value: 'no_such_flow' } }, expect: 'fails' },
	{ name: 'an unknown workflow id', provider: 'flowscale', parameters: { ...RUNS.flowscale.parameters, workflowId: { __rl: true, mode: 'id', value: 'no-such-flow' } }, expect: 'fails' },
	{ name: 'an unknown session', provider: 'petPortrait', parameters: { resource: 'session', operation: 'getStatus', sessionId: '6fa459ea-ee8a-4ca4-894e-db77e160355e' }, expect: 'fails' },
	{ name: 'an unknown input label', provider: 'invokeai', parameters: { ...RUNS.invokeai.parameters, inputValues: { values: [{ name: 'Colour', value: 'red' }] } }, expect: 'fails' },
);

describe('no credential in what the nodes show or log, and none sent elsewhere', () => {
	it.each(NODE_SCENARIOS.map((s) => [`${s.provider}: ${s.name}`, s] as const))('%s', async (_title, scenario) => {
		const run = RUNS[scenario.provider];
		if (scenario.fault) {
			const { times, ...rule } = scenario.fault(run);
			world[scenario.provider].faults.add({ ...rule, times: times ?? 1 });
		}
		const capturedBefore = capture.requests.length;
		const storageBefore = world.flowscale.storage.requests.length;
		const { output, error, logs, unexpected } = await callNode(scenario.provider, {
			credentials: nodeCredential(scenario.provider, scenario.credential),
			parameters: scenario.parameters ?? run.parameters,
			items: run.items?.(),
		});
		expect(unexpected).toBeUndefined();
		if (scenario.expect === 'ok') {
			expect(error?.message).toBeUndefined();
			expect(output!.length).toBeGreaterThan(0);
		} else {
			expect(error).toBeDefined();
		}
		if (scenario.credential === 'userInfo') {
			// Refused before any request, naming the field, without repeating the address's password.
			expect(error!.message).toContain('holds a user name or password');
			expect(error!.description).toMatch(/^Check the parameter "Credential: (Base|Deployment) URL"/);
		}
		expectNoSecret([error?.message ?? '', error?.description ?? '', JSON.stringify(error?.context ?? {}), JSON.stringify(output?.map((item) => item.json) ?? []), ...logs]);
		// Nothing reached the host a redirect pointed at.
		expect(capture.requests.slice(capturedBefore)).toEqual([]);
		if (scenario.provider === 'flowscale' && scenario.expect === 'ok') {
			// The outputs came from the storage host, with neither the key nor any Authorization.
			const downloads = world.flowscale.storage.requests.slice(storageBefore);
			expect(downloads.length).toBeGreaterThan(0);
			for (const download of downloads) {
				expect(Object.keys(download.headers).filter((name) => /^(x-api-key|authorization|cookie|x-proxy-token)$/i.test(name))).toEqual([]);
				expect(JSON.stringify(download.headers)).not.toContain(FS_API_KEY);
			}
		}
	});
});

// ---------------------------------------------------------------------------------------------
// genflows

const CLI_NAME: Record<Provider, string> = { visionatrix: 'visionatrix', flowscale: 'flowscale', petPortrait: 'pet-portrait', invokeai: 'invokeai' };

function cliConnection(provider: Provider, kind: CredentialKind = 'normal'): string[] {
	const server = kind === 'redirect' ? redirectToCapture.url : provider === 'petPortrait' ? proxy.url : world[provider].url;
	const url = kind === 'userInfo' ? server.replace('http://', `http://${URL_USER}:${URL_PASSWORD}@`) : server;
	switch (provider) {
		case 'visionatrix':
			// A user and password in --url are Basic auth: here they stand in for --user/--password.
			return kind === 'userInfo' ? ['--url', url.replace(`${URL_USER}:${URL_PASSWORD}`, `${VIX_USER}:${encodeURIComponent(VIX_PASSWORD)}`)] : ['--url', url, '--user', VIX_USER, '--password', VIX_PASSWORD];
		case 'flowscale':
			return ['--url', url, '--api-key', FS_API_KEY];
		case 'petPortrait':
			return ['--url', url, '--header', `${PROXY_HEADER.name}: ${PROXY_HEADER.value}`];
		case 'invokeai':
			return ['--url', url, '--token', invokeToken];
	}
}

const CLI_RUNS: Record<Provider, (world: World) => string[]> = {
	visionatrix: () => ['run', 'sdxl_lighting', '--input', 'prompt=a lighthouse'],
	flowscale: () => ['run', 'bncu0a1kipv', '--input', 'text_51536=a lighthouse'],
	petPortrait: (w) => ['run', '--image', w.files.png],
	invokeai: (w) => ['run', w.files.sdxl, ...Object.entries(SDXL_VALUES).flatMap(([name, value]) => ['--set', `${name}=${value}`])],
};

interface CliScenario {
	name: string;
	provider: Provider;
	credential?: CredentialKind;
	args?: (world: World) => string[];
	fault?: NodeScenario['fault'];
	exit: number;
	deno?: boolean;
}

const CLI_SCENARIOS: CliScenario[] = PROVIDERS.flatMap((provider): CliScenario[] => [
	{ name: 'a good run', provider, exit: 0 },
	{ name: 'a 500 to the job creation', provider, fault: (run) => ({ ...run.create, fault: { kind: 'status', status: 500, body: '{"detail":"Internal error"}' } }), exit: 1 },
	{ name: 'a 401 to the job creation', provider, fault: (run) => ({ ...run.create, fault: { kind: 'status', status: 401, body: '{"detail":"Not authenticated"}' } }), exit: 1 },
	{ name: 'connections reset while waiting', provider, fault: (run) => ({ ...run.read, fault: { kind: 'drop-before' }, times: 2 }), exit: 0 },
	{ name: 'a redirect to another host', provider, credential: 'redirect', exit: 1 },
	// InvokeAI's token and Basic auth from the address would both be Authorization: refused, naming --url.
	{ name: 'user:pass@ in --url', provider, credential: 'userInfo', exit: provider === 'invokeai' ? 2 : 0 },
]);
CLI_SCENARIOS.push(
	{ name: 'an unknown flow', provider: 'visionatrix', args: () => ['run', 'no_such_flow', '--input', 'prompt=x'], exit: 2 },
	{ name: 'a file that is no picture', provider: 'flowscale', args: (w) => ['run', '550e8400-e29b-41d4-a716-446655440000', '--file', `image_35728=${w.files.pdf}`], exit: 2 },
	{ name: 'a header that is no "Name: value"', provider: 'petPortrait', args: (w) => ['run', '--image', w.files.png, '--header', PROXY_HEADER.value], exit: 2 },
	{ name: 'a bad --token', provider: 'invokeai', args: () => ['models', '--token', `${invokeToken}\u00e9`], exit: 2 },
	{ name: 'user:pass@ in --url, nothing listening', provider: 'visionatrix', args: (w) => ['flows', '--url', w.closed.replace('http://', `http://${URL_USER}:${URL_PASSWORD}@`)], exit: 1 },
	{ name: 'a good run (Deno)', provider: 'flowscale', exit: 0, deno: true },
	{ name: 'a 401 to the job creation (Deno)', provider: 'invokeai', fault: (run) => ({ ...run.create, fault: { kind: 'status', status: 401 } }), exit: 1, deno: true },
);

describe('no credential in what genflows prints, and none sent elsewhere', () => {
	it.each(CLI_SCENARIOS.map((s) => [`${s.provider}${s.deno ? ' (deno)' : ''}: ${s.name}`, s] as const))(
		'%s',
		async (_title, scenario) => {
			const run = RUNS[scenario.provider];
			if (scenario.fault) {
				const { times, ...rule } = scenario.fault(run);
				world[scenario.provider].faults.add({ ...rule, times: times ?? 1 });
			}
			const capturedBefore = capture.requests.length;
			const storageBefore = world.flowscale.storage.requests.length;
			const requestsBefore = world.visionatrix.requests.length;
			const args = scenario.args ? scenario.args(world) : [...CLI_RUNS[scenario.provider](world), '--out', world.files.dir];
			// Connection flags first: a scenario's own --url or --header comes later and wins.
			const [command, ...rest] = args;
			const outcome: CliOutcome = await runCli(scenario.deno ? denoRunner : nodeRunner, [CLI_NAME[scenario.provider], command, ...cliConnection(scenario.provider, scenario.credential), ...rest, '--json'], {
				cwd: world.files.dir,
			});
			expect({ code: outcome.code, stderr: outcome.code === scenario.exit ? '' : outcome.stderr }).toEqual({ code: scenario.exit, stderr: '' });
			expectNoSecret([outcome.stdout, outcome.stderr]);
			expect(capture.requests.slice(capturedBefore)).toEqual([]);
			if (scenario.provider === 'flowscale' && scenario.exit === 0) {
				const downloads = world.flowscale.storage.requests.slice(storageBefore);
				expect(downloads.length).toBeGreaterThan(0);
				for (const download of downloads) {
					expect(Object.keys(download.headers).filter((name) => /^(x-api-key|authorization|cookie|x-proxy-token)$/i.test(name))).toEqual([]);
					expect(JSON.stringify(download.headers)).not.toContain(FS_API_KEY);
				}
			}
			if (scenario.provider === 'visionatrix' && scenario.credential === 'userInfo') {
				// The user and password from the address went to the server as Basic auth.
				const seen = world.visionatrix.requests.slice(requestsBefore);
				expect(seen.length).toBeGreaterThan(0);
				expect(seen.every((request) => request.user === VIX_USER)).toBe(true);
			}
			if (scenario.name.includes('nothing listening')) expect(outcome.stderr).toContain('***@');
			if (scenario.exit === 2 && scenario.credential === 'userInfo') expect(outcome.stderr).toMatch(/^genflows: bad argument --url: /);
		},
		30_000,
	);
});

// ---------------------------------------------------------------------------------------------
// The core's own logger, as the CLI and the nodes give it one

describe('no credential in the core\'s log lines', () => {
	const logged = (lines: ReturnType<typeof recordingLogger>['lines']) => lines.map((line) => `${line.level}: ${line.message} ${JSON.stringify(line.meta ?? {})}`);

	it('Flowscale: a run through dropped connections and 502s, its outputs from the storage host', async () => {
		const logger = recordingLogger();
		world.flowscale.faults.add({ method: 'GET', pathPrefix: '/api/v1/runs/', times: 2, fault: { kind: 'drop-before' } });
		world.flowscale.faults.add({ method: 'GET', pathPrefix: '/api/v1/runs/', times: 1, fault: { kind: 'status', status: 502 } });
		world.flowscale.storage.faults.add({ method: 'GET', times: 1, fault: { kind: 'drop-before' } });
		const flowscale = connectFlowscale(world.flowscale, { logger, apiKey: FS_API_KEY, retry: { baseDelayMs: 20 } });
		const storageBefore = world.flowscale.storage.requests.length;
		const { job, files } = await flowscale.runWorkflow({ workflowId: 'bncu0a1kipv', inputs: [{ name: 'text_51536', value: 'a lighthouse' }] }, { timeoutMs: 30_000 });
		const downloaded: Uint8Array[] = [];
		for await (const file of files) downloaded.push(await readAll(file));
		expect(job.status).toBe('completed');
		expect(downloaded.length).toBeGreaterThan(0);
		expect(logger.lines.length).toBeGreaterThan(0);
		expectNoSecret(logged(logger.lines));
		for (const download of world.flowscale.storage.requests.slice(storageBefore)) expect(JSON.stringify(download.headers)).not.toContain(FS_API_KEY);
	});

	it('InvokeAI: a run with a token whose socket is refused, and a 401 after the token expired', async () => {
		const logger = recordingLogger();
		world.invokeai.faults.add({ pathPrefix: '/ws/socket.io', times: 5, fault: { kind: 'socket-refuse', status: 403, body: 'websockets are not allowed here' } });
		const invokeai = connectInvokeAi(world.invokeai, { logger, auth: { token: invokeToken } });
		const values = { Model: 'Juggernaut XL v9', 'VAE (use the FP16 model)': 'FLUX.1-schnell_ae' };
		const run = await invokeai.runWorkflow({ workflow: parseWorkflow(loadDefaultWorkflow('Text to Image - SDXL')), values, timeoutMs: 30_000 });
		expect(world.invokeai.item(run.itemIds[0])?.status).toBe('completed');
		// The socket was refused, and the core said so in its log.
		expect(logger.lines.length).toBeGreaterThan(0);
		const fresh = connectInvokeAi(world.invokeai, { logger, auth: { token: `${invokeToken}-revoked` } });
		const refused = await fresh.runWorkflow({ workflow: parseWorkflow(loadDefaultWorkflow('Text to Image - SDXL')), values, timeoutMs: 10_000 }).then(
			() => undefined,
			(error: unknown) => error as Error,
		);
		expect(refused?.message).toMatch(/401/);
		expectNoSecret([...logged(logger.lines), refused?.message ?? '', JSON.stringify(refused ?? {})]);
	});
});

it('checked every secret in every form against everything shown', () => {
	expect(forbidden.length).toBeGreaterThanOrEqual(6 * 3);
	expect(everythingShown.length).toBe(NODE_SCENARIOS.length + CLI_SCENARIOS.length + 2);
	// The check can fail: the joined text of a line that held the key would be caught.
	expect(`x-api-key: ${FS_API_KEY}`.includes(forbidden[1])).toBe(true);
});
