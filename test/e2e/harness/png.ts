/** Width and height from a PNG's IHDR chunk (bytes 16-23), to check what Edit Image produced. */
export function pngSize(bytes: Buffer): { width: number; height: number } {
	if (bytes.subarray(1, 4).toString('latin1') !== 'PNG') throw new Error('not a PNG');
	return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}
