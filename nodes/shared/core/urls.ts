// Runtime-neutral: web-standard APIs only (no node:, Deno, process), so n8n, Node and Deno share it.
//
// A server address typed by a user is checked once, before any request: a clear error that names
// the setting beats fetch's "Invalid URL" or "fetch failed". A user name and password written into
// the address are never echoed: they are taken out (for the caller to send as Basic auth) and every
// URL that goes into a message passes through `redactUrl`.
import { InputError } from './errors.ts';
import { redactUrl } from './redact.ts';

export interface BaseUrlRules {
	/** The setting at fault in errors, e.g. `baseUrl` (mapped to `--url` or "Base URL" by the caller). */
	parameter: string;
	/** Product name for messages, e.g. "Visionatrix". */
	service: string;
	/** A path prefix the API adds itself, e.g. `/vapi`: an address that already ends in it is refused. */
	apiPrefix?: string;
	/** Example for messages, e.g. `http://gpu-box.lan:8288`. */
	example: string;
}

export interface CheckedBaseUrl {
	/** Scheme, host, port and path, without user info, query, fragment or trailing slash. */
	url: string;
	/** User info found in the address, percent-decoded; the caller decides whether to accept it. */
	userInfo?: { user: string; password: string };
}

/** Checks a server address and splits off any `user:password@`. Throws an InputError naming `rules.parameter`. */
export function checkBaseUrl(raw: string, rules: BaseUrlRules): CheckedBaseUrl {
	const text = raw.trim();
	const shown = redactUrl(text);
	const fail = (why: string): never => {
		throw new InputError(rules.parameter, `The ${rules.service} address "${shown}" ${why}; expected something like ${rules.example}.`);
	};
	if (!text) fail('is empty');
	const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(text)?.[1]?.toLowerCase();
	if (!scheme || !text.slice(scheme.length + 1).startsWith('//')) {
		// "gpu-box:8288" parses as the scheme "gpu-box:", "localhost" as no scheme at all.
		if (!scheme || /^\d+(\/|$)/.test(text.slice(scheme.length + 1))) fail('has no scheme (add http:// or https://)');
		fail(`is not an http:// or https:// address`);
	}
	if (scheme !== 'http' && scheme !== 'https') fail(`uses ${scheme}://, but only http:// and https:// are supported`);

	let url: URL;
	try {
		url = new URL(text);
	} catch {
		const port = /^[a-z]+:\/\/(?:[^@/]*@)?[^/:]*:(\d+)/i.exec(text)?.[1];
		if (port !== undefined && Number(port) > 65535) fail(`has the port ${port}, but ports go up to 65535`);
		return fail('is not a valid URL');
	}
	if (!url.hostname) fail('has no host name');
	if (url.search || url.hash) fail('must not have a query string or a fragment');
	const path = url.pathname.replace(/\/+$/, '');
	if (rules.apiPrefix && (path === rules.apiPrefix || path.endsWith(rules.apiPrefix))) {
		fail(`ends in ${rules.apiPrefix}, which is added to every request anyway: leave it out`);
	}
	const userInfo = url.username || url.password ? { user: decodeURIComponent(url.username), password: decodeURIComponent(url.password) } : undefined;
	return { url: `${url.protocol}//${url.host}${path}`, userInfo };
}

/** Scheme, host and port of a URL, for "No answer from Visionatrix at http://host:8288". */
export function originOf(url: string): string {
	try {
		const parsed = new URL(url);
		return `${parsed.protocol}//${parsed.host}`;
	} catch {
		return redactUrl(url);
	}
}
