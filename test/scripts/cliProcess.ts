// Runs the genflows command line as a real subprocess, under Deno from source or under Node from
// the build, and collects what it prints.
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '../..');
// GENFLOWS_NODE_ENTRY points the Node runner at a build elsewhere (`tsc -p tsconfig.json --outDir DIR`,
// with NODE_PATH=node_modules), to try the CLI under Node without rebuilding dist/.
const NODE_ENTRY = process.env.GENFLOWS_NODE_ENTRY || join(ROOT, 'dist/scripts/genflows.js');
const DENO_ENTRY = join(ROOT, 'scripts/genflows.ts');

/** The deno binary itself (not npm's bin.cjs wrapper, which would sit between us and signals). */
function denoBinary(): string {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { runInstall } = require('deno/install_api.cjs') as { runInstall(): string };
	return runInstall();
}

export interface CliRunner {
	name: 'deno' | 'node';
	/** Command and leading arguments; the genflows arguments follow. */
	command(options?: { allowEnv?: boolean }): string[];
}

export const denoRunner: CliRunner = {
	name: 'deno',
	// The command from the README, as a user types it.
	command: ({ allowEnv = true } = {}) => [denoBinary(), 'run', '--allow-net', '--allow-read', '--allow-write', ...(allowEnv ? ['--allow-env'] : []), DENO_ENTRY],
};

export const nodeRunner: CliRunner = {
	name: 'node',
	command() {
		if (!existsSync(NODE_ENTRY)) throw new Error(`${NODE_ENTRY} is missing: run "npm run build" first.`);
		return [process.execPath, NODE_ENTRY];
	},
};

export interface CliEvent {
	event: string;
	[field: string]: unknown;
}

export interface CliOutcome {
	code: number | null;
	stdout: string;
	stderr: string;
	events: CliEvent[];
	stderrLines: string[];
}

export class CliProcess {
	readonly child: ChildProcess;
	stdout = '';
	stderr = '';
	private readonly exited: Promise<number | null>;
	private readonly watchers = new Set<() => void>();

	constructor(runner: CliRunner, args: string[], options: { env?: Record<string, string>; cwd?: string; allowEnv?: boolean } = {}) {
		const [command, ...leading] = runner.command({ allowEnv: options.allowEnv });
		// Only what the test sets: no VISIONATRIX_*, FLOWSCALE_*, PET_PORTRAIT_* or INVOKEAI_* from the machine running the tests.
		const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(VISIONATRIX|FLOWSCALE|PET_PORTRAIT|INVOKEAI)_/.test(name)));
		this.child = spawn(command, [...leading, ...args], {
			cwd: options.cwd ?? ROOT,
			env: { ...env, NO_COLOR: '1', ...options.env },
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		this.child.stdout!.setEncoding('utf8').on('data', (text: string) => {
			this.stdout += text;
			for (const watcher of this.watchers) watcher();
		});
		this.child.stderr!.setEncoding('utf8').on('data', (text: string) => (this.stderr += text));
		this.exited = new Promise((resolve, reject) => {
			this.child.once('error', reject);
			this.child.once('close', (code) => resolve(code));
		});
	}

	/** The JSON lines on stdout (help text and other plain lines are skipped). */
	events(): CliEvent[] {
		return this.stdout
			.split('\n')
			.filter((line) => line.startsWith('{'))
			.map((line) => JSON.parse(line) as CliEvent);
	}

	/** Resolves with the first JSON event that matches; rejects if the process ends first. */
	untilEvent(predicate: (event: CliEvent) => boolean): Promise<CliEvent> {
		return new Promise((resolve, reject) => {
			const check = () => {
				const found = this.events().find(predicate);
				if (!found) return;
				this.watchers.delete(check);
				resolve(found);
			};
			this.watchers.add(check);
			check();
			void this.exited.then(() => {
				if (!this.watchers.has(check)) return;
				this.watchers.delete(check);
				reject(new Error(`genflows ended before the awaited event. stdout:\n${this.stdout}\nstderr:\n${this.stderr}`));
			});
		});
	}

	async done(): Promise<CliOutcome> {
		const code = await this.exited;
		const stderrLines = this.stderr.split('\n').filter((line) => line.trim() !== '');
		return { code, stdout: this.stdout, stderr: this.stderr, events: this.events(), stderrLines };
	}
}

export function runCli(runner: CliRunner, args: string[], options?: ConstructorParameters<typeof CliProcess>[2]): Promise<CliOutcome> {
	return new CliProcess(runner, args, options).done();
}
