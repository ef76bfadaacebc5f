import { mkdir, readFile, writeFile } from 'node:fs/promises';

import type { CliRuntime, StopSignal } from '../runtime.ts';

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
		readFile: async (path) => new Uint8Array(await readFile(path)),
		makeDir: async (path) => void (await mkdir(path, { recursive: true })),
		async writeNewFile(path, data) {
			try {
				// `wx` fails when the file exists, so two runs saving at once never overwrite each other.
				await writeFile(path, data, { flag: 'wx' });
				return true;
			} catch (error) {
				if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
				throw error;
			}
		},
		exit(code) {
			// A piped stdout may still hold lines; exit once they are written.
			process.stdout.write('', () => process.exit(code));
		},
	};
}
