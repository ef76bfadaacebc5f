// PNG encoding for the simulator's pictures: 8-bit RGB, one IDAT deflated with node:zlib.
import { crc32, deflateSync } from 'node:zlib';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function pngChunk(type: string, data: Buffer): Buffer {
	const length = Buffer.alloc(4);
	length.writeUInt32BE(data.length);
	const typeAndData = Buffer.concat([Buffer.from(type, 'latin1'), data]);
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE(crc32(typeAndData) >>> 0);
	return Buffer.concat([length, typeAndData, crc]);
}

/**
 * A PNG from packed RGB pixels (`width * height * 3` bytes, rows top to bottom); `comment` goes
 * into a tEXt chunk. Every row uses filter 0 (None), so a reader only has to inflate.
 */
export function encodeRgbPng(width: number, height: number, rgb: Uint8Array, comment: string): Buffer {
	const stride = width * 3;
	if (rgb.length !== stride * height) throw new Error(`encodeRgbPng: ${rgb.length} bytes for ${width}x${height}.`);
	const raw = Buffer.alloc((stride + 1) * height);
	for (let y = 0; y < height; y++) raw.set(rgb.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
	const header = Buffer.alloc(13);
	header.writeUInt32BE(width, 0);
	header.writeUInt32BE(height, 4);
	header[8] = 8; // bit depth
	header[9] = 2; // colour type: RGB
	return Buffer.concat([
		SIGNATURE,
		pngChunk('IHDR', header),
		pngChunk('tEXt', Buffer.from(`Comment\0${comment}`, 'latin1')),
		pngChunk('IDAT', deflateSync(raw)),
		pngChunk('IEND', Buffer.alloc(0)),
	]);
}
