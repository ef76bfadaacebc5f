// Word wrapping for fixed-width text: at most `maxChars` characters (code points) a line, at most
// `maxLines` lines, the last one ending in "..." when text was left out.

const ELLIPSIS = '...';

/** Splits a word longer than a line into line-sized pieces. */
function pieces(word: string[], maxChars: number): string[][] {
	const out: string[][] = [];
	for (let at = 0; at < word.length; at += maxChars) out.push(word.slice(at, at + maxChars));
	return out;
}

/** Lines of `text` (already in the font's alphabet) broken at spaces, long words cut. */
export function wrapText(text: string, maxChars: number, maxLines = Infinity): string[] {
	if (maxChars < 1 || maxLines < 1) return [];
	const lines: string[][] = [];
	let current: string[] = [];
	for (const word of text.split(' ').filter(Boolean)) {
		for (const piece of pieces(Array.from(word), maxChars)) {
			if (current.length && current.length + 1 + piece.length <= maxChars) {
				current.push(' ', ...piece);
				continue;
			}
			if (current.length) lines.push(current);
			current = piece;
		}
	}
	if (current.length) lines.push(current);
	if (lines.length <= maxLines) return lines.map((line) => line.join(''));

	const kept = lines.slice(0, maxLines);
	const last = kept[maxLines - 1].slice(0, Math.max(0, maxChars - ELLIPSIS.length));
	while (last[last.length - 1] === ' ') last.pop();
	kept[maxLines - 1] = [...last, ...ELLIPSIS].slice(0, maxChars);
	return kept.map((line) => line.join(''));
}
