// Runtime-neutral: web-standard APIs only (no node:, Deno, process), so n8n, Node and Deno share it.
import { connectionErrorFrom } from './errors.ts';
import type { Transport } from './http.ts';

export interface FetchTransportOptions {
	/** Defaults to the global fetch (undici in Node, the built-in one in Deno). */
	fetch?: typeof fetch;
	/** HTTP Basic credentials added to every request. */
	basicAuth?: { user: string; password: string };
	/** Extra headers on every request (an API key, a proxy token). */
	headers?: Record<string, string>;
}

/** A Transport over fetch, for the scripts and tools; n8n uses its own request helper instead. */
export function fetchTransport(options: FetchTransportOptions = {}): Transport {
	const doFetch = options.fetch ?? fetch;
	const authorization = options.basicAuth
		? `Basic ${base64(`${options.basicAuth.user}:${options.basicAuth.password}`)}`
		: undefined;

	return async (request) => {
		const signals = [request.signal, request.timeoutMs ? AbortSignal.timeout(request.timeoutMs) : undefined].filter(
			(signal): signal is AbortSignal => signal !== undefined,
		);
		const headers: Record<string, string> = { ...options.headers, ...request.headers };
		if (authorization) headers.authorization = authorization;
		try {
			const response = await doFetch(request.url, {
				method: request.method,
				headers,
				body: request.body as RequestInit['body'],
				signal: signals.length > 0 ? AbortSignal.any(signals) : undefined,
				// A redirect is reported, not followed: fetch drops the Authorization header on a
				// cross-origin redirect, and the user would see a baffling 401.
				redirect: 'manual',
			});
			const responseHeaders: Record<string, string> = {};
			response.headers.forEach((value, name) => {
				responseHeaders[name.toLowerCase()] = value;
			});
			if (request.responseType === 'stream' && response.ok && response.body) {
				return { status: response.status, headers: responseHeaders, body: new Uint8Array(0), stream: streamOf(response, request.signal) };
			}
			const body = new Uint8Array(await response.arrayBuffer());
			return { status: response.status, headers: responseHeaders, body };
		} catch (error) {
			if (request.signal?.aborted) throw error;
			throw connectionErrorFrom(error);
		}
	};
}

/**
 * A response body read chunk by chunk; a failure mid-way is a ConnectionError like any other.
 *
 * It takes the Response, not only its body, so that the Response lives as long as this stream:
 * Node's fetch (undici) cancels the body of a Response that is garbage-collected before its body
 * was locked or read, and a cancelled body reads as empty. Between the answer and the first read
 * (the CLI opens the file first) a collection would have saved the file with 0 bytes and no error
 * (undici PR #3199; seen under load in `npm run chaos`). A stream dropped unread still lets both go.
 */
async function* streamOf(response: Response, signal: AbortSignal | undefined): AsyncIterable<Uint8Array> {
	const reader = response.body?.getReader();
	if (!reader) return;
	try {
		for (;;) {
			const chunk = await reader.read().catch((error: unknown) => {
				throw signal?.aborted ? error : connectionErrorFrom(error);
			});
			if (chunk.done) return;
			yield chunk.value;
		}
	} finally {
		reader.releaseLock();
	}
}

function base64(text: string): string {
	const bytes = new TextEncoder().encode(text);
	let binary = '';
	for (const byte of bytes) binary += String.fromCharCode(byte);
	return btoa(binary);
}
