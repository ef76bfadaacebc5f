// `express.json()` and `express.urlencoded({ extended: true })` as the server mounts them: a body
// of another type is left unparsed (`req.body` is `{}`), bad JSON is body-parser's 400 page, more
// than 100 kb its 413 page.
import type { IncomingHttpHeaders } from 'node:http';

import type { Reply } from '../shared/httpShell.ts';
import { uncaught } from './express.ts';

const LIMIT = 100 * 1024;
const BODY_PARSER = '/app/node_modules/body-parser/lib';

function mediaType(headers: IncomingHttpHeaders): string {
	return (headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
}

/** qs-style keys: `userInputs[229][text]=cat` → { userInputs: { 229: { text: 'cat' } } }. */
function setPath(target: Record<string, unknown>, key: string, value: string): void {
	const parts = key.match(/^[^[\]]+|\[[^[\]]*\]/g)?.map((part) => part.replace(/^\[|\]$/g, '')) ?? [key];
	let place = target;
	parts.forEach((part, index) => {
		if (index === parts.length - 1) {
			place[part] = value;
			return;
		}
		const next = place[part];
		if (typeof next !== 'object' || next === null) place[part] = {};
		place = place[part] as Record<string, unknown>;
	});
}

/** `req.body`, or the error page body-parser's error gets from Express's default handler. */
export function parseBody(headers: IncomingHttpHeaders, body: Buffer): { body: unknown } | { reply: Reply } {
	const type = mediaType(headers);
	if (type !== 'application/json' && type !== 'application/x-www-form-urlencoded') return { body: {} };
	if (body.length > LIMIT) {
		return { reply: uncaught(413, 'PayloadTooLargeError', 'request entity too large', [`readStream (${BODY_PARSER.replace('/lib', '')}/node_modules/raw-body/index.js:163:17)`]) };
	}
	const text = body.toString('utf8');
	if (type === 'application/x-www-form-urlencoded') {
		const parsed: Record<string, unknown> = {};
		for (const [key, value] of new URLSearchParams(text)) setPath(parsed, key, value);
		return { body: parsed };
	}
	if (text.trim() === '') return { body: {} };
	const frames = ['JSON.parse (<anonymous>)', `parse (${BODY_PARSER}/types/json.js:92:19)`, `${BODY_PARSER}/read.js:128:18`];
	// strict mode: only an object or an array.
	const first = text.trimStart()[0];
	if (first !== '{' && first !== '[') {
		return { reply: uncaught(400, 'SyntaxError', `Unexpected token '${first}', "${text.slice(0, 10)}"... is not valid JSON`, frames) };
	}
	try {
		return { body: JSON.parse(text) as unknown };
	} catch (error) {
		return { reply: uncaught(400, 'SyntaxError', error instanceof Error ? error.message : String(error), frames) };
	}
}
