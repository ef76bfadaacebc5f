// Runtime-neutral: web-standard APIs only (no node:, Deno, process), so n8n, Node and Deno share it.
import type { TransportResponse } from './http.ts';
import { headerValue } from './http.ts';

/** A file held in memory: an input to upload, or a small download. */
export interface DownloadedFile {
	data: Uint8Array;
	fileName: string;
	mimeType: string;
}

/**
 * A result being downloaded: its bytes arrive through `stream`, to be read once, straight into
 * n8n's binary store or a file on disk, so a large video costs little more than a buffer.
 */
export interface StreamedFile {
	stream: AsyncIterable<Uint8Array>;
	fileName: string;
	mimeType: string;
	/** From Content-Length, when the server sent one. */
	size?: number;
}

/** Reads a streamed file whole (for small files and tests). */
export async function readAll(file: Pick<StreamedFile, 'stream'>): Promise<Uint8Array> {
	const chunks: Uint8Array[] = [];
	let length = 0;
	for await (const chunk of file.stream) {
		chunks.push(chunk);
		length += chunk.byteLength;
	}
	const whole = new Uint8Array(length);
	let at = 0;
	for (const chunk of chunks) {
		whole.set(chunk, at);
		at += chunk.byteLength;
	}
	return whole;
}

const MIME_BY_EXTENSION: Record<string, string> = {
	png: 'image/png',
	jpg: 'image/jpeg',
	jpeg: 'image/jpeg',
	webp: 'image/webp',
	gif: 'image/gif',
	bmp: 'image/bmp',
	tif: 'image/tiff',
	tiff: 'image/tiff',
	avif: 'image/avif',
	mp4: 'video/mp4',
	webm: 'video/webm',
	mov: 'video/quicktime',
	mkv: 'video/x-matroska',
	flac: 'audio/flac',
	mp3: 'audio/mpeg',
	wav: 'audio/wav',
	ogg: 'audio/ogg',
	opus: 'audio/opus',
	txt: 'text/plain',
	json: 'application/json',
	glb: 'model/gltf-binary',
	gltf: 'model/gltf+json',
	obj: 'model/obj',
	zip: 'application/zip',
};

export function extensionOf(fileName: string): string {
	const match = /\.([A-Za-z0-9]+)$/.exec(fileName);
	return match ? match[1].toLowerCase() : '';
}

/** The MIME type a file name implies, if we know the extension. */
export function mimeTypeFromFileName(fileName: string): string | undefined {
	return MIME_BY_EXTENSION[extensionOf(fileName)];
}

/**
 * The file name from a Content-Disposition header: `filename*=utf-8''…` (RFC 6266/5987) wins
 * over `filename="…"`. Returns undefined when there is none.
 */
export function fileNameFromContentDisposition(header: string | undefined): string | undefined {
	if (!header) return undefined;
	const extended = /filename\*\s*=\s*([^']*)'[^']*'([^;]+)/i.exec(header);
	if (extended) {
		try {
			return safeFileName(decodeURIComponent(extended[2].trim()));
		} catch {
			// A malformed percent-encoding: fall back to the plain parameter.
		}
	}
	const plain = /filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]+))/i.exec(header);
	const value = plain?.[1]?.replace(/\\(.)/g, '$1') ?? plain?.[2]?.trim();
	return value ? safeFileName(value) : undefined;
}

/** A name that is safe as a single path segment: no folders, no control characters. */
export function safeFileName(name: string): string {
	const base = name.split(/[\\/]/).pop() ?? '';
	// eslint-disable-next-line no-control-regex
	const cleaned = base.replace(/[\u0000-\u001f\u007f<>:"|?*]/g, '_').replace(/^\.+/, '').trim();
	return cleaned || 'file';
}

/** The name and type of a downloaded file, from its headers, its name's extension and the caller's fallbacks. */
function fileInfo(response: TransportResponse, fallbackName: string, fallbackMime?: string): { fileName: string; mimeType: string } {
	const fileName = fileNameFromContentDisposition(headerValue(response.headers, 'content-disposition')) ?? fallbackName;
	const served = headerValue(response.headers, 'content-type')?.split(';')[0].trim();
	// The extension decides: servers guess Content-Type from the host's mime table and fall back
	// to text/plain for files they do not know (Visionatrix does this for .webp, .flac, .glb).
	const mimeType = mimeTypeFromFileName(fileName) ?? fallbackMime ?? served ?? 'application/octet-stream';
	return { fileName, mimeType };
}

export function downloadedFile(response: TransportResponse, fallbackName: string, fallbackMime?: string): DownloadedFile {
	return { data: response.body, ...fileInfo(response, fallbackName, fallbackMime) };
}

/** A download answered with `responseType: 'stream'` (a transport that buffered anyway gives one chunk). */
export function streamedFile(response: TransportResponse, fallbackName: string, fallbackMime?: string): StreamedFile {
	const length = Number(headerValue(response.headers, 'content-length'));
	return {
		stream: response.stream ?? oneChunk(response.body),
		size: Number.isSafeInteger(length) && length >= 0 ? length : undefined,
		...fileInfo(response, fallbackName, fallbackMime),
	};
}

async function* oneChunk(bytes: Uint8Array): AsyncIterable<Uint8Array> {
	yield bytes;
}
