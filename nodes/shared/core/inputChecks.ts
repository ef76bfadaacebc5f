// Runtime-neutral: web-standard APIs only (no node:, Deno, process), so n8n, Node and Deno share it.
import { InputError } from './errors.ts';

/**
 * A whole number in [min, max], or an InputError naming `parameter`, e.g.
 * "The priority must be a whole number from 0 to 15; got 20."
 */
export function requireWholeNumber(parameter: string, label: string, value: unknown, min: number, max?: number): number {
	if (typeof value === 'number' && Number.isSafeInteger(value) && value >= min && (max === undefined || value <= max)) {
		return value;
	}
	const range = max === undefined ? `of ${min} or more` : `from ${min} to ${max}`;
	const given = typeof value === 'number' ? String(value) : JSON.stringify(value);
	throw new InputError(parameter, `The ${label} must be a whole number ${range}; got ${given}.`);
}

/** The picture formats GPU servers load (ComfyUI's LoadImage goes through Pillow), by their first bytes. */
const IMAGE_SIGNATURES: Array<{ mimeType: string; at?: number; bytes: number[] }> = [
	{ mimeType: 'image/png', bytes: [0x89, 0x50, 0x4e, 0x47] },
	{ mimeType: 'image/jpeg', bytes: [0xff, 0xd8, 0xff] },
	{ mimeType: 'image/gif', bytes: [0x47, 0x49, 0x46, 0x38] },
	{ mimeType: 'image/webp', at: 8, bytes: [0x57, 0x45, 0x42, 0x50] },
	{ mimeType: 'image/bmp', bytes: [0x42, 0x4d] },
	{ mimeType: 'image/tiff', bytes: [0x49, 0x49, 0x2a, 0x00] },
	{ mimeType: 'image/tiff', bytes: [0x4d, 0x4d, 0x00, 0x2a] },
];

/** The image type `data` starts like, or undefined when it is no picture these servers read. */
export function sniffImageType(data: Uint8Array): string | undefined {
	return IMAGE_SIGNATURES.find(({ at = 0, bytes }) => bytes.every((byte, index) => data[at + index] === byte))?.mimeType;
}

/**
 * Refuses a file that is not a picture before it is uploaded, naming `parameter`: its bytes decide,
 * because a MIME type from a download or a file name can be wrong either way (a PNG sent as
 * application/octet-stream is fine; a PDF called photo.png is not). Returns the sniffed image type.
 */
export function requireImage(parameter: string, file: { data: Uint8Array; fileName?: string; mimeType?: string }): string {
	const sniffed = sniffImageType(file.data);
	if (sniffed) return sniffed;
	const what = [file.fileName && `"${file.fileName}"`, file.mimeType && `(${file.mimeType})`].filter(Boolean).join(' ') || 'The file';
	if (file.data.byteLength === 0) throw new InputError(parameter, `${what} is empty (0 bytes): expected a picture.`);
	throw new InputError(parameter, `${what} is not an image: expected a PNG, JPEG, WebP, GIF, BMP or TIFF picture.`);
}
