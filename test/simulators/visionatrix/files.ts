// Bytes the simulated server serves: result files (real PNGs, plausible headers for other types),
// ZIP archives (STORE method, like Python's ZipFile default), and the HTTP headers Starlette's
// FileResponse would put on them.
import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';

import { encodeRgbPng } from '../shared/picture/png.ts';

/** What a SaveImage/SaveAudio/... node writes for one output type when no extension is configured. */
export const DEFAULT_EXTENSION_BY_TYPE: Record<string, string> = {
	image: 'png',
	'image-animated': 'webp',
	video: 'mp4',
	audio: 'flac',
	text: 'txt',
	'3d-model': 'glb',
};

/** The ComfyUI node class that produces each output type (used in the generated `flow_comfy`). */
export const CLASS_TYPE_BY_OUTPUT_TYPE: Record<string, string> = {
	image: 'SaveImage',
	'image-animated': 'SaveAnimatedWEBP',
	video: 'VHS_VideoCombine',
	audio: 'SaveAudio',
	text: 'SaveText|pysssss',
	'3d-model': 'SaveGLB',
};

/** visionatrix/etc.py: the extensions `GET /results` keeps for each output type. */
const EXTENSIONS_BY_TYPE: Record<string, string[]> = {
	image: ['.png', '.jpg', '.jpeg', '.bmp', '.tiff', '.tif', '.svg', '.ico', '.heif', '.heic', '.hif', '.raw', '.psd', '.eps', '.avif', '.jp2', '.xcf'],
	'image-animated': ['.gif', '.webp'],
	video: ['.mp4', '.avi', '.mkv', '.mov', '.flv', '.wmv', '.webm', '.m4v', '.3gp', '.3g2', '.mpg', '.mpeg', '.vob', '.rm', '.rmvb', '.ts', '.m2ts', '.mxf', '.f4v', '.divx', '.xvid', '.ogv', '.mpe', '.asf', '.swf'],
	audio: ['.mp3', '.flac', '.wav'],
	text: ['.txt'],
	'3d-model': ['.glb', '.gltf', '.fbx'],
};

/** `get_files_for_node`: whether a server-side file name is returned for an output of this type. */
export function isServedForType(fileName: string, type: string): boolean {
	const extensions = EXTENSIONS_BY_TYPE[type];
	return !extensions || extensions.some((extension) => fileName.endsWith(extension));
}

/** Python's `mimetypes` without /etc/mime.types: what it always knows. */
const BUILTIN_MIME: Record<string, string> = {
	'.png': 'image/png',
	'.jpg': 'image/jpeg',
	'.jpeg': 'image/jpeg',
	'.gif': 'image/gif',
	'.bmp': 'image/bmp',
	'.tif': 'image/tiff',
	'.tiff': 'image/tiff',
	'.svg': 'image/svg+xml',
	'.ico': 'image/vnd.microsoft.icon',
	'.mp4': 'video/mp4',
	'.webm': 'video/webm',
	'.mov': 'video/quicktime',
	'.avi': 'video/x-msvideo',
	'.mpg': 'video/mpeg',
	'.mpeg': 'video/mpeg',
	'.mp3': 'audio/mpeg',
	'.wav': 'audio/x-wav',
	'.txt': 'text/plain',
	'.json': 'application/json',
	'.zip': 'application/zip',
};

/** Added by a host's /etc/mime.types. */
const HOST_MIME: Record<string, string> = {
	'.webp': 'image/webp',
	'.flac': 'audio/flac',
	'.glb': 'model/gltf-binary',
	'.gltf': 'model/gltf+json',
	'.avif': 'image/avif',
	'.mkv': 'video/x-matroska',
};

/** Python's `Path(name).suffix`. */
export function pythonSuffix(fileName: string): string {
	const name = fileName.slice(fileName.lastIndexOf('/') + 1);
	const dot = name.lastIndexOf('.');
	return dot > 0 && dot < name.length - 1 ? name.slice(dot) : '';
}

