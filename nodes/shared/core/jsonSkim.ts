// Runtime-neutral: web-standard APIs only (no node:, Deno, process), so n8n, Node and Deno share it.
//
// Reading a JSON object without one of its members, for a reader that reads the same object many
// times and needs a large member (a job's graph) only once: cutting the member out of the text is
// one pass over its characters, cheaper than JSON.parse building its objects.

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

/**
 * The text of a JSON object without its top-level member `key`, or undefined when the text has no
 * such member or is not an object (the caller then parses it whole).
 */
export function withoutMember(text: string, key: string): string | undefined {
	const quotedKey = JSON.stringify(key);
	let depth = 0;
	for (let index = 0; index < text.length; index++) {
		const code = text.charCodeAt(index);
		if (code === QUOTE) {
			const end = stringEnd(text, index);
			if (end < 0) return undefined;
			if (depth === 1 && end === index + quotedKey.length - 1 && text.startsWith(quotedKey, index)) {
				const colon = skipSpace(text, end + 1);
				if (text.charCodeAt(colon) !== COLON) return undefined;
				const valueEnd = valueEndAt(text, skipSpace(text, colon + 1));
				return valueEnd < 0 ? undefined : cut(text, index, valueEnd);
			}
			index = end;
		} else if (code === OPEN_BRACE || code === OPEN_BRACKET) {
			depth++;
		} else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
			if (--depth === 0) return undefined;
		}
	}
	return undefined;
}

/** Removes the member that spans [start, end) and the comma that separates it from a neighbour. */
function cut(text: string, start: number, end: number): string {
	const before = lastNonSpace(text, start - 1);
	if (text.charCodeAt(before) === COMMA) return text.slice(0, before) + text.slice(end);
	const after = skipSpace(text, end);
	return text.charCodeAt(after) === COMMA ? text.slice(0, start) + text.slice(after + 1) : text.slice(0, start) + text.slice(end);
}

/** Where the value that starts at `start` ends (exclusive), or -1 if the text breaks off. */
function valueEndAt(text: string, start: number): number {
	let depth = 0;
	for (let index = start; index < text.length; index++) {
		const code = text.charCodeAt(index);
		if (code === QUOTE) {
			const end = stringEnd(text, index);
			if (end < 0) return -1;
			if (depth === 0) return end + 1;
			index = end;
		} else if (code === OPEN_BRACE || code === OPEN_BRACKET) {
			depth++;
		} else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
			// A number, true, false or null ends at its container's closing bracket.
			if (depth === 0) return index;
			if (--depth === 0) return index + 1;
		} else if (code === COMMA && depth === 0) {
			return index;
		}
	}
	return -1;
}

/** The index of the quote that closes the string opened at `open`, or -1. */
function stringEnd(text: string, open: number): number {
	let close = text.indexOf('"', open + 1);
	while (close > 0) {
		let backslashes = 0;
		for (let index = close - 1; text.charCodeAt(index) === BACKSLASH; index--) backslashes++;
		if (backslashes % 2 === 0) return close;
		close = text.indexOf('"', close + 1);
	}
	return -1;
}

function isSpace(code: number): boolean {
	return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;
}

function skipSpace(text: string, from: number): number {
	let index = from;
	while (index < text.length && isSpace(text.charCodeAt(index))) index++;
	return index;
}

function lastNonSpace(text: string, from: number): number {
	let index = from;
	while (index >= 0 && isSpace(text.charCodeAt(index))) index--;
	return index;
}
