// Runtime-neutral: web-standard APIs only (no node:, Deno, process), so n8n, Node and Deno share it.
// Pictures in and out: the pet photo uploaded (checked before it is sent), and a picture's path
// under `/api/images/` (the `resultImage` and `imageUrl` the server names, or a bare file name).
import { InputError } from '../../core/errors.ts';
import { readAll, safeFileName } from '../../core/files.ts';
import { requireImage } from '../../core/inputChecks.ts';
import type { FormPart } from '../../core/http.ts';

/** The pet photo to upload: its bytes in memory, or a stream read once (into memory: the upload is one multipart form). */
export interface PortraitImage {
	data: Uint8Array | AsyncIterable<Uint8Array>;
	fileName: string;
	mimeType: string;
}

export type ImageType = 'output' | 'input';
const IMAGE_TYPES: readonly ImageType[] = ['output', 'input'];

/** Which picture `GET /api/images/:filename` serves. */
export interface ImageReference {
	fileName: string;
	type: ImageType;
	subfolder: string;
}

const IMAGE_PATH = /\/api\/images\/([^/]+)$/;

/**
 * The picture a path names: `/api/images/x.png?type=output&subfolder=` as the server gives it
 * (alone or on a full URL of the server: only its path and query are used, never its host), or a
 * bare file name. `options` win over the query; the defaults are the server's (output, no subfolder).
 */
export function imageReference(pathOrName: string, options: { type?: ImageType; subfolder?: string } = {}): ImageReference {
	const text = String(pathOrName ?? '').trim();
	if (!text) throw new InputError('imagePath', 'No image was named: give a result image path such as /api/images/portrait.png?type=output&subfolder= or a file name.');
	let fileName = text;
	let query = new URLSearchParams();
	if (/[/?]/.test(text)) {
		let url: URL;
		try {
			url = new URL(text, 'http://pet-portrait.invalid');
		} catch {
			throw notAnImagePath(text);
		}
		const match = IMAGE_PATH.exec(url.pathname);
		if (!match) throw notAnImagePath(text);
		fileName = decodeSegment(match[1]);
		query = url.searchParams;
	}
	const type = options.type ?? (query.get('type') || 'output');
	if (!IMAGE_TYPES.includes(type as ImageType)) {
		throw new InputError('imageType', `The image type must be ${IMAGE_TYPES.join(' or ')}; got "${type}".`);
	}
	return { fileName, type: type as ImageType, subfolder: options.subfolder ?? query.get('subfolder') ?? '' };
}

/** The `/api/images/…` path of a picture, as the server names it. */
export function imagePath(reference: ImageReference): string {
	return `/api/images/${encodeURIComponent(reference.fileName)}`;
}

/** The download's name: the picture's own file name, made safe as a path segment. */
export function imageFileName(reference: ImageReference): string {
	return safeFileName(reference.fileName);
}

/**
 * The multipart part `image` of `POST /api/upload`, refused before anything is sent when the file
 * is empty or no picture. Its bytes decide (the core's `requireImage`): the server's filter looks
 * only at the MIME type, so a PDF called rex.png would pass it and fail later inside ComfyUI. A
 * picture sent with a generic or wrong type goes as the type its bytes show, which the server accepts.
 */
export async function imagePart(image: PortraitImage): Promise<Extract<FormPart, { data: Uint8Array }>> {
	const fileName = String(image.fileName ?? '').trim() || 'image';
	const given = String(image.mimeType ?? '').split(';')[0].trim().toLowerCase();
	const data = image.data instanceof Uint8Array ? image.data : await readAll({ stream: image.data });
	if (data.byteLength === 0) throw new InputError('image', `The image "${fileName}" is empty (0 bytes).`);
	const sniffed = requireImage('image', { data, fileName, mimeType: given });
	return { name: 'image', data, fileName, mimeType: /^image\/[a-z0-9.+-]+$/.test(given) ? given : sniffed };
}

function notAnImagePath(text: string): InputError {
	return new InputError('imagePath', `"${text}" is neither an image path of this server (/api/images/<file name>?type=output&subfolder=) nor a file name.`);
}

function decodeSegment(segment: string): string {
	try {
		return decodeURIComponent(segment);
	} catch {
		return segment;
	}
}
