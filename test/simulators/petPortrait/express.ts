// What Express (with `cors()`) answers on its own: JSON with its headers, the finalhandler HTML page
// for unmatched routes and for errors nobody caught (multer's, body-parser's), in development mode
// (NODE_ENV unset, as a self-hosted `node server.js` runs), where the page shows the error's stack.
import type { Reply } from '../shared/httpShell.ts';

const BASE_HEADERS = { 'x-powered-by': 'Express', 'access-control-allow-origin': '*' };

/** `res.json(body)` / `res.status(n).json(body)`. */
export function json(status: number, body: unknown): Reply {
	return { status, headers: { ...BASE_HEADERS, 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(body) };
}

/** `res.status(n).json({ error: message })`, the server's every handled error. */
export function apiError(status: number, message: string): Reply {
	return json(status, { error: message });
}

/** Raw bytes with the Content-Type (and Content-Length) the proxied ComfyUI answer carried. */
export function bytes(contentType: string, body: Buffer): Reply {
	return { status: 200, headers: { ...BASE_HEADERS, 'content-type': contentType, 'content-length': String(body.length) }, body };
}

function escapeHtml(text: string): string {
	return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** finalhandler's page: the message escaped, newlines as <br>, double spaces as " &nbsp;". */
export function errorPage(status: number, message: string): Reply {
	const body = escapeHtml(message).replace(/\n/g, '<br>').replace(/\x20{2}/g, ' &nbsp;');
	return {
		status,
		headers: {
			...BASE_HEADERS,
			'content-security-policy': "default-src 'none'",
			'x-content-type-options': 'nosniff',
			'content-type': 'text/html; charset=utf-8',
		},
		body: `<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Error</title>\n</head>\n<body>\n<pre>${body}</pre>\n</body>\n</html>\n`,
	};
}

/** An unmatched route (any method): 404 `Cannot GET /path`. */
export function notFound(method: string, path: string): Reply {
	return errorPage(404, `Cannot ${method} ${path}`);
}

/** An error passed to `next(err)`: its status (500 without one) and, in development, its stack. */
export function uncaught(status: number, name: string, message: string, frames: string[]): Reply {
	return errorPage(status, [`${name}: ${message}`, ...frames.map((frame) => `    at ${frame}`)].join('\n'));
}

/** Answer to a CORS preflight, as `cors()` gives it. */
export function preflight(requestHeaders: string | undefined): Reply {
	const headers: Record<string, string> = {
		...BASE_HEADERS,
		'access-control-allow-methods': 'GET,HEAD,PUT,PATCH,POST,DELETE',
		vary: 'Access-Control-Request-Headers',
		'content-length': '0',
	};
	if (requestHeaders) headers['access-control-allow-headers'] = requestHeaders;
	return { status: 204, headers, body: null };
}
