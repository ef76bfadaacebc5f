// Saves downloaded results into the output folder under safe names that never overwrite a file:
// "a.png" becomes "a-1.png", "a-2.png", … when the name is taken (by an earlier run, or by
// another file of this one).
import type { StreamedFile } from '../../nodes/shared/core/files.ts';
import { safeFileName } from '../../nodes/shared/core/files.ts';
import type { JobFile } from '../../nodes/shared/core/job.ts';
import type { CliRuntime } from '../runtime/cliRuntime.ts';
import type { ParsedArgs } from './args.ts';
import { UsageError } from './args.ts';
import type { Output } from './output.ts';

export interface SavedFile {
	path: string;
	fileName: string;
	mimeType: string;
	bytes: number;
}

const MAX_ATTEMPTS = 10_000;

export const OUT_DETAIL = '  --out DIR            where to save the files (default: the current folder); names never overwrite';

/** The folder `--out` names; the current folder without it. */
export function outDir(args: ParsedArgs): string {
	return args.values.get('out') ?? '.';
}

export function numberedName(name: string, number: number): string {
	if (number === 0) return name;
	const dot = name.lastIndexOf('.');
	return dot > 0 ? `${name.slice(0, dot)}-${number}${name.slice(dot)}` : `${name}-${number}`;
}

/** Makes the output folder before a job is submitted; a path that is a file (or cannot be made) is a bad --out. */
export async function prepareOutDir(runtime: CliRuntime, dir: string): Promise<void> {
	try {
		await runtime.makeDir(runtime.resolvePath(dir));
	} catch (error) {
		const why = /EEXIST|ENOTDIR|exists|Not a directory/i.test(String((error as { code?: unknown }).code ?? '') + String(error))
			? 'is a file (or lies under one), not a folder'
			: `cannot be created (${error instanceof Error ? error.message : String(error)})`;
		throw new UsageError('--out', `"${dir}" ${why}`);
	}
}

/** Streams a file into `dir` under the first free numbered form of its name. */
export async function saveFile(runtime: CliRuntime, dir: string, file: StreamedFile): Promise<SavedFile> {
	const folder = runtime.resolvePath(dir);
	await runtime.makeDir(folder);
	// One path segment: no folders, so resolving it in `folder` only joins the two.
	const name = safeFileName(file.fileName);
	for (let number = 0; number < MAX_ATTEMPTS; number++) {
		const path = runtime.resolvePath(folder, numberedName(name, number));
		const bytes = await runtime.writeNewFile(path, file.stream);
		if (bytes !== undefined) return { path, fileName: file.fileName, mimeType: file.mimeType, bytes };
	}
	throw new Error(`Could not find a free file name for "${name}" in ${folder}.`);
}

/** Saves a job's files in turn, each reported as a `saved` event with the provider's facts about it; returns where they went. */
export async function saveAndReport(runtime: CliRuntime, output: Output, dir: string, files: AsyncIterable<JobFile>): Promise<SavedFile[]> {
	const saved: SavedFile[] = [];
	// Each file is written out before the next one is downloaded.
	for await (const file of files) {
		const where = await saveFile(runtime, dir, file);
		saved.push(where);
		output.event('saved', { ...file.details, ...where }, `saved ${where.path} (${where.mimeType}, ${where.bytes} bytes)`);
	}
	return saved;
}

/** The closing line of a command that saved files: "done: 2 files from task 42". */
export function doneLine(count: number, from: string): string {
	return `done: ${count} file${count === 1 ? '' : 's'} from ${from}`;
}
