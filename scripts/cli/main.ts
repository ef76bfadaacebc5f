// Finds the provider and command, parses the rest, runs it, and turns the outcome into an exit
// code. Ctrl-C aborts the command's signal, so the provider core cancels the remote job first.
import { pointsAtAddress } from '../../nodes/shared/core/errors.ts';
import { redactUrl } from '../../nodes/shared/core/redact.ts';
import type { CliRuntime, StopSignal } from '../runtime/cliRuntime.ts';
import { parseArgs, UsageError } from './args.ts';
import type { Command, ProviderCli } from './command.ts';
import { describeFailure, EXIT_BY_SIGNAL, EXIT_OK, EXIT_USAGE } from './failures.ts';
import { jsonLinesOutput } from './jsonLinesOutput.ts';
import { resolveSettings } from './settings.ts';
import { terminalOutput } from './terminalOutput.ts';
import {
	commandHelp,
	commandUsage,
	GENERAL_USAGE,
	generalHelp,
	GLOBAL_OPTIONS,
	providerHelp,
	providerUsage,
	settingOptions,
} from './usage.ts';
import { GENFLOWS_VERSION } from './version.ts';

const HELP_WORDS = new Set(['--help', '-h', 'help']);
const VERSION_WORDS = new Set(['--version', '-V', 'version']);

/** Runs the command line in `runtime.args`; resolves with the exit code. */
export async function main(runtime: CliRuntime, providers: ProviderCli[]): Promise<number> {
	const [providerName, commandName, ...rest] = runtime.args;
	const names = (list: { name: string }[]) => list.map((item) => item.name).join(', ');
	if (providerName !== undefined && HELP_WORDS.has(providerName)) return help(runtime, generalHelp(providers));
	if (providerName !== undefined && VERSION_WORDS.has(providerName)) return help(runtime, `genflows ${GENFLOWS_VERSION}\n`);
	const provider = providers.find((candidate) => candidate.name === providerName);
	if (!provider) {
		const said = providerName === undefined ? 'no provider given' : `unknown provider "${providerName}"`;
		return badArguments(runtime, new UsageError('<provider>', `${said}; one of: ${names(providers)}`), GENERAL_USAGE);
	}
	if (commandName !== undefined && HELP_WORDS.has(commandName)) return help(runtime, providerHelp(provider));
	const command = provider.commands.find((candidate) => candidate.name === commandName);
	if (!command) {
		const said = commandName === undefined ? 'no command given' : `unknown command "${commandName}"`;
		return badArguments(runtime, new UsageError('<command>', `${said}; one of: ${names(provider.commands)}`), providerUsage(provider));
	}
	return runCommand(runtime, provider, command, rest);
}

async function runCommand(runtime: CliRuntime, provider: ProviderCli, command: Command, argv: string[]): Promise<number> {
	const specs = { ...GLOBAL_OPTIONS, ...settingOptions(provider.settings), ...command.options };
	const usage = commandUsage(provider, command);
	let args;
	try {
		args = parseArgs(argv, specs);
		if (args.flags.has('help')) return help(runtime, commandHelp(provider, command));
		checkPositionals(command, args.positionals);
	} catch (error) {
		if (error instanceof UsageError) return badArguments(runtime, error, usage);
		throw error;
	}

	const warn = (message: string) => runtime.writeStderr(`genflows: warning: ${message}\n`);
	const output = args.flags.has('json') || !runtime.stdoutIsTerminal ? jsonLinesOutput(runtime.writeStdout) : terminalOutput(runtime.writeStdout);
	const { values: settings, unread } = resolveSettings(provider.settings, args, runtime);
	if (unread.length > 0) {
		warn(`Deno runs without --allow-env, so ${unread.join(', ')} was not read; pass it as a flag or allow it (--allow-env=${unread.join(',')}).`);
	}

	const controller = new AbortController();
	let stoppedBy: StopSignal | undefined;
	const onStop = (signal: StopSignal) => () => {
		output.close();
		if (stoppedBy) {
			runtime.writeStderr(`genflows: ${signal} again: quitting without waiting for the remote job to be cancelled.\n`);
			runtime.exit(EXIT_BY_SIGNAL[signal]);
			return;
		}
		stoppedBy = signal;
		const doing = provider.stopping ?? 'cancelling the remote job first (press Ctrl-C again to quit at once)';
		runtime.writeStderr(`genflows: ${signal}: stopping; ${doing}.\n`);
		controller.abort();
	};
	const listeners = [runtime.onSignal('SIGINT', onStop('SIGINT')), runtime.onSignal('SIGTERM', onStop('SIGTERM'))];

	try {
		await command.run({ runtime, args, settings, output, signal: controller.signal, warn });
		output.close();
		return EXIT_OK;
	} catch (error) {
		const failure = describeFailure(error, stoppedBy, (parameter) => provider.argumentFor(parameter) ?? (parameter in specs ? `--${parameter}` : parameter));
		if ((failure.kind === 'deadline' || pointsAtAddress(error)) && !failure.hint) failure.hint = addressHint(provider, settings, failure.kind === 'connection' || failure.kind === 'deadline');
		output.error({ ...failure });
		output.close();
		runtime.writeStderr(`genflows: ${failure.message}\n`);
		if (failure.hint) runtime.writeStderr(`hint: ${failure.hint}\n`);
		if (failure.exitCode === EXIT_USAGE) runtime.writeStderr(`${usage}\n`);
		return failure.exitCode;
	} finally {
		for (const stopListening of listeners) stopListening();
	}
}

function checkPositionals(command: Command, positionals: string[]): void {
	const missing = command.positionals[positionals.length];
	if (missing) throw new UsageError(missing, `${missing} is missing`);
	const extra = positionals[command.positionals.length];
	if (extra !== undefined) throw new UsageError(extra, `unexpected argument "${extra}"`);
}

function help(runtime: CliRuntime, text: string): number {
	runtime.writeStdout(text);
	return EXIT_OK;
}

/** A command line that could not be parsed: the usage on stderr and, for programs reading stdout, the JSON error line. */
function badArguments(runtime: CliRuntime, error: UsageError, usage: string): number {
	const failure = describeFailure(error, undefined, (parameter) => parameter);
	if (runtime.args.includes('--json') || !runtime.stdoutIsTerminal) jsonLinesOutput(runtime.writeStdout).error({ ...failure });
	runtime.writeStderr(`genflows: ${failure.message}\n${usage}\n`);
	return EXIT_USAGE;
}

/** Where a command tried to connect, and how to point it elsewhere. */
function addressHint(provider: ProviderCli, settings: Record<string, string | undefined>, unreachable: boolean): string | undefined {
	const address = provider.settings.find((setting) => setting.option === 'url');
	if (!address) return undefined;
	const tried = settings.url ? ` (tried ${redactUrl(settings.url)})` : '';
	if (!unreachable) return `Is that address${tried} the server's own, not a web page, a proxy or a login in front of it? Point --url or ${address.env} at the server.`;
	return `Is the server running at that address${tried}? Point --url or ${address.env} at it.`;
}
