// ComfyUI's input and output folders as its `/view` serves them: files by type, subfolder and name,
// with the Content-Type its mimetypes guess gives; output pictures are drawn on first read.

import { contentTypeOf } from '../shared/contentTypes.ts';

export type FolderType = 'input' | 'output' | 'temp';

interface StoredFile {
	bytes?: Buffer;
	make?: () => Buffer;
}

/** Why `/view` failed, as the status text the wrapper puts in its error. */
export type ViewFailure = 'Bad Request' | 'Not Found';

export class ComfyFiles {
	private readonly files = new Map<string, StoredFile>();

	private static key(type: string, subfolder: string, name: string): string {
		return `${type}\0${subfolder}\0${name}`;
	}

	put(type: FolderType, subfolder: string, name: string, bytes: Buffer | (() => Buffer)): void {
		this.files.set(ComfyFiles.key(type, subfolder, name), typeof bytes === 'function' ? { make: bytes } : { bytes });
	}

	has(type: FolderType, subfolder: string, name: string): boolean {
		return this.files.has(ComfyFiles.key(type, subfolder, name));
	}

	/** `GET /view?filename=&subfolder=&type=`: the file, or the status text of ComfyUI's refusal. */
	view(name: string, subfolder: string, type: string): { contentType: string; bytes: Buffer } | ViewFailure {
		if (!['input', 'output', 'temp'].includes(type)) return 'Bad Request';
		if (!name || name.startsWith('/') || name.includes('..') || subfolder.includes('..')) return 'Bad Request';
		const file = this.files.get(ComfyFiles.key(type, subfolder, name));
		if (!file) return 'Not Found';
		if (!file.bytes && file.make) {
			file.bytes = file.make();
			file.make = undefined;
		}
		return { contentType: contentTypeOf(name), bytes: file.bytes ?? Buffer.alloc(0) };
	}
}