/** Starlette FileResponse: `mimetypes.guess_type(name)[0] or "text/plain"`, text/* gets a charset. */
export function contentTypeFor(fileName: string, hostLacksMimeTypes: boolean): string {
	const suffix = pythonSuffix(fileName).toLowerCase();
	const type = BUILTIN_MIME[suffix] ?? (hostLacksMimeTypes ? undefined : HOST_MIME[suffix]) ?? 'text/plain';
	return type.startsWith('text/') ? `${type}; charset=utf-8` : type;
}

/** Python's `urllib.parse.quote(s)` (safe="/"). */
function pythonQuote(text: string): string {
	let out = '';
	for (const byte of Buffer.from(text, 'utf8')) {
		const char = String.fromCharCode(byte);
		out += /[A-Za-z0-9_.\-~/]/.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
	}
	return out;
}

/** Starlette FileResponse's Content-Disposition for a download name. */
export function contentDisposition(fileName: string): string {
	const quoted = pythonQuote(fileName);
	return quoted !== fileName ? `attachment; filename*=utf-8''${quoted}` : `attachment; filename="${fileName}"`;
}

/** `GET /results`: `42_9_00001_.png` is offered as `42_9_00001.png` (one trailing `_` before the extension dropped). */
export function downloadName(serverName: string): string {
	const suffix = pythonSuffix(serverName);
	const base = suffix ? serverName.slice(0, -suffix.length) : serverName;
	return (base.endsWith('_') ? base.slice(0, -1) : base) + suffix;
}

/** Starlette's FileResponse headers besides the type: size, mtime, etag. */
export function fileHeaders(bytes: Uint8Array, mtimeMs: number): Record<string, string> {
	const mtime = mtimeMs / 1000;
	return {
		'content-length': String(bytes.length),
		'last-modified': new Date(mtimeMs).toUTCString(),
		etag: `"${createHash('md5').update(`${mtime}-${bytes.length}`).digest('hex')}"`,
		'accept-ranges': 'bytes',
	};
}

// ---------------------------------------------------------------------------------------------
// Deterministic content

function seedOf(...parts: (number | string)[]): number {
	const digest = createHash('sha256').update(parts.join('|')).digest();
	return digest.readUInt32LE(0) || 1;
}

/** xorshift32 bytes: deterministic filler. */
function pseudoRandomBytes(seed: number, length: number): Buffer {
	const out = Buffer.alloc(length);
	let state = seed >>> 0 || 0x9e3779b9;
	for (let i = 0; i < length; i++) {
		state ^= state << 13;
		state >>>= 0;
		state ^= state >>> 17;
		state ^= state << 5;
		state >>>= 0;
		out[i] = state & 0xff;
	}
	return out;
}

/**
 * A valid RGB PNG: a colour taken from `seed`, with a light pattern so each file differs in its
 * pixels too; `comment` goes into a tEXt chunk. Noise, not a picture: tests use it as an input
 * photo; results get a readable placeholder (placeholderImage.ts).
 */
export function makePng(seed: number, width: number, height: number, comment: string): Buffer {
	const red = seed & 0xff;
	const green = (seed >>> 8) & 0xff;
	const blue = (seed >>> 16) & 0xff;
	const noise = pseudoRandomBytes(seed, width * height);
	const rgb = Buffer.alloc(width * height * 3);
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) {
			const shade = ((x * 3 + y * 5) & 0x1f) ^ (noise[y * width + x] & 0x0f);
			const at = (y * width + x) * 3;
			rgb[at] = red ^ shade;
			rgb[at + 1] = green ^ shade;
			rgb[at + 2] = blue ^ shade;
		}
	}
	return encodeRgbPng(width, height, rgb, comment);
}

