// The CLI's runtime under Deno (`deno run scripts/genflows.ts`, from source).
import { resolve } from 'node:path';

import type { OpenSocket } from '../../nodes/shared/core/env.ts';
import { standardSocket } from '../../nodes/shared/core/sockets.ts';
import type { CliRuntime, StopSignal } from './cliRuntime.ts';
import { socketIoClient } from './eventSockets.ts';

/** The part of Deno's global namespace used here, typed locally so that tsc (Node types) accepts it. */
interface DenoApi {
	args: string[];
	env: { get(name: string): string | undefined };
	permissions: { querySync(descriptor: { name: 'env'; variable: string }): { state: string } };
	stdout: { isTerminal(): boolean; writeSync(data: Uint8Array): number };
	stderr: { writeSync(data: Uint8Array): number };
	addSignalListener(signal: StopSignal, handler: () => void): void;
	removeSignalListener(signal: StopSignal, handler: () => void): void;
	readFile(path: string): Promise<Uint8Array>;
	mkdir(path: string, options: { recursive: boolean }): Promise<void>;
	open(path: string, options: { write: true; createNew: true }): Promise<{ write(data: Uint8Array): Promise<number>; close(): void }>;
	remove(path: string): Promise<void>;
	exit(code: number): never;
}

export function denoGlobal(): DenoApi | undefined {
	return (globalThis as unknown as { Deno?: DenoApi }).Deno;
}

const encoder = new TextEncoder();

function writeAll(stream: { writeSync(data: Uint8Array): number }, text: string): void {
	let data = encoder.encode(text);
	while (data.length > 0) data = data.subarray(stream.writeSync(data));
}

export function denoRuntime(deno: DenoApi): CliRuntime {
	// Asking first avoids Deno's interactive permission prompt; without --allow-env the variables
	// count as unset and the flags are the only source.
	const canReadEnv = (name: string) => deno.permissions.querySync({ name: 'env', variable: name }).state === 'granted';
	return {
		name: 'deno',
		args: deno.args,
		env: (name) => (canReadEnv(name) ? deno.env.get(name) : undefined),
		canReadEnv,
		stdoutIsTerminal: deno.stdout.isTerminal(),
		writeStdout: (text) => writeAll(deno.stdout, text),
		writeStderr: (text) => writeAll(deno.stderr, text),
		onSignal(signal, handler) {
			deno.addSignalListener(signal, handler);
			return () => deno.removeSignalListener(signal, handler);
		},
		// Deno's own namespace has no path functions; node:path is built into Deno (nothing to fetch).
		resolvePath: (...segments) => resolve(...segments),
		readFile: (path) => deno.readFile(path),
		makeDir: (path) => deno.mkdir(path, { recursive: true }),
		async writeNewFile(path, data) {
			let file;
			try {
				file = await deno.open(path, { write: true, createNew: true });
			} catch (error) {
				if (error instanceof Error && error.name === 'AlreadyExists') return undefined;
				throw error;
			}
			let written = 0;
			try {
				for await (const chunk of data) {
					for (let at = 0; at < chunk.byteLength; ) at += await file.write(chunk.subarray(at));
					written += chunk.byteLength;
				}
				file.close();
				return written;
			} catch (error) {
				file.close();
				await deno.remove(path).catch(() => undefined);
				throw error;
			}
		},
		// Deno's global WebSocket.
		openSocket: standardSocket() as OpenSocket,
		// socket.io-client from npm (scripts/deno.jsonc), imported when the first Socket.IO channel opens.
		openEventSocket: socketIoClient,
		exit: (code) => deno.exit(code),
	};
}
