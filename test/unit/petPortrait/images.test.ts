import { imagePart, imageReference } from '../../../nodes/shared/providers/petPortrait/images.ts';

describe('Pet Portrait image paths', () => {
	it('reads the resultImage path the server gives', () => {
		expect(imageReference('/api/images/output_00001_.png?type=output&subfolder=')).toEqual({ fileName: 'output_00001_.png', type: 'output', subfolder: '' });
		expect(imageReference('/api/images/portrait%20one.png?type=output&subfolder=pets')).toEqual({ fileName: 'portrait one.png', type: 'output', subfolder: 'pets' });
	});

	it("reads an upload's imageUrl, whose name the server leaves unencoded", () => {
		expect(imageReference('/api/images/1718454896-rex.jpg?type=input&subfolder=')).toEqual({ fileName: '1718454896-rex.jpg', type: 'input', subfolder: '' });
	});

	it("takes only the path of a full URL, never its host", () => {
		expect(imageReference('http://elsewhere.example/api/images/x.png?type=output')).toEqual({ fileName: 'x.png', type: 'output', subfolder: '' });
	});

	it("takes a bare file name with the server's defaults, and options over the query", () => {
		expect(imageReference('x.png')).toEqual({ fileName: 'x.png', type: 'output', subfolder: '' });
		expect(imageReference('/api/images/x.png?type=output&subfolder=a', { type: 'input', subfolder: 'b' })).toEqual({ fileName: 'x.png', type: 'input', subfolder: 'b' });
	});

	it('refuses an empty name, a path elsewhere and an unknown type', () => {
		expect(() => imageReference(' ')).toThrow(expect.objectContaining({ kind: 'input', parameter: 'imagePath' }));
		expect(() => imageReference('/api/status/x')).toThrow(expect.objectContaining({ parameter: 'imagePath' }));
		expect(() => imageReference('/api/images/x.png?type=temp')).toThrow(expect.objectContaining({ parameter: 'imageType', message: 'The image type must be output or input; got "temp".' }));
	});
});

describe('Pet Portrait upload checks', () => {
	const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a];
	const JPEG = [0xff, 0xd8, 0xff, 0xe0];

	it('keeps an image/* type, and sends a picture with a generic or wrong type as what its bytes show', async () => {
		await expect(imagePart({ data: new Uint8Array(JPEG), fileName: 'rex.jpg', mimeType: 'image/jpeg' })).resolves.toMatchObject({ mimeType: 'image/jpeg' });
		await expect(imagePart({ data: new Uint8Array(PNG), fileName: 'rex.png', mimeType: 'application/octet-stream' })).resolves.toMatchObject({ mimeType: 'image/png' });
		await expect(imagePart({ data: new Uint8Array(PNG), fileName: 'rex', mimeType: '' })).resolves.toMatchObject({ mimeType: 'image/png' });
	});

	it('refuses a file that is no picture, whatever its name and type say, naming the parameter, the file and its type', async () => {
		const text = new TextEncoder().encode('just some notes');
		await expect(imagePart({ data: text, fileName: 'notes.txt', mimeType: 'text/plain' })).rejects.toMatchObject({
			kind: 'input',
			parameter: 'image',
			message: '"notes.txt" (text/plain) is not an image: expected a PNG, JPEG, WebP, GIF, BMP or TIFF picture.',
		});
		await expect(imagePart({ data: new TextEncoder().encode('%PDF-1.7'), fileName: 'rex.png', mimeType: 'image/png' })).rejects.toMatchObject({ parameter: 'image' });
	});

	it('reads a streamed photo whole into the multipart part "image"', async () => {
		async function* chunks() {
			yield new Uint8Array(PNG.slice(0, 2));
			yield new Uint8Array(PNG.slice(2));
		}
		await expect(imagePart({ data: chunks(), fileName: 'rex.png', mimeType: 'image/png' })).resolves.toEqual({ name: 'image', data: new Uint8Array(PNG), fileName: 'rex.png', mimeType: 'image/png' });
	});

	it('refuses an empty photo', async () => {
		await expect(imagePart({ data: new Uint8Array(0), fileName: 'rex.png', mimeType: 'image/png' })).rejects.toMatchObject({ parameter: 'image', message: 'The image "rex.png" is empty (0 bytes).' });
	});
});
