// The picture a simulated image result shows: "SIMULATOR PLACEHOLDER", the flow and what was asked,
// in large bitmap letters on stripes whose colour comes from a hash of the request, so nobody
// mistakes it for a generated image and different prompts look different at a glance.
import { createHash } from 'node:crypto';

import { GLYPH_HEIGHT, GLYPH_WIDTH, toFontText } from './font5x7.ts';
import { encodeRgbPng } from './png.ts';
import type { Rgb } from './raster.ts';
import { Raster, textHeight, textWidth } from './raster.ts';
import { wrapText } from './textWrap.ts';

export const PLACEHOLDER_TITLE = 'SIMULATOR PLACEHOLDER';
export const TITLE_COLOUR: Rgb = [255, 214, 10];
export const TEXT_COLOUR: Rgb = [255, 255, 255];

export interface PlaceholderSpec {
	width: number;
	height: number;
	flow: string;
	/** What was asked, as shown: the prompt, or a note on the input file. */
	request: string;
	/** A small bottom line, e.g. which task, node and batch index. */
	footer: string;
	/** Hashed for the background colour; default `request`. */
	colourKey?: string;
}

export interface Palette {
	background: Rgb;
	stripe: Rgb;
	/** Behind the title, and the text shadow. */
	dark: Rgb;
}

function hsl(hue: number, saturation: number, lightness: number): Rgb {
	const chroma = (1 - Math.abs(2 * lightness - 1)) * saturation;
	const sector = hue / 60;
	const second = chroma * (1 - Math.abs((sector % 2) - 1));
	const [r, g, b] = [
		[chroma, second, 0],
		[second, chroma, 0],
		[0, chroma, second],
		[0, second, chroma],
		[second, 0, chroma],
		[chroma, 0, second],
	][Math.floor(sector) % 6];
	const byte = (channel: number) => Math.round((channel + lightness - chroma / 2) * 255);
	return [byte(r), byte(g), byte(b)];
}

/** Any hue, mid-dark and fairly saturated: white text stays readable on every colour. */
export function paletteFor(key: string): Palette {
	const digest = createHash('sha256').update(key, 'utf8').digest();
	const hue = (digest.readUInt16BE(0) / 65536) * 360;
	const saturation = 0.45 + (digest[2] / 255) * 0.25;
	const lightness = 0.32 + (digest[3] / 255) * 0.08;
	return {
		background: hsl(hue, saturation, lightness),
		stripe: hsl(hue, saturation, lightness - 0.05),
		dark: hsl(hue, 0.35, 0.1),
	};
}

const LINE_GAP = 3; // font units between lines

function blockHeight(lines: number, scale: number): number {
	return lines > 0 ? lines * textHeight(scale) + (lines - 1) * LINE_GAP * scale : 0;
}

function charsPerLine(room: number, scale: number): number {
	return Math.floor((room + scale) / ((GLYPH_WIDTH + 1) * scale));
}

/** Lines that fit in `maxHeight` at `scale`. */
function linesThatFit(maxHeight: number, scale: number): number {
	return Math.max(0, Math.floor((maxHeight + LINE_GAP * scale) / ((GLYPH_HEIGHT + LINE_GAP) * scale)));
}

/** The largest scale up to `preferred` at which every word of `text` fits on a line of `room` pixels. */
function scaleForWords(text: string, room: number, preferred: number): number {
	const longest = Math.max(0, ...text.split(' ').map((word) => Array.from(word).length));
	let scale = Math.max(1, preferred);
	while (scale > 1 && textWidth(longest, scale) > room) scale--;
	return scale;
}

/** Centred lines from `top`; a drop shadow when `shadow` is given. */
function drawLines(raster: Raster, lines: string[], top: number, scale: number, colour: Rgb, shadow?: Rgb): void {
	const offset = Math.max(1, Math.round(scale / 3));
	lines.forEach((line, index) => {
		const left = Math.floor((raster.width - textWidth(Array.from(line).length, scale)) / 2);
		const y = top + index * (GLYPH_HEIGHT + LINE_GAP) * scale;
		if (shadow) raster.drawText(line, left + offset, y + offset, scale, shadow);
		raster.drawText(line, left, y, scale, colour);
	});
}

/** Lays the picture out for any size: sizes follow the shorter side, blocks that do not fit are left out. */
export function drawPlaceholder(spec: PlaceholderSpec): Raster {
	const { width, height } = spec;
	const raster = new Raster(width, height);
	const palette = paletteFor(spec.colourKey ?? spec.request);
	const unit = Math.min(width, height) / 512;
	const margin = Math.max(1, Math.round(16 * unit));
	const room = width - 2 * margin;
	raster.fillStripes(palette.background, palette.stripe, 32 * unit);

	// The title on a dark band across the top.
	const titleScale = scaleForWords(PLACEHOLDER_TITLE, room, Math.round(6 * unit));
	const title = wrapText(PLACEHOLDER_TITLE, charsPerLine(room, titleScale), 2);
	const bandHeight = blockHeight(title.length, titleScale) + 2 * margin;
	raster.fillRect(0, 0, width, bandHeight, palette.dark);
	drawLines(raster, title, margin, titleScale, TITLE_COLOUR);
	let top = bandHeight + margin;
	let bottom = height - margin;

	const footerScale = Math.max(1, Math.round(2 * unit));
	if (bottom - textHeight(footerScale) >= top) {
		const footer = wrapText(toFontText(spec.footer), charsPerLine(room, footerScale), 1);
		bottom -= textHeight(footerScale);
		drawLines(raster, footer, bottom, footerScale, TEXT_COLOUR, palette.dark);
		bottom -= margin;
	}

	const flowText = toFontText(spec.flow);
	const flowScale = scaleForWords(flowText, room, Math.round(4 * unit));
	const flow = wrapText(flowText, charsPerLine(room, flowScale), Math.min(2, linesThatFit(bottom - top, flowScale)));
	drawLines(raster, flow, top, flowScale, TEXT_COLOUR, palette.dark);
	if (flow.length) top += blockHeight(flow.length, flowScale) + margin;

	// What was asked: as large as lets all of it fit, else still large and cut with "...".
	const request = toFontText(spec.request);
	const smallest = Math.max(1, Math.round(3 * unit));
	let scale = Math.max(smallest, Math.round(5 * unit));
	const fitsWhole = (at: number) => wrapText(request, charsPerLine(room, at)).length <= linesThatFit(bottom - top, at);
	while (scale > smallest && !fitsWhole(scale)) scale--;
	const lines = wrapText(request, charsPerLine(room, scale), linesThatFit(bottom - top, scale));
	drawLines(raster, lines, top + Math.floor((bottom - top - blockHeight(lines.length, scale)) / 2), scale, TEXT_COLOUR, palette.dark);
	return raster;
}

/** The placeholder as a PNG; `comment` goes into its tEXt chunk. */
export function makePlaceholderPng(spec: PlaceholderSpec, comment: string): Buffer {
	return encodeRgbPng(spec.width, spec.height, drawPlaceholder(spec).pixels, comment);
}
