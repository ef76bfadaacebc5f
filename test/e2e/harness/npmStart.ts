// `npm start` as a user runs it, in a terminal of its own: started in a new process group (as a
// shell starts a foreground job), read from its output, and stopped by a signal to that group
// (what Ctrl-C in the terminal does).
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';

import { eventually } from '../../helpers/eventually.ts';
import { PROJECT_ROOT } from './install.ts';
import { groupAlive } from './processes.ts';

/** What the banner says once n8n is ready. */
export interface StartBanner {
	editorUrl: string;
	email: string;
	password: string;
	simulatorUrl: string;
	flowscaleUrl: string;
	photoUrl: string;
}

export class NpmStart {
	private output = '';
	private exit?: { code: number | null; signal: NodeJS.Signals | null };

	private constructor(readonly process: ChildProcess) {
		process.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString('utf8')));
		process.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString('utf8')));
		process.once('exit', (code, signal) => (this.exit = { code, signal }));
	}

	/** `command` is `npm start` by default; a second start can skip the build with `node .build/scripts/start.js`. */
	static spawn(env: Record<string, string>, command: string[] = ['npm', 'start']): NpmStart {
		const inherited = { ...process.env } as Record<string, string>;
		delete inherited.NODE_ENV; // set by jest; a user's shell has none
		const child = spawn(command[0], command.slice(1), { cwd: PROJECT_ROOT, env: { ...inherited, ...env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
		return new NpmStart(child);
	}

	get log(): string {
		return this.output;
	}

	async ready(timeoutMs: number): Promise<StartBanner> {
		const deadline = Date.now() + timeoutMs;
		while (!/is ready \(\d+ s\)/.test(this.output)) {
			// Not eventually(): an exit is final, and waiting out the timeout would only hide it.
			if (this.exit) throw new Error(`npm start exited (${JSON.stringify(this.exit)}) before n8n was ready:\n${this.output}`);
			if (Date.now() > deadline) throw new Error(`npm start did not get n8n ready in ${timeoutMs} ms:\n${this.output}`);
			await new Promise((wake) => setTimeout(wake, 250));
		}
		const field = (pattern: RegExp) => {
			const match = pattern.exec(this.output);
			if (!match) throw new Error(`the banner has no ${pattern}:\n${this.output}`);
			return match[1];
		};
		const [email, password] = field(/Login +(\S+ +\/ +\S+)/).split(/ +\/ +/);
		return {
			editorUrl: field(/Editor +(http\S+)/),
			email,
			password,
			simulatorUrl: field(/Visionatrix +(http\S+) +\(bundled simulator\)/),
			flowscaleUrl: field(/Flowscale +(http\S+) +\(bundled simulator\)/),
			photoUrl: field(/remove-background example: (http\S+)/),
		};
	}

	/** Signals the whole process group, like a terminal does, and waits until npm start has exited. */
	async stop(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
		const pid = this.process.pid!;
		if (!this.exit) process.kill(-pid, signal);
		return await eventually('npm start to exit', async () => this.exit, 60_000);
	}

	/** For afterAll after a failure: nothing of this start may outlive the test. */
	kill(): void {
		if (this.process.pid !== undefined && groupAlive(this.process.pid)) process.kill(-this.process.pid, 'SIGKILL');
	}
}
