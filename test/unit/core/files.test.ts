import { downloadedFile, fileNameFromContentDisposition, mimeTypeFromFileName, safeFileName } from '../../../nodes/shared/core/files.ts';

describe('fileNameFromContentDisposition', () => {
	it('reads quoted, bare and RFC 5987 names, preferring the extended one', () => {
		expect(fileNameFromContentDisposition('attachment; filename="42_9_00001.png"')).toBe('42_9_00001.png');
		expect(fileNameFromContentDisposition('attachment; filename=42_9_results.zip')).toBe('42_9_results.zip');
		expect(fileNameFromContentDisposition(`attachment; filename="fallback.png"; filename*=utf-8''%C3%A9t%C3%A9.png`)).toBe('été.png');
		expect(fileNameFromContentDisposition(undefined)).toBeUndefined();
		expect(fileNameFromContentDisposition('inline')).toBeUndefined();
	});

	it('never lets a server name escape the folder', () => {
		expect(fileNameFromContentDisposition('attachment; filename="../../etc/passwd"')).toBe('passwd');
		expect(safeFileName('..hidden')).toBe('hidden');
		expect(safeFileName('a:b?.png')).toBe('a_b_.png');
		expect(safeFileName('')).toBe('file');
	});
});

describe('downloadedFile', () => {
	const body = new Uint8Array([1, 2, 3]);

	it('trusts the extension over a guessed Content-Type', () => {
		const file = downloadedFile(
			{ status: 200, headers: { 'content-type': 'text/plain; charset=utf-8', 'content-disposition': 'attachment; filename="7_9_00001.webp"' }, body },
			'x.bin',
		);
		expect(file).toEqual({ data: body, fileName: '7_9_00001.webp', mimeType: 'image/webp' });
	});

	it('falls back to the given name and type, then to the served type', () => {
		expect(downloadedFile({ status: 200, headers: {}, body }, '1_2_0.png').mimeType).toBe('image/png');
		expect(downloadedFile({ status: 200, headers: {}, body }, 'x.unknown', 'video/mp4').mimeType).toBe('video/mp4');
		expect(downloadedFile({ status: 200, headers: { 'content-type': 'image/heic' }, body }, 'x.unknown').mimeType).toBe('image/heic');
	});

	it('knows the output types Visionatrix produces', () => {
		expect(mimeTypeFromFileName('a.flac')).toBe('audio/flac');
		expect(mimeTypeFromFileName('a.GLB')).toBe('model/gltf-binary');
		expect(mimeTypeFromFileName('a.mp4')).toBe('video/mp4');
	});
});
