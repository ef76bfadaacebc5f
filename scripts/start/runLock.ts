// One `npm start` per state folder: n8n's sqlite database does not take two n8n processes. The
// lock is run.json in the state folder; a start that was killed (SIGKILL, a closed machine) leaves
// it behind, and the next start stops the n8n it may have left running.
import { readFileSync } from 'node:fs';

import { groupAlive } from '../../test/e2e/harness/processes.ts';
import type { StateFolder } from './state.ts';

export class AlreadyRunning extends Error {}

/** The command line of a live process ("" where /proc is missing), or undefined when it is gone. */
function commandLine(pid: number): string | undefined {
	try {
		process.kill(pid, 0);
	} catch {
		return undefined;
	}
	try {
		return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
	} catch {
		return '';
	}
}

/** Takes the folder for this process; returns what it had to clean up after an earlier start, if anything. */
export function claimStateFolder(state: StateFolder): string | undefined {
	const earlier = state.readRun();
	let cleanedUp: string | undefined;
	if (earlier && earlier.startPid !== process.pid) {
		const starter = commandLine(earlier.startPid);
		if (starter !== undefined && (starter === '' || starter.includes('start'))) {
			throw new AlreadyRunning(`npm start is already running on ${state.path} (pid ${earlier.startPid})${earlier.editorUrl ? `: ${earlier.editorUrl}` : ''}`);
		}
		const n8n = earlier.n8nPid === undefined ? undefined : commandLine(earlier.n8nPid);
		if (earlier.n8nPid !== undefined && n8n?.includes('n8n') && groupAlive(earlier.n8nPid)) {
			process.kill(-earlier.n8nPid, 'SIGKILL');
			cleanedUp = `stopped n8n (pid ${earlier.n8nPid}) that an earlier, killed npm start had left running`;
		}
	}
	state.create();
	state.writeRun({ startPid: process.pid });
	return cleanedUp;
}