/** A valid binary glTF 2.0 file with an empty scene. */
function makeGlb(comment: string): Buffer {
	let json = Buffer.from(JSON.stringify({ asset: { version: '2.0', generator: comment }, scenes: [{ nodes: [] }], scene: 0 }));
	if (json.length % 4) json = Buffer.concat([json, Buffer.alloc(4 - (json.length % 4), 0x20)]);
	const chunkHeader = Buffer.alloc(8);
	chunkHeader.writeUInt32LE(json.length, 0);
	chunkHeader.write('JSON', 4, 'latin1');
	const header = Buffer.alloc(12);
	header.write('glTF', 0, 'latin1');
	header.writeUInt32LE(2, 4);
	header.writeUInt32LE(12 + 8 + json.length, 8);
	return Buffer.concat([header, chunkHeader, json]);
}

function box(type: string, payload: Buffer): Buffer {
	const size = Buffer.alloc(4);
	size.writeUInt32BE(8 + payload.length);
	return Buffer.concat([size, Buffer.from(type, 'latin1'), payload]);
}

/** Width and height from a PNG's IHDR chunk; undefined for anything that is not a PNG. */
export function pngSize(bytes: Uint8Array): { width: number; height: number } | undefined {
	const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	if (buffer.length < 24 || buffer.subarray(1, 4).toString('latin1') !== 'PNG') return undefined;
	return { width: buffer.readUInt32BE(16), height: buffer.readUInt32BE(20) };
}

/**
 * Plausible bytes for `extension`: the right magic numbers, deterministic filler. A PNG here is a
 * 48x32 noise frame (a video's preview); image results are readable placeholders (resultPicture.ts).
 */
export function makeFileBytes(extension: string, seed: number, comment: string): Buffer {
	const filler = pseudoRandomBytes(seed, 1024 + (seed % 2048));
	switch (extension) {
		case 'png':
			return makePng(seed, 48, 32, comment);
		case 'txt':
			return Buffer.from(`${comment}\n`, 'utf8');
		case 'glb':
		case 'gltf':
			return makeGlb(comment);
		case 'webp': {
			const vp8 = Buffer.concat([Buffer.from('VP8L', 'latin1'), Buffer.alloc(4), filler]);
			vp8.writeUInt32LE(filler.length, 4);
			const riff = Buffer.concat([Buffer.from('RIFF', 'latin1'), Buffer.alloc(4), Buffer.from('WEBP', 'latin1'), vp8]);
			riff.writeUInt32LE(riff.length - 8, 4);
			return riff;
		}
		case 'mp4':
			return Buffer.concat([box('ftyp', Buffer.from('isom\0\0\x02\0isomiso2mp41', 'latin1')), box('mdat', filler)]);
		case 'webm':
			return Buffer.concat([Buffer.from([0x1a, 0x45, 0xdf, 0xa3]), Buffer.from('webm', 'latin1'), filler]);
		case 'flac':
			return Buffer.concat([Buffer.from('fLaC', 'latin1'), filler]);
		default:
			return Buffer.concat([Buffer.from(`VIXSIM ${comment}\n`, 'utf8'), filler]);
	}
}

/** The seed of a result file: depends on task, node, batch index and (for flows with file inputs) the inputs. */
export function resultSeed(taskId: number, nodeId: number, batchIndex: number, inputDigest: string): number {
	return seedOf(taskId, nodeId, batchIndex, inputDigest);
}

export function sha256Hex(bytes: Uint8Array): string {
	return createHash('sha256').update(bytes).digest('hex');
}

// ---------------------------------------------------------------------------------------------
// ZIP (STORE)

function dosDateTime(date: Date): { time: number; date: number } {
	return {
		time: (date.getHours() << 11) | (date.getMinutes() << 5) | Math.floor(date.getSeconds() / 2),
		date: ((Math.max(date.getFullYear(), 1980) - 1980) << 9) | ((date.getMonth() + 1) << 5) | date.getDate(),
	};
}

