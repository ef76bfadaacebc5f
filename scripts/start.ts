// `npm start`: a local n8n 2.41.1 with this checkout's nodes, the bundled simulators, a credential
// per provider and the example workflows, ready in the browser; Ctrl-C stops all of it.
//
// Unlike the other scripts, this one imports test code, on purpose: the n8n install and the way
// to run n8n with the package linked in are the end-to-end harness's (test/e2e/harness), and the
// servers it points the credentials at are the simulators (test/simulators). One copy of each
// means what a user tries is what the e2e suite checks. It is a development tool of the checkout
// and is not shipped (package.json "files" has only dist/).
import { Closers } from './start/closers.ts';
import { banner } from './start/banner.ts';
import { USAGE, UsageError, readOptions } from './start/options.ts';
import type { StartOptions } from './start/options.ts';
import type { Session } from './start/session.ts';
import { startSession } from './start/session.ts';
import { AlreadyRunning } from './start/runLock.ts';
import { StateFolder } from './start/state.ts';
import { PROJECT_ROOT } from '../test/e2e/harness/install.ts';

const log = (line: string) => console.log(`[start] ${line}`);

async function main(): Promise<void> {
	let options: StartOptions;
	try {
		options = readOptions(process.argv.slice(2), process.env, PROJECT_ROOT);
	} catch (error) {
		if (!(error instanceof UsageError)) throw error;
		console.error(`npm start: ${error.message}\n\n${USAGE}`);
		process.exitCode = 2;
		return;
	}
	if (options.help) return console.log(USAGE);

	const closers = new Closers();
	const state = new StateFolder(options.stateFolder);
	let session: Session | undefined;
	let stopping = false;
	const stop = async (reason: string, exitCode: number) => {
		if (stopping) return;
		stopping = true;
		log(`${reason}: stopping n8n and the simulators`);
		const failures = await closers.closeAll();
		for (const failure of failures) console.error(`[start] could not stop ${failure}`);
		log(failures.length === 0 ? 'stopped; nothing is left running' : 'stopped, with the failures above');
		process.exit(failures.length === 0 ? exitCode : 1);
	};
	const onSignal = (signal: NodeJS.Signals) => {
		// A second Ctrl-C while stopping: no more waiting for n8n's graceful shutdown.
		if (stopping) {
			const n8nPid = state.readRun()?.n8nPid;
			try {
				if (n8nPid) process.kill(-n8nPid, 'SIGKILL');
			} catch {
				// gone already
			}
			state.clearRun();
			process.exit(1);
		}
		void stop(`${signal} received`, 0);
	};
	process.on('SIGINT', onSignal);
	process.on('SIGTERM', onSignal);
	process.on('SIGHUP', onSignal);

	const started = Date.now();
	try {
		session = await startSession(options, closers, log);
	} catch (error) {
		if (stopping) return;
		if (error instanceof AlreadyRunning) {
			// Nothing of ours runs yet, and the other start's n8n and lock are not ours to touch.
			console.error(`[start] ${error.message}`);
			process.exit(1);
		}
		console.error(`[start] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
		return await stop('start failed', 1);
	}
	if (stopping) return;
	console.log(banner(session, options, Math.round((Date.now() - started) / 1000)));
	session.n8n.process.once('exit', (code, signal) => {
		if (stopping) return;
		console.error(`[start] n8n exited on its own (${signal ?? `code ${code}`}); its log: ${session!.n8n.logFile}\n${session!.n8n.logs.split('\n').slice(-30).join('\n')}`);
		void stop('n8n stopped', 1);
	});
}

void main();
