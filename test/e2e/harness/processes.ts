// Stopping a process that runs in its own process group (n8n and the task runners it starts).
import type { ChildProcess } from 'node:child_process';

/** True while any process of the group led by `pid` is alive. */
export function groupAlive(pid: number): boolean {
	try {
		process.kill(-pid, 0);
		return true;
	} catch {
		return false;
	}
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
	try {
		process.kill(-pid, signal);
	} catch {
		// The group is gone already.
	}
}

async function until(condition: () => boolean, timeoutMs: number): Promise<boolean> {
	const deadline = Date.now() + timeoutMs;
	while (!condition()) {
		if (Date.now() >= deadline) return false;
		await new Promise((wake) => setTimeout(wake, 100));
	}
	return true;
}

/**
 * SIGTERM to the whole group (n8n shuts down gracefully on it), SIGKILL to whatever is left after
 * `graceMs`; resolves once no process of the group remains.
 */
export async function stopProcessGroup(child: ChildProcess, graceMs = 20_000): Promise<void> {
	const pid = child.pid;
	if (pid === undefined) return;
	const exited = child.exitCode !== null || child.signalCode !== null;
	if (!exited) signalGroup(pid, 'SIGTERM');
	if (!(await until(() => !groupAlive(pid), graceMs))) signalGroup(pid, 'SIGKILL');
	await until(() => !groupAlive(pid), 5_000);
}
