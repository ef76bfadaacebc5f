// Saves downloaded results into the output folder under safe names that never overwrite a file:
// "a.png" becomes "a-1.png", "a-2.png", … when the name is taken (by an earlier run, or by
// another file of this one).
import { join, resolve } from 'node:path';

import type { DownloadedFile } from '../../nodes/shared/core/files.ts';
import { safeFileName } from '../../nodes/shared/core/files.ts';
import { UsageError } from './args.ts';
import type { Fields, Output } from './output.ts';
import type { CliRuntime } from './runtime.ts';

export interface SavedFile {
	path: string;
	fileName: string;
	mimeType: string;
	bytes: number;
}

const MAX_ATTEMPTS = 10_000;

export function numberedName(name: string, number: number): string {
	if (number === 0) return name;
	const dot = name.lastIndexOf('.');
	return dot > 0 ? `${name.slice(0, dot)}-${number}${name.slice(dot)}` : `${name}-${number}`;
}

/** Makes the output folder before a job is submitted; a path that is a file (or cannot be made) is a bad --out. */
export async function prepareOutDir(runtime: CliRuntime, dir: string): Promise<void> {
	try {
		await runtime.makeDir(resolve(dir));
	} catch (error) {
		const why = /EEXIST|ENOTDIR|exists|Not a directory/i.test(String((error as { code?: unknown }).code ?? '') + String(error))
			? 'is a file (or lies under one), not a folder'
			: `cannot be created (${error instanceof Error ? error.message : String(error)})`;
		throw new UsageError('--out', `"${dir}" ${why}`);
	}
}

export async function saveFile(runtime: CliRuntime, dir: string, file: DownloadedFile): Promise<SavedFile> {
	const folder = resolve(dir);
	await runtime.makeDir(folder);
	const name = safeFileName(file.fileName);
	for (let number = 0; number < MAX_ATTEMPTS; number++) {
		const path = join(folder, numberedName(name, number));
		if (await runtime.writeNewFile(path, file.data)) {
			return { path, fileName: file.fileName, mimeType: file.mimeType, bytes: file.data.byteLength };
		}
	}
	throw new Error(`Could not find a free file name for "${name}" in ${folder}.`);
}

/** Saves each file in turn and reports it as a `saved` event; returns where they went. */
export async function saveAndReport<File extends DownloadedFile>(
	runtime: CliRuntime,
	output: Output,
	dir: string,
	files: File[],
	fieldsOf: (file: File) => Fields,
): Promise<SavedFile[]> {
	const saved: SavedFile[] = [];
	for (const file of files) {
		const where = await saveFile(runtime, dir, file);
		saved.push(where);
		output.event('saved', { ...fieldsOf(file), ...where }, `saved ${where.path} (${where.mimeType}, ${where.bytes} bytes)`);
	}
	return saved;
}
