// The CLI's runtime under Node (the built `dist/scripts/genflows.js`, and `npm run demo`).
import { mkdir, open, readFile, unlink } from 'node:fs/promises';
import { resolve } from 'node:path';

import type { WebSocketConstructor } from '../../nodes/shared/core/sockets.ts';
import { socketWithFallback } from '../../nodes/shared/core/sockets.ts';
import type { CliRuntime, StopSignal } from './cliRuntime.ts';
import { socketIoClient } from './eventSockets.ts';

// Node 20 has no global WebSocket: undici (a dependency) gives the same class, loaded only there.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const nodeSocket = socketWithFallback(() => (require('undici') as { WebSocket: WebSocketConstructor }).WebSocket);

export function nodeRuntime(): CliRuntime {
	return {
		name: 'node',
		args: process.argv.slice(2),
		env: (name) => process.env[name],
		canReadEnv: () => true,
		stdoutIsTerminal: process.stdout.isTTY === true,
		writeStdout: (text) => void process.stdout.write(text),
		writeStderr: (text) => void process.stderr.write(text),
		onSignal(signal: StopSignal, handler: () => void) {
			process.on(signal, handler);
			return () => void process.off(signal, handler);
		},
		resolvePath: (...segments) => resolve(...segments),
		readFile: async (path) => new Uint8Array(await readFile(path)),
		makeDir: async (path) => void (await mkdir(path, { recursive: true })),
		async writeNewFile(path, data) {
			let file;
			try {
				// `wx` fails when the file exists, so two runs saving at once never overwrite each other.
				file = await open(path, 'wx');
			} catch (error) {
				if ((error as NodeJS.ErrnoException).code === 'EEXIST') return undefined;
				throw error;
			}
			let written = 0;
			try {
				for await (const chunk of data) {
					await file.write(chunk);
					written += chunk.byteLength;
				}
				await file.close();
				return written;
			} catch (error) {
				await file.close().catch(() => undefined);
				await unlink(path).catch(() => undefined);
				throw error;
			}
		},
		openSocket: nodeSocket,
		openEventSocket: socketIoClient,
		exit(code) {
			// A piped stdout may still hold lines; exit once they are written.
			process.stdout.write('', () => process.exit(code));
		},
	};
}
