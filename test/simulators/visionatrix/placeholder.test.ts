// The simulator's image results are placeholder pictures: these tests decode the PNGs and read the
// bitmap text back, so they check what a user would see, not how it was drawn.
import { crc32, inflateSync } from 'node:zlib';

import { GLYPHS, GLYPH_HEIGHT, GLYPH_WIDTH, glyphFor, toFontText } from '../shared/picture/font5x7.ts';
import { makePng } from './files.ts';
import type { VisionatrixSimulator } from './index.ts';
import { startVisionatrixSimulator } from './index.ts';
import { PLACEHOLDER_TITLE, TEXT_COLOUR, TITLE_COLOUR, paletteFor } from '../shared/picture/placeholderImage.ts';
import type { Rgb } from '../shared/picture/raster.ts';
import { Raster } from '../shared/picture/raster.ts';
import type { PictureRequest } from './resultPicture.ts';
import { makeResultPicture, promptOf } from './resultPicture.ts';
import { wrapText } from '../shared/picture/textWrap.ts';

interface Decoded {
	width: number;
	height: number;
	pixel(x: number, y: number): Rgb;
}

/** Reads an 8-bit RGB PNG with unfiltered rows (what the simulator writes), checking every CRC. */
function decodePng(bytes: Buffer): Decoded {
	expect(bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
	let at = 8;
	let header: Buffer | undefined;
	const idat: Buffer[] = [];
	for (;;) {
		const length = bytes.readUInt32BE(at);
		const type = bytes.subarray(at + 4, at + 8).toString('latin1');
		expect(bytes.readUInt32BE(at + 8 + length)).toBe(crc32(bytes.subarray(at + 4, at + 8 + length)) >>> 0);
		if (type === 'IHDR') header = bytes.subarray(at + 8, at + 8 + length);
		if (type === 'IDAT') idat.push(bytes.subarray(at + 8, at + 8 + length));
		at += 12 + length;
		if (type === 'IEND') break;
	}
	expect(at).toBe(bytes.length);
	const width = header!.readUInt32BE(0);
	const height = header!.readUInt32BE(4);
	expect([header![8], header![9], header![12]]).toEqual([8, 2, 0]); // 8-bit, RGB, not interlaced
	const raw = inflateSync(Buffer.concat(idat));
	const stride = 1 + width * 3;
	expect(raw.length).toBe(height * stride);
	for (let y = 0; y < height; y++) expect(raw[y * stride]).toBe(0);
	return {
		width,
		height,
		pixel(x, y) {
			const offset = y * stride + 1 + x * 3;
			return [raw[offset], raw[offset + 1], raw[offset + 2]];
		},
	};
}

const GLYPH_BY_ROWS = new Map(Object.entries(GLYPHS).map(([char, rows]) => [rows.join('/'), char]));

interface TextLine {
	text: string;
	/** Screen pixels per font pixel. */
	scale: number;
}

/**
 * Reads back the lines drawn in `colour`, top to bottom: every band of rows with ink must be one
 * centred line of 5x7 glyphs, whole-pixel scaled, with no stray ink. A minimal OCR for a known font.
 */
function readText(image: Decoded, colour: Rgb): TextLine[] {
	const ink = (x: number, y: number) => {
		const [r, g, b] = image.pixel(x, y);
		return r === colour[0] && g === colour[1] && b === colour[2];
	};
	const inkRows: boolean[] = [];
	for (let y = 0; y < image.height; y++) inkRows.push([...Array(image.width).keys()].some((x) => ink(x, y)));
	const lines: TextLine[] = [];
	for (let top = 0; top < image.height; top++) {
		if (!inkRows[top] || inkRows[top - 1]) continue;
		let bottom = top;
		while (inkRows[bottom]) bottom++;
		const scale = (bottom - top) / GLYPH_HEIGHT;
		if (!Number.isInteger(scale)) throw new Error(`Ink rows ${top}-${bottom} are not a 5x7 text line.`);
		let inkCount = 0;
		for (let y = top; y < bottom; y++) for (let x = 0; x < image.width; x++) inkCount += Number(ink(x, y));
		const advance = (GLYPH_WIDTH + 1) * scale;
		let text: string | undefined;
		for (let chars = 1; chars * advance - scale <= image.width && text === undefined; chars++) {
			const left = Math.floor((image.width - (chars * advance - scale)) / 2);
			let decoded = '';
			let glyphInk = 0;
			for (let index = 0; index < chars; index++) {
				const rows = [...Array(GLYPH_HEIGHT).keys()].map((row) =>
					[...Array(GLYPH_WIDTH).keys()].map((column) => (ink(left + index * advance + column * scale, top + row * scale) ? '#' : '.')).join(''),
				);
				const char = GLYPH_BY_ROWS.get(rows.join('/'));
				if (char === undefined) break;
				decoded += char;
				glyphInk += rows.join('').split('#').length - 1;
			}
			// Right glyph count and offset: every cell is a glyph and they hold all the ink there is.
			if (decoded.length === chars && glyphInk * scale * scale === inkCount) text = decoded;
		}
		if (text === undefined) throw new Error(`Cannot read the text line at rows ${top}-${bottom}.`);
		lines.push({ text, scale });
	}
	return lines;
}

const texts = (lines: TextLine[]) => lines.map((line) => line.text);

const sameColour = (a: Rgb, b: Rgb) => a.every((channel, index) => channel === b[index]);

function request(overrides: Partial<PictureRequest>): PictureRequest {
	return { flow: 'sdxl_lighting', taskId: 12, nodeId: 9, batchIndex: 0, batchSize: 1, inputs: {}, inputFiles: [], inputDigest: '', ...overrides };
}

describe('placeholder font and text layout', () => {
	it('has a distinct 5x7 glyph for every letter, digit and common punctuation mark', () => {
		const wanted = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,:;!?\'"-_/\\()[]+=*#%&@<>×'];
		for (const char of wanted) {
			expect(GLYPHS[char]).toHaveLength(GLYPH_HEIGHT);
			for (const row of GLYPHS[char]) expect(row).toMatch(/^[#.]{5}$/);
		}
		expect(GLYPH_BY_ROWS.size).toBe(Object.keys(GLYPHS).length);
		expect(glyphFor('q')).toBe(GLYPHS.Q);
		expect(glyphFor('€')).toBe(GLYPHS['?']);
		expect(toFontText(' Café\n“déjà” vu… – ok ')).toBe('CAFE "DEJA" VU... - OK');
	});

	it('wraps at spaces, cuts words longer than a line, and ends cut text with "..."', () => {
		expect(wrapText('A RED FOX JUMPS', 7)).toEqual(['A RED', 'FOX', 'JUMPS']);
		expect(wrapText('ABCDEFGHIJ', 4)).toEqual(['ABCD', 'EFGH', 'IJ']);
		expect(wrapText('ONE TWO THREE FOUR', 10, 1)).toEqual(['ONE TWO...']);
		expect(wrapText('ONE TWO THREE FOUR', 7, 2)).toEqual(['ONE TWO', 'THRE...']);
		expect(wrapText('', 7)).toEqual([]);
		expect(wrapText('ANYTHING', 0)).toEqual([]);
	});

	it('draws a glyph pixel for pixel at its scale', () => {
		const raster = new Raster(20, 20);
		raster.drawText('A', 2, 3, 2, TEXT_COLOUR);
		for (let y = 0; y < 20; y++) {
			for (let x = 0; x < 20; x++) {
				const row = Math.floor((y - 3) / 2);
				const column = Math.floor((x - 2) / 2);
				const inGlyph = row >= 0 && row < GLYPH_HEIGHT && column >= 0 && column < GLYPH_WIDTH && GLYPHS.A[row][column] === '#';
				expect(raster.pixel(x, y)).toEqual(inGlyph ? TEXT_COLOUR : [0, 0, 0]);
			}
		}
	});

	it('takes the prompt input first, else the first text input', () => {
		expect(promptOf({ steps_number: '4 steps', prompt: ' a cat ' })).toBe('a cat');
		expect(promptOf({ steps_number: '4 steps', prompt: '' })).toBe('4 steps');
		expect(promptOf({ batch_size: 2 })).toBe('');
	});
});

describe('placeholder pictures', () => {
	it('say SIMULATOR PLACEHOLDER, the flow and the prompt in large letters on a colour from the prompt', () => {
		const png = makeResultPicture(request({ inputs: { prompt: 'a red fox', seed: 5 } }), 'a comment');
		expect(png.length).toBeGreaterThan(2_000);
		expect(png.length).toBeLessThan(64_000);
		const image = decodePng(png);
		expect([image.width, image.height]).toEqual([512, 512]);
		const title = readText(image, TITLE_COLOUR);
		expect(texts(title).join(' ')).toBe(PLACEHOLDER_TITLE);
		expect(title.every((line) => line.scale >= 5)).toBe(true);
		const lines = readText(image, TEXT_COLOUR);
		expect(texts(lines)).toEqual(['SDXL_LIGHTING', '"A RED FOX"', 'TASK 12 - NODE 9 - IMAGE 1/1']);
		expect(lines.map((line) => line.scale)).toEqual([4, 5, 2]);
		const { background, stripe } = paletteFor('a red fox');
		const corner = image.pixel(0, 511);
		expect(sameColour(corner, background) || sameColour(corner, stripe)).toBe(true);
		expect(png.includes(Buffer.from('Comment\0a comment', 'latin1'))).toBe(true);
	});

	it('differ visibly between prompts, and within a batch only by the image number', () => {
		const fox = decodePng(makeResultPicture(request({ inputs: { prompt: 'a red fox' } }), ''));
		const lighthouse = decodePng(makeResultPicture(request({ inputs: { prompt: 'a lighthouse at dusk' } }), ''));
		const distance = fox.pixel(0, 511).reduce((sum, channel, index) => sum + Math.abs(channel - lighthouse.pixel(0, 511)[index]), 0);
		expect(distance).toBeGreaterThan(60);
		expect(texts(readText(lighthouse, TEXT_COLOUR)).slice(1, -1).join(' ')).toBe('"A LIGHTHOUSE AT DUSK"');

		const second = makeResultPicture(request({ inputs: { prompt: 'a red fox' }, batchIndex: 1, batchSize: 2 }), '');
		const secondImage = decodePng(second);
		expect(secondImage.pixel(0, 511)).toEqual(fox.pixel(0, 511));
		expect(texts(readText(secondImage, TEXT_COLOUR))[2]).toBe('TASK 12 - NODE 9 - IMAGE 2/2');
	});

	it('wrap a long prompt and cut it with "..." rather than shrink it below 3x', () => {
		const prompt = `${'a very long and detailed prompt about a castle on a hill '.repeat(6)}THE END`;
		const lines = readText(decodePng(makeResultPicture(request({ inputs: { prompt } }), '')), TEXT_COLOUR);
		const promptLines = lines.slice(1, -1);
		expect(promptLines.length).toBeGreaterThan(3);
		expect(promptLines.every((line) => line.scale === 3)).toBe(true);
		expect(promptLines[0].text.startsWith('"A VERY LONG AND DETAILED')).toBe(true);
		expect(promptLines[promptLines.length - 1].text.endsWith('...')).toBe(true);
		expect(promptLines.map((line) => line.text).join(' ')).not.toContain('THE END');
	});

	it('keep the input image size for a file-input flow and say what they got', () => {
		const photo = makePng(3, 300, 200, 'photo');
		const png = makeResultPicture(request({ flow: 'remove_background_birefnet', nodeId: 13, inputFiles: [{ bytes: photo }], inputDigest: 'abc' }), '');
		const image = decodePng(png);
		expect([image.width, image.height]).toEqual([300, 200]);
		expect(texts(readText(image, TITLE_COLOUR)).join(' ')).toBe(PLACEHOLDER_TITLE);
		expect(texts(readText(image, TEXT_COLOUR))).toEqual(['REMOVE_BACKGROUND_BIREFNET', 'INPUT IMAGE 300×200', 'TASK 12 - NODE 13 - IMAGE 1/1']);
	});

	it('stay valid PNGs of the asked size however small', () => {
		for (const [width, height] of [
			[48, 32],
			[1, 1],
			[3, 900],
		]) {
			const photo = makePng(1, width, height, 'tiny');
			const image = decodePng(makeResultPicture(request({ inputFiles: [{ bytes: photo }], inputDigest: 'x' }), ''));
			expect([image.width, image.height]).toEqual([width, height]);
		}
	});
});

describe('placeholder pictures served by the simulator', () => {
	let sim: VisionatrixSimulator;
	beforeAll(async () => {
		sim = await startVisionatrixSimulator({ taskDurationMs: 40, progressSteps: 2 });
	});
	afterAll(() => sim.close());

	async function run(flow: string, form: FormData): Promise<{ id: number; bytes: Buffer }> {
		const created = await fetch(`${sim.url}/vapi/tasks/create/${flow}`, { method: 'PUT', body: form });
		const [id] = ((await created.json()) as { tasks_ids: number[] }).tasks_ids;
		await sim.waitFor(id, (task) => task.state === 'finished');
		const nodeId = flow === 'sdxl_lighting' ? 9 : 13;
		const result = await fetch(`${sim.url}/vapi/tasks/results?task_id=${id}&node_id=${nodeId}`);
		expect(result.headers.get('content-type')).toBe('image/png');
		return { id, bytes: Buffer.from(await result.arrayBuffer()) };
	}

	it('draws the prompt of a text-to-image task', async () => {
		const form = new FormData();
		form.append('prompt', 'a lighthouse at dusk, oil painting');
		const { id, bytes } = await run('sdxl_lighting', form);
		const image = decodePng(bytes);
		expect([image.width, image.height]).toEqual([512, 512]);
		expect(texts(readText(image, TEXT_COLOUR))).toEqual([
			'SDXL_LIGHTING',
			'"A LIGHTHOUSE AT',
			'DUSK, OIL',
			'PAINTING"',
			`TASK ${id} - NODE 9 - IMAGE 1/1`,
		]);
	});

	it('keeps an uploaded image size through background removal, and a chained result too', async () => {
		const upload = new FormData();
		upload.append('input_image', new Blob([makePng(7, 640, 480, 'photo')], { type: 'image/png' }), 'photo.png');
		const { id, bytes } = await run('remove_background_birefnet', upload);
		const image = decodePng(bytes);
		expect([image.width, image.height]).toEqual([640, 480]);
		expect(texts(readText(image, TEXT_COLOUR))).toContain('INPUT IMAGE 640×480');

		const chained = new FormData();
		chained.append('input_image', JSON.stringify({ task_id: id, node_id: 13 }));
		const again = decodePng((await run('remove_background_birefnet', chained)).bytes);
		expect([again.width, again.height]).toEqual([640, 480]);
	});
});
