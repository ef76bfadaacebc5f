// The shape of a provider's command module. A provider (Visionatrix now; InvokeAI, Flowscale and
// Pet Portrait later) adds one module listing its connection settings and its commands, most of
// them from jobCommands.ts, and names it in providers/index.ts.
import type { CliRuntime } from '../runtime/cliRuntime.ts';
import type { OptionSpecs, ParsedArgs } from './args.ts';
import type { Output } from './output.ts';

/** A connection setting: `--option` wins over the environment variable `env`, then `fallback`. */
export interface ConnectionSetting {
	option: string;
	env: string;
	description: string;
	fallback?: string;
	/** Say so on stderr when the variable could not be read (it decides where requests go). */
	warnWhenUnread?: boolean;
}

export interface CommandContext {
	runtime: CliRuntime;
	args: ParsedArgs;
	/** Connection settings by option name, already resolved from flags, environment and defaults. */
	settings: Record<string, string | undefined>;
	output: Output;
	/** Fires on Ctrl-C (or SIGTERM); the provider core then cancels the remote job. */
	signal: AbortSignal;
	/** Writes a warning line on stderr. */
	warn(message: string): void;
}

export interface Command {
	name: string;
	/** Positional arguments, e.g. ["<flow>"]; all are required. */
	positionals: string[];
	/** Option synopsis for the usage line, e.g. "[--out DIR]". */
	synopsis: string;
	summary: string;
	/** Lines for --help explaining the options. */
	details: string[];
	options: OptionSpecs;
	run(context: CommandContext): Promise<void>;
}

export interface ProviderCli {
	name: string;
	summary: string;
	settings: ConnectionSetting[];
	commands: Command[];
	/** The command-line argument a core InputError's `parameter` stands for, e.g. "inputs.prompt" → "--input prompt". */
	argumentFor(parameter: string): string | undefined;
	/**
	 * What the first Ctrl-C (or SIGTERM) line says after "stopping", for a server that cannot cancel
	 * a job (Pet Portrait); without it the line says the remote job is cancelled first.
	 */
	stopping?: string;
}
