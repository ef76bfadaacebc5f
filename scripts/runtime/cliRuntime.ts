// The little the command-line tool needs from the JavaScript runtime. Node and Deno each provide
// one (node.ts, deno.ts); this folder holds the only files that use node: modules or Deno, so
// everything in scripts/cli runs under both unchanged (eslint.config.mjs checks it).

import type { OpenEventSocket, OpenSocket } from '../../nodes/shared/core/env.ts';

export type StopSignal = 'SIGINT' | 'SIGTERM';

export interface CliRuntime {
	name: 'node' | 'deno';
	/** The arguments after the script's own path. */
	args: string[];
	/** An environment variable; undefined when unset or when the runtime may not read it. */
	env(name: string): string | undefined;
	/** False where reading `name` needs a permission the process lacks (Deno without --allow-env). */
	canReadEnv(name: string): boolean;
	stdoutIsTerminal: boolean;
	writeStdout(text: string): void;
	writeStderr(text: string): void;
	/** Calls `handler` each time the signal arrives; returns a function that stops listening. */
	onSignal(signal: StopSignal, handler: () => void): () => void;
	/** The absolute path of `segments` joined, against the current folder (Node's path.resolve). */
	resolvePath(...segments: string[]): string;
	readFile(path: string): Promise<Uint8Array>;
	makeDir(path: string): Promise<void>;
	/**
	 * Creates `path` and writes `data` into it as it arrives; resolves with the bytes written, or
	 * undefined (nothing written) when the path already exists. A failure part-way removes the file.
	 */
	writeNewFile(path: string, data: AsyncIterable<Uint8Array>): Promise<number | undefined>;
	/** How push channels open a WebSocket here: the runtime's own, or undici's on Node 20. */
	openSocket: OpenSocket;
	/** How Socket.IO push channels open: `socket.io-client`, loaded when the first one opens; absent, such jobs are polled. */
	openEventSocket?: OpenEventSocket;
	/** Ends the process once what was written to stdout has gone out. */
	exit(code: number): void;
}
