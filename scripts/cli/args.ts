// A small argument parser: `--name value`, `--name=value`, repeatable options, and `--` to end
// options. Anything unexpected is a UsageError naming the argument, which exits with code 2.

export type OptionKind = 'flag' | 'value' | 'list';

export type OptionSpecs = Record<string, OptionKind>;

export interface ParsedArgs {
	positionals: string[];
	flags: Set<string>;
	values: Map<string, string>;
	lists: Map<string, string[]>;
}

/** A bad command line. `argument` is what the user typed wrong, e.g. `--count` or `<taskId>`. */
export class UsageError extends Error {
	readonly argument: string;
	constructor(argument: string, message: string) {
		super(message);
		this.name = 'UsageError';
		this.argument = argument;
	}
}

export function parseArgs(argv: string[], specs: OptionSpecs): ParsedArgs {
	const parsed: ParsedArgs = { positionals: [], flags: new Set(), values: new Map(), lists: new Map() };
	for (let index = 0; index < argv.length; index++) {
		const arg = argv[index];
		if (arg === '--') {
			parsed.positionals.push(...argv.slice(index + 1));
			break;
		}
		if (!arg.startsWith('--') || arg === '-') {
			parsed.positionals.push(arg);
			continue;
		}
		const equals = arg.indexOf('=');
		const name = arg.slice(2, equals === -1 ? undefined : equals);
		const kind = specs[name];
		if (!kind) throw new UsageError(`--${name}`, `unknown option --${name}`);
		if (kind === 'flag') {
			if (equals !== -1) throw new UsageError(`--${name}`, `--${name} takes no value`);
			parsed.flags.add(name);
			continue;
		}
		let value: string;
		if (equals !== -1) value = arg.slice(equals + 1);
		else if (index + 1 < argv.length) value = argv[++index];
		else throw new UsageError(`--${name}`, `--${name} needs a value`);
		if (kind === 'value') parsed.values.set(name, value);
		else parsed.lists.set(name, [...(parsed.lists.get(name) ?? []), value]);
	}
	return parsed;
}

/** Splits `name=value` (of --input and --file); the value may itself contain `=`. */
export function keyValue(option: string, text: string): [string, string] {
	const equals = text.indexOf('=');
	if (equals <= 0) throw new UsageError(`--${option}`, `--${option} wants name=value; got "${text}"`);
	return [text.slice(0, equals), text.slice(equals + 1)];
}

/**
 * A whole number typed on the command line, e.g. `--count 3` or a task id. Only plain decimal
 * digits count: `0x1`, `1e3` and `3.0` are refused, echoing what was typed, rather than read as
 * 1, 1000 and 3 behind the user's back.
 */
export function wholeNumberArg(argument: string, text: string | undefined, min: number, max?: number): number | undefined {
	if (text === undefined) return undefined;
	const trimmed = text.trim();
	const value = /^[+-]?\d+$/.test(trimmed) ? Number(trimmed) : Number.NaN;
	if (Number.isSafeInteger(value) && value >= min && (max === undefined || value <= max)) return value;
	const range = max === undefined ? `of ${min} or more` : `from ${min} to ${max}`;
	throw new UsageError(argument, `${argument} must be a whole number ${range}; got "${text}"`);
}
