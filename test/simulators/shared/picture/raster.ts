// A tiny RGB canvas: rectangles and 5x7 bitmap text scaled by whole pixels, nothing anti-aliased,
// so tests can find exact colours in the encoded PNG.
import { GLYPH_HEIGHT, GLYPH_WIDTH, glyphFor } from './font5x7.ts';

export type Rgb = readonly [number, number, number];

/** Pixels a line of `chars` characters takes across at `scale` (one blank column between glyphs). */
export function textWidth(chars: number, scale: number): number {
	return chars > 0 ? (chars * (GLYPH_WIDTH + 1) - 1) * scale : 0;
}

export function textHeight(scale: number): number {
	return GLYPH_HEIGHT * scale;
}

export class Raster {
	readonly pixels: Buffer;

	constructor(
		readonly width: number,
		readonly height: number,
	) {
		this.pixels = Buffer.alloc(width * height * 3);
	}

	/** Fills the rectangle, clipped to the canvas. */
	fillRect(left: number, top: number, width: number, height: number, colour: Rgb): void {
		const x0 = Math.max(0, Math.floor(left));
		const y0 = Math.max(0, Math.floor(top));
		const x1 = Math.min(this.width, Math.floor(left + width));
		const y1 = Math.min(this.height, Math.floor(top + height));
		for (let y = y0; y < y1; y++) {
			for (let x = x0; x < x1; x++) this.put(x, y, colour);
		}
	}

	/** Diagonal bands of two colours over the whole canvas: reads as "placeholder", compresses well. */
	fillStripes(colour: Rgb, other: Rgb, bandWidth: number): void {
		const band = Math.max(1, Math.round(bandWidth));
		for (let y = 0; y < this.height; y++) {
			for (let x = 0; x < this.width; x++) {
				this.put(x, y, Math.floor((x + y) / band) % 2 ? other : colour);
			}
		}
	}

	/** Draws one line of text (in the font's alphabet) with its top-left corner at (left, top). */
	drawText(text: string, left: number, top: number, scale: number, colour: Rgb): void {
		let x = left;
		for (const char of text) {
			const rows = glyphFor(char);
			for (let row = 0; row < GLYPH_HEIGHT; row++) {
				for (let column = 0; column < GLYPH_WIDTH; column++) {
					if (rows[row][column] === '#') this.fillRect(x + column * scale, top + row * scale, scale, scale, colour);
				}
			}
			x += (GLYPH_WIDTH + 1) * scale;
		}
	}

	private put(x: number, y: number, [red, green, blue]: Rgb): void {
		const at = (y * this.width + x) * 3;
		this.pixels[at] = red;
		this.pixels[at + 1] = green;
		this.pixels[at + 2] = blue;
	}

	/** The colour at (x, y). */
	pixel(x: number, y: number): Rgb {
		const at = (y * this.width + x) * 3;
		return [this.pixels[at], this.pixels[at + 1], this.pixels[at + 2]];
	}
}
