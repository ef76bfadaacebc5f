// The little the command-line tool needs from the JavaScript runtime. Node and Deno each provide
// one (runtimes/node.ts, runtimes/deno.ts); everything else in scripts/cli is shared.

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
	readFile(path: string): Promise<Uint8Array>;
	makeDir(path: string): Promise<void>;
	/** Creates `path` holding `data`; false, with nothing written, when the path already exists. */
	writeNewFile(path: string, data: Uint8Array): Promise<boolean>;
	/** Ends the process once what was written to stdout has gone out. */
	exit(code: number): void;
}
