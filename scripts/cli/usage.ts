// Help and usage lines, built from the provider modules so that a new command documents itself.
import type { OptionSpecs } from './args.ts';
import type { Command, ConnectionSetting, ProviderCli } from './command.ts';

export const GLOBAL_OPTIONS: OptionSpecs = { json: 'flag', help: 'flag' };

const EXIT_CODES = [
	'Exit codes: 0 done, 1 job failed or server error, 2 bad arguments,',
	'130 stopped by Ctrl-C (after cancelling the remote job), 143 stopped by SIGTERM.',
];

/** The exit codes as a provider's help gives them: one that cannot cancel a job (`stopping`) does not claim to. */
function exitCodes(provider: ProviderCli): string[] {
	if (!provider.stopping) return EXIT_CODES;
	return [EXIT_CODES[0], '130 stopped by Ctrl-C, 143 by SIGTERM (the remote job is not cancelled: this server cannot).'];
}

export const GENERAL_USAGE = 'usage: genflows <provider> <command> [options]   (genflows --help, genflows --version)';

export function settingOptions(settings: ConnectionSetting[]): OptionSpecs {
	return Object.fromEntries(settings.map((setting) => [setting.option, 'value' as const]));
}

export function providerUsage(provider: ProviderCli): string {
	return `usage: genflows ${provider.name} <command> [options]   (genflows ${provider.name} --help)`;
}

export function commandUsage(provider: ProviderCli, command: Command): string {
	const words = ['usage: genflows', provider.name, command.name, ...command.positionals, command.synopsis, '[--json]'];
	return words.filter(Boolean).join(' ');
}

export function generalHelp(providers: ProviderCli[]): string {
	return [
		GENERAL_USAGE,
		'',
		'Runs jobs on self-hosted image-generation servers through the same core as the n8n nodes.',
		'',
		'Providers:',
		...providers.map((provider) => `  ${provider.name.padEnd(14)}${provider.summary}`),
		'',
		...EXIT_CODES,
	].join('\n') + '\n';
}

export function providerHelp(provider: ProviderCli): string {
	return [
		providerUsage(provider),
		'',
		'Commands:',
		...provider.commands.map((command) => `  ${command.name.padEnd(commandColumn(provider))}${command.summary}`),
		'',
		...connectionHelp(provider.settings),
		...OUTPUT_HELP,
		...exitCodes(provider),
	].join('\n') + '\n';
}

/** The width of the command names in a provider's help: ten columns, or more for a longer name ("regenerate"). */
function commandColumn(provider: ProviderCli): number {
	return Math.max(9, ...provider.commands.map((command) => command.name.length)) + 1;
}

export function commandHelp(provider: ProviderCli, command: Command): string {
	const details = command.details.length > 0 ? [...command.details, ''] : [];
	return [commandUsage(provider, command), '', command.summary, '', ...details, ...connectionHelp(provider.settings), ...OUTPUT_HELP, ...exitCodes(provider)].join('\n') + '\n';
}

function connectionHelp(settings: ConnectionSetting[]): string[] {
	return [
		'Connection (flags win over environment variables):',
		...settings.map((setting) => {
			const fallback = setting.fallback ? ` (default ${setting.fallback})` : '';
			return `  --${setting.option.padEnd(10)} ${setting.env.padEnd(22)} ${setting.description}${fallback}`;
		}),
		'',
	];
}

const OUTPUT_HELP = [
	'Output: a progress bar on a terminal; with --json, or when stdout is not a terminal,',
	'one JSON object per line (events, then a final "result" or "error").',
	'',
];