/** A ZIP archive like Python's `ZipFile(buf, "w").writestr(name, data)`: STORE method, no compression. */
export function buildZip(entries: { name: string; data: Uint8Array }[], when = new Date()): Buffer {
	const { time, date } = dosDateTime(when);
	const locals: Buffer[] = [];
	const centrals: Buffer[] = [];
	let offset = 0;
	for (const entry of entries) {
		const name = Buffer.from(entry.name, 'utf8');
		const utf8Flag = /^[\x20-\x7e]*$/.test(entry.name) ? 0 : 0x800;
		const crc = crc32(entry.data) >>> 0;
		const local = Buffer.alloc(30);
		local.writeUInt32LE(0x04034b50, 0);
		local.writeUInt16LE(20, 4);
		local.writeUInt16LE(utf8Flag, 6);
		local.writeUInt16LE(0, 8);
		local.writeUInt16LE(time, 10);
		local.writeUInt16LE(date, 12);
		local.writeUInt32LE(crc, 14);
		local.writeUInt32LE(entry.data.length, 18);
		local.writeUInt32LE(entry.data.length, 22);
		local.writeUInt16LE(name.length, 26);
		local.writeUInt16LE(0, 28);
		const central = Buffer.alloc(46);
		central.writeUInt32LE(0x02014b50, 0);
		central.writeUInt16LE(0x0314, 4); // made by: unix, 2.0
		central.writeUInt16LE(20, 6);
		central.writeUInt16LE(utf8Flag, 8);
		central.writeUInt16LE(0, 10);
		central.writeUInt16LE(time, 12);
		central.writeUInt16LE(date, 14);
		central.writeUInt32LE(crc, 16);
		central.writeUInt32LE(entry.data.length, 20);
		central.writeUInt32LE(entry.data.length, 24);
		central.writeUInt16LE(name.length, 28);
		central.writeUInt32LE((0o100600 << 16) >>> 0, 38);
		central.writeUInt32LE(offset, 42);
		locals.push(local, name, Buffer.from(entry.data));
		centrals.push(central, name);
		offset += local.length + name.length + entry.data.length;
	}
	const centralDirectory = Buffer.concat(centrals);
	const end = Buffer.alloc(22);
	end.writeUInt32LE(0x06054b50, 0);
	end.writeUInt16LE(entries.length, 8);
	end.writeUInt16LE(entries.length, 10);
	end.writeUInt32LE(centralDirectory.length, 12);
	end.writeUInt32LE(offset, 16);
	return Buffer.concat([...locals, centralDirectory, end]);
}

/** Reads a STORE-only ZIP (what `buildZip` makes), checking each CRC. For tests. */
export function readZip(archive: Uint8Array): { name: string; data: Buffer }[] {
	const buf = Buffer.from(archive.buffer, archive.byteOffset, archive.byteLength);
	const endAt = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
	if (endAt < 0) throw new Error('Not a ZIP archive: no end-of-central-directory record.');
	const count = buf.readUInt16LE(endAt + 10);
	let at = buf.readUInt32LE(endAt + 16);
	const entries: { name: string; data: Buffer }[] = [];
	for (let i = 0; i < count; i++) {
		if (buf.readUInt32LE(at) !== 0x02014b50) throw new Error(`Bad central directory entry ${i}.`);
		const method = buf.readUInt16LE(at + 10);
		const crc = buf.readUInt32LE(at + 16);
		const size = buf.readUInt32LE(at + 20);
		const nameLength = buf.readUInt16LE(at + 28);
		const extraLength = buf.readUInt16LE(at + 30);
		const commentLength = buf.readUInt16LE(at + 32);
		const localAt = buf.readUInt32LE(at + 42);
		const name = buf.subarray(at + 46, at + 46 + nameLength).toString('utf8');
		if (method !== 0) throw new Error(`Entry ${name} is compressed (method ${method}).`);
		const dataAt = localAt + 30 + buf.readUInt16LE(localAt + 26) + buf.readUInt16LE(localAt + 28);
		const data = Buffer.from(buf.subarray(dataAt, dataAt + size));
		if ((crc32(data) >>> 0) !== crc) throw new Error(`CRC mismatch in ${name}.`);
		entries.push({ name, data });
		at += 46 + nameLength + extraLength + commentLength;
	}
	return entries;
}
