// A real n8n, headless: one user folder (sqlite, settings, binary data) per test file, the
// package linked in as a community package, the CLI for imports and `execute`, and `n8n start` /
// `n8n worker` processes for everything that needs a server.
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { appendFileSync, cpSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import type { E2eInstall, N8nRelease } from './install.ts';
import { PROJECT_ROOT, e2eInstallOf } from './install.ts';
import { eventually } from '../../helpers/eventually.ts';
import { removeAfterPassingFile } from './cleanup.ts';
import { freePort } from './ports.ts';
import { stopProcessGroup } from './processes.ts';

export const PACKAGE_NAME = 'n8n-nodes-genflows';

export interface CliResult {
	code: number | null;
	stdout: string;
	stderr: string;
}

/** The parts of n8n's execution JSON the tests read. */
export interface ExecutionJson {
	id?: string;
	status: string;
	finished?: boolean;
	data: {
		resultData: {
			error?: { message: string; description?: string; node?: { name: string } };
			runData: Record<string, Array<{ error?: { message: string }; data?: { main: Array<ExecutionItem[] | null> } }>>;
			lastNodeExecuted?: string;
		};
	};
}

export interface ExecutionItem {
	json: Record<string, unknown>;
	binary?: Record<string, { id?: string; data?: string; mimeType: string; fileName?: string; fileSize?: string; fileExtension?: string }>;
	pairedItem?: unknown;
}

export interface StartOptions {
	/** `main` runs `n8n start`, `worker` runs `n8n worker` (queue mode). */
	role?: 'main' | 'worker';
	env?: Record<string, string>;
	/**
	 * In its own process group, so that a Ctrl-C in the terminal reaches only the caller, which
	 * then stops n8n and every process n8n started (task runners) as one group.
	 */
	detached?: boolean;
	/** How long n8n may take to answer its readiness check (default 60 s; a first start migrates the database). */
	readyTimeoutMs?: number;
	/** Called as soon as the process exists, before it is ready: whoever may have to stop it early. */
	onSpawn?: (running: RunningN8n) => void;
}

export interface N8nHomeOptions {
	port?: number;
	brokerPort?: number;
	/** Overrides the defaults below; `undefined` removes a default (e.g. the fixed encryption key). */
	env?: Record<string, string | undefined>;
	/** `n8n1`: the newest n8n 1.x that install-n8n.sh --n8n1 installed (default: the pinned 2.x). */
	release?: N8nRelease;
}

const OWNER = { email: 'e2e@genflows.test', firstName: 'E2E', lastName: 'Owner', password: 'E2e-password-1' };

export class N8nHome {
	readonly install: E2eInstall;
	readonly userFolder: string;
	/** Where the Read/Write Files node may write (n8n 2.x restricts file access to one folder). */
	readonly filesFolder: string;
	readonly port: number;
	private readonly baseEnv: Record<string, string>;

	private constructor(install: E2eInstall, userFolder: string, port: number, brokerPort: number, env: Record<string, string | undefined>) {
		this.install = install;
		this.userFolder = userFolder;
		this.filesFolder = join(userFolder, 'files');
		this.port = port;
		mkdirSync(this.filesFolder, { recursive: true });
		const inherited = { ...process.env } as Record<string, string>;
		// jest sets NODE_ENV=test, which n8n reads; a user's n8n never sees it.
		delete inherited.NODE_ENV;
		delete inherited.NODE_OPTIONS;
		const merged: Record<string, string | undefined> = {
			...inherited,
			PATH: `${dirname(install.node)}:${inherited.PATH ?? ''}`,
			N8N_USER_FOLDER: userFolder,
			DB_TYPE: 'sqlite',
			N8N_LISTEN_ADDRESS: '127.0.0.1',
			N8N_HOST: '127.0.0.1',
			N8N_PORT: String(port),
			N8N_RUNNERS_BROKER_PORT: String(brokerPort),
			// `n8n execute` prints the execution through the logger at info level.
			N8N_LOG_LEVEL: 'info',
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_PERSONALIZATION_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_TEMPLATES_ENABLED: 'false',
			N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
			N8N_SECURE_COOKIE: 'false',
			N8N_ENCRYPTION_KEY: 'genflows-e2e-not-a-secret',
			N8N_DEFAULT_BINARY_DATA_MODE: 'filesystem',
			N8N_RESTRICT_FILE_ACCESS_TO: this.filesFolder,
			...env,
		};
		this.baseEnv = Object.fromEntries(Object.entries(merged).filter((entry): entry is [string, string] => entry[1] !== undefined));
	}

	/**
	 * A fresh temporary user folder with the built package linked in. It is removed when the test
	 * file that made it passes, and kept (with the n8n logs in it) when the file fails.
	 */
	static async create(env: Record<string, string> = {}, options: Pick<N8nHomeOptions, 'release'> = {}): Promise<N8nHome> {
		const userFolder = mkdtempSync(join(tmpdir(), 'genflows-e2e-'));
		removeAfterPassingFile(userFolder);
		return await N8nHome.at(userFolder, { env, ...options });
	}

	/** A user folder that is kept (`npm start`'s state): created on first use, reused afterwards. */
	static async at(userFolder: string, options: N8nHomeOptions = {}): Promise<N8nHome> {
		const install = e2eInstallOf(options.release);
		if (options.release === 'n8n1') copyPackage(userFolder);
		else linkPackage(userFolder);
		const port = options.port ?? (await freePort());
		const brokerPort = options.brokerPort ?? (await freePort());
		return new N8nHome(install, userFolder, port, brokerPort, options.env ?? {});
	}

	get baseUrl(): string {
		return `http://127.0.0.1:${this.port}`;
	}

	env(extra: Record<string, string> = {}): Record<string, string> {
		return { ...this.baseEnv, ...extra };
	}

	spawnN8n(args: string[], extraEnv: Record<string, string> = {}, detached = false): ChildProcess {
		// cwd is the user folder: n8n reads a `.env` from its working directory.
		return spawn(this.install.node, [this.install.n8n, ...args], { cwd: this.userFolder, env: this.env(extraEnv), stdio: ['ignore', 'pipe', 'pipe'], detached });
	}

	async cli(args: string[], extraEnv: Record<string, string> = {}): Promise<CliResult> {
		const child = this.spawnN8n(args, extraEnv);
		const output = collectOutput(child);
		const code = await new Promise<number | null>((resolveCode) => child.once('exit', resolveCode));
		return { code, ...output.read() };
	}

	async cliOk(args: string[]): Promise<CliResult> {
		const result = await this.cli(args);
		if (result.code !== 0) throw new Error(`n8n ${args.join(' ')} exited ${result.code}:\n${result.stdout}\n${result.stderr}`);
		return result;
	}

	/** Imports (or, for an id that exists, updates) credentials; the plain-text file is removed afterwards. */
	async importCredentials(credentials: unknown[]): Promise<void> {
		const file = this.writeJson(`credentials-${Date.now()}.json`, credentials);
		try {
			await this.cliOk(['import:credentials', `--input=${file}`]);
		} finally {
			rmSync(file, { force: true });
		}
	}

	/** Imports and, with `publish`, marks the workflows to be activated at the next `n8n start`. */
	async importWorkflows(workflows: Array<{ id: string }>, options: { publish?: boolean } = {}): Promise<void> {
		const folder = join(this.userFolder, `workflows-${Date.now()}`);
		mkdirSync(folder);
		workflows.forEach((workflow, index) => writeFileSync(join(folder, `${index}.json`), JSON.stringify(workflow)));
		try {
			await this.cliOk(['import:workflow', '--separate', `--input=${folder}`]);
		} finally {
			rmSync(folder, { recursive: true, force: true });
		}
		if (options.publish) {
			for (const workflow of workflows) await this.cliOk(['publish:workflow', `--id=${workflow.id}`]);
		}
	}

	/** `n8n execute --id --rawOutput`: the exit code and the execution JSON n8n printed. */
	async execute(workflowId: string): Promise<{ code: number | null; execution: ExecutionJson; output: CliResult }> {
		const output = await this.cli(['execute', `--id=${workflowId}`, '--rawOutput']);
		const json = executionJsonFrom(output.stdout);
		if (!json) throw new Error(`n8n execute printed no execution (exit ${output.code}):\n${output.stdout}\n${output.stderr}`);
		return { code: output.code, execution: JSON.parse(json) as ExecutionJson, output };
	}

	async start(options: StartOptions = {}): Promise<RunningN8n> {
		const role = options.role ?? 'main';
		const env = { ...options.env };
		let readinessUrl = `${this.baseUrl}/healthz/readiness`;
		if (role === 'worker') {
			const healthPort = await freePort();
			Object.assign(env, {
				N8N_RUNNERS_BROKER_PORT: String(await freePort()),
				QUEUE_HEALTH_CHECK_ACTIVE: 'true',
				QUEUE_HEALTH_CHECK_PORT: String(healthPort),
				N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
			});
			readinessUrl = `http://127.0.0.1:${healthPort}/healthz/readiness`;
		}
		const child = this.spawnN8n([role === 'main' ? 'start' : 'worker'], env, options.detached);
		// Also on disk, for reading after a failed run: <user folder>/logs/<role>-<pid>.log
		const logFile = join(this.userFolder, 'logs', `${role}-${child.pid}.log`);
		const running = new RunningN8n(this, child, collectOutput(child, logFile), logFile, options.detached ?? false);
		options.onSpawn?.(running);
		let ready = false;
		try {
			await running.waitUntilReady(readinessUrl, options.readyTimeoutMs);
			// n8n 1.x reports ready before it has mounted /rest and the webhooks: wait for them too.
			if (role === 'main' && this.install.n8nVersion.startsWith('1.')) await running.waitUntilReady(`${this.baseUrl}/rest/settings`, options.readyTimeoutMs);
			ready = true;
		} finally {
			// An n8n that never got ready is not left running.
			if (!ready) await running.stop();
		}
		return running;
	}

	/** Bytes n8n stored for a binary property (filesystem mode: `filesystem-v2:<path under storage>`). */
	storedBinary(binaryId: string): Buffer {
		const [mode, path] = binaryId.split(/:(.*)/s);
		if (mode !== 'filesystem-v2' || !path) throw new Error(`binary id ${binaryId} is not in filesystem-v2 mode`);
		return readFileSync(join(this.userFolder, '.n8n', 'storage', path));
	}

	writeJson(name: string, value: unknown): string {
		const file = join(this.userFolder, name);
		writeFileSync(file, JSON.stringify(value));
		return file;
	}
}

export class RunningN8n {
	private cookie = '';
	private apiKey = '';
	private exited = false;

	constructor(
		readonly home: N8nHome,
		readonly process: ChildProcess,
		private readonly output: { read(): { stdout: string; stderr: string } },
		readonly logFile: string,
		private readonly ownGroup = false,
	) {
		process.once('exit', () => (this.exited = true));
	}

	get hasExited(): boolean {
		return this.exited;
	}

	get logs(): string {
		const { stdout, stderr } = this.output.read();
		return `${stdout}\n${stderr}`;
	}

	async waitUntilReady(url: string, timeoutMs = 60_000): Promise<void> {
		await eventually(
			`n8n to answer ${url}`,
			async () => {
				if (this.exited) throw new Error(`n8n exited before it was ready:\n${this.logs}`);
				const response = await fetch(url).catch(() => undefined);
				return response?.ok ? true : undefined;
			},
			timeoutMs,
		);
	}

	/** Owner account on first use, a login after a restart; keeps the session cookie. */
	async signIn(): Promise<void> {
		const setup = await fetch(`${this.home.baseUrl}/rest/owner/setup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(OWNER) });
		let response = setup;
		if (!setup.ok) {
			response = await fetch(`${this.home.baseUrl}/rest/login`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ emailOrLdapLoginId: OWNER.email, password: OWNER.password }),
			});
		}
		if (!response.ok) throw new Error(`could not sign in to n8n: ${response.status} ${await response.text()}`);
		this.cookie = response.headers.getSetCookie().map((cookie) => cookie.split(';')[0]).join('; ');
	}

	/** n8n's internal REST API (the editor's), signed in as the owner. */
	async rest<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
		if (!this.cookie) await this.signIn();
		const response = await fetch(`${this.home.baseUrl}/rest${path}`, {
			method,
			headers: { cookie: this.cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await response.text();
		if (!response.ok) throw new Error(`${method} /rest${path}: ${response.status} ${text}`);
		return (JSON.parse(text) as { data: T }).data;
	}

	/**
	 * POSTs JSON to a production webhook; the status, content type and raw body of n8n's answer.
	 * n8n registers a published workflow's webhooks a few seconds after it reports ready; until
	 * then it answers 404 "not registered" without running anything, so that answer is retried.
	 */
	async postWebhook(path: string, json: unknown): Promise<{ status: number; contentType: string | null; body: Buffer }> {
		return await eventually(`n8n to register the webhook ${path}`, async () => {
			const response = await fetch(`${this.home.baseUrl}/webhook/${path}`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify(json),
			});
			const body = Buffer.from(await response.arrayBuffer());
			if (response.status === 404 && body.toString().includes('is not registered')) return undefined;
			return { status: response.status, contentType: response.headers.get('content-type'), body };
		});
	}

	/** A GET as the signed-in owner, for endpoints outside `/rest` (such as `/types/*.json`). */
	async getSignedIn(path: string): Promise<Response> {
		if (!this.cookie) await this.signIn();
		return await fetch(`${this.home.baseUrl}${path}`, { headers: { cookie: this.cookie } });
	}

	/** n8n's public API (`/api/v1`), with an API key made for the test. */
	async api<T = unknown>(path: string): Promise<T> {
		if (!this.apiKey) {
			const key = await this.rest<{ rawApiKey: string }>('POST', '/api-keys', {
				label: `e2e-${Date.now()}`,
				expiresAt: null,
				scopes: ['execution:list', 'execution:read', 'workflow:read', 'workflow:list'],
			});
			this.apiKey = key.rawApiKey;
		}
		const response = await fetch(`${this.home.baseUrl}/api/v1${path}`, { headers: { 'X-N8N-API-KEY': this.apiKey } });
		const text = await response.text();
		if (!response.ok) throw new Error(`GET /api/v1${path}: ${response.status} ${text}`);
		return JSON.parse(text) as T;
	}

	/** Executions of a workflow, newest first, with their data. */
	async executions(workflowId: string): Promise<ExecutionJson[]> {
		const page = await this.api<{ data: ExecutionJson[] }>(`/executions?workflowId=${workflowId}&includeData=true&limit=250`);
		return page.data;
	}

	async stop(): Promise<void> {
		if (this.ownGroup) return await stopProcessGroup(this.process);
		if (this.exited) return;
		const exited = new Promise((resolveExit) => this.process.once('exit', resolveExit));
		this.process.kill('SIGTERM');
		const forced = setTimeout(() => this.process.kill('SIGKILL'), 20_000);
		await exited;
		clearTimeout(forced);
	}
}

/** Status and error message together, so a failed expectation shows why the execution failed. */
export function outcomeOf(execution: ExecutionJson): { status: string; error?: string } {
	const error = execution.data.resultData.error?.message;
	return error === undefined ? { status: execution.status } : { status: execution.status, error };
}

/** The execution JSON that `n8n execute --rawOutput` prints after its log lines. */
export function executionJsonFrom(stdout: string): string | undefined {
	const lines = stdout.split('\n');
	const start = lines.indexOf('{');
	const end = lines.lastIndexOf('}');
	return start >= 0 && end > start ? lines.slice(start, end + 1).join('\n') : undefined;
}

/** Links the built package where n8n finds installed community packages, once per user folder. */
function linkPackage(userFolder: string): void {
	const nodesFolder = join(userFolder, '.n8n', 'nodes', 'node_modules');
	mkdirSync(nodesFolder, { recursive: true });
	const link = join(nodesFolder, PACKAGE_NAME);
	if (!lstatSync(link, { throwIfNoEntry: false })) symlinkSync(PROJECT_ROOT, link);
}

/**
 * The package as `npm install` in ~/.n8n/nodes leaves it: package.json, dist/ and the runtime
 * dependencies, without the checkout's node_modules, so that `n8n-workflow` is the host n8n's (a
 * link to the checkout would load the checkout's 2.x dev copy into n8n 1.x). Once per user folder.
 */
function copyPackage(userFolder: string): void {
	const folder = join(userFolder, '.n8n', 'nodes', 'node_modules', PACKAGE_NAME);
	if (lstatSync(folder, { throwIfNoEntry: false })) return;
	const manifest = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
	mkdirSync(join(folder, 'node_modules'), { recursive: true });
	cpSync(join(PROJECT_ROOT, 'package.json'), join(folder, 'package.json'));
	cpSync(join(PROJECT_ROOT, 'dist'), join(folder, 'dist'), { recursive: true });
	// A dependency resolves its own dependencies from where it really is: the checkout's node_modules.
	for (const name of Object.keys(manifest.dependencies ?? {})) {
		mkdirSync(dirname(join(folder, 'node_modules', name)), { recursive: true });
		symlinkSync(join(PROJECT_ROOT, 'node_modules', name), join(folder, 'node_modules', name));
	}
}

function collectOutput(child: ChildProcess, logFile?: string): { read(): { stdout: string; stderr: string } } {
	const stdout: Buffer[] = [];
	const stderr: Buffer[] = [];
	if (logFile) mkdirSync(dirname(logFile), { recursive: true });
	const keep = (into: Buffer[]) => (chunk: Buffer) => {
		into.push(chunk);
		if (logFile) appendFileSync(logFile, chunk);
	};
	child.stdout?.on('data', keep(stdout));
	child.stderr?.on('data', keep(stderr));
	return { read: () => ({ stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') }) };
}
