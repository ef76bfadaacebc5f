// Files named on the command line (--file, --inputs). A file that cannot be read is a bad
// argument (exit 2), named after the option that pointed at it.
import { mimeTypeFromFileName } from '../../nodes/shared/core/files.ts';
import type { DownloadedFile } from '../../nodes/shared/core/files.ts';
import type { CliRuntime } from '../runtime/cliRuntime.ts';
import type { ParsedArgs } from './args.ts';
import { keyValue, UsageError } from './args.ts';

export async function readArgumentFile(runtime: CliRuntime, argument: string, path: string): Promise<Uint8Array> {
	try {
		return await runtime.readFile(path);
	} catch (error) {
		throw new UsageError(argument, `cannot read "${path}" (${error instanceof Error ? error.message : String(error)})`);
	}
}

/** A file to upload: its bytes, its own name, and the MIME type that name implies. */
export async function uploadFromPath(runtime: CliRuntime, argument: string, path: string): Promise<DownloadedFile> {
	const data = await readArgumentFile(runtime, argument, path);
	const fileName = baseName(path);
	return { data, fileName, mimeType: mimeTypeFromFileName(fileName) ?? 'application/octet-stream' };
}

/**
 * The last part of a path by POSIX rules (Node's path.basename there): "/" separates, and "\" is an
 * ordinary character ("photos/a\b.png" → "a\b.png"). It only names the upload; the bytes come from
 * the path itself.
 */
export function baseName(path: string): string {
	return path.replace(/\/+$/, '').split('/').pop() ?? '';
}

/** A JSON file holding one object of text, number or true/false values (e.g. flow inputs). */
export async function readValuesFile(runtime: CliRuntime, argument: string, path: string): Promise<Record<string, string | number | boolean>> {
	const text = new TextDecoder().decode(await readArgumentFile(runtime, argument, path));
	let parsed: unknown;
	try {
		parsed = JSON.parse(text);
	} catch (error) {
		throw new UsageError(argument, `"${path}" is not JSON (${error instanceof Error ? error.message : String(error)})`);
	}
	if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
		throw new UsageError(argument, `"${path}" must hold one JSON object, e.g. {"prompt": "a red fox"}`);
	}
	for (const [name, value] of Object.entries(parsed)) {
		if (!['string', 'number', 'boolean'].includes(typeof value)) {
			throw new UsageError(argument, `"${name}" in "${path}" must be text, a number or true/false`);
		}
	}
	return parsed as Record<string, string | number | boolean>;
}

/** `run`'s input values: `--inputs file.json`, then each `--input name=value`, which wins over the same name in the file. */
export async function inputValuesFromArgs(runtime: CliRuntime, args: ParsedArgs): Promise<Record<string, string | number | boolean>> {
	const inputsPath = args.values.get('inputs');
	const values = inputsPath === undefined ? {} : await readValuesFile(runtime, '--inputs', inputsPath);
	for (const text of args.lists.get('input') ?? []) {
		const [name, value] = keyValue('input', text);
		values[name] = value;
	}
	return values;
}
