// Runtime-neutral: web-standard APIs only (no node:, Deno, process), so n8n, Node and Deno share it.

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** What a transport sends: plain data, already resolved to an absolute URL. */
export interface TransportRequest {
	method: HttpMethod;
	url: string;
	headers: Record<string, string>;
	body?: string | Uint8Array | FormData;
	signal?: AbortSignal;
	/** Per-request limit; the transport aborts the request after it. */
	timeoutMs?: number;
	/**
	 * Submits a job or cleans one up: the host must not cut it short when it cancels the run (n8n's
	 * Stop), or a job could be left running that nobody knows of. Only `timeoutMs` ends it.
	 */
	mustFinish?: boolean;
	/** `stream`: a 2xx answer's body is handed over as it arrives (`TransportResponse.stream`), not buffered. */
	responseType?: 'bytes' | 'stream';
}

export interface TransportResponse {
	status: number;
	/** Header names in lower case. */
	headers: Record<string, string>;
	/** The body; empty when it is streamed. */
	body: Uint8Array;
	/** For `responseType: 'stream'` and a 2xx status: the body, to be read once. Error bodies are always buffered. */
	stream?: AsyncIterable<Uint8Array>;
}

/**
 * The single way out to the network. It applies authentication itself (n8n: the credential;
 * scripts: flags), so the core never sees a secret. Network failures must be thrown as
 * `ConnectionError` (see `connectionErrorFrom`), HTTP error statuses must be returned, not thrown.
 */
export type Transport = (request: TransportRequest) => Promise<TransportResponse>;

/** A part of a multipart/form-data body. */
export type FormPart =
	| { name: string; value: string }
	| { name: string; data: Uint8Array; fileName: string; mimeType: string };

export type QueryValue = string | number | boolean | undefined | null;

/**
 * `safe`: may be sent again after any failure (reads, deletes, idempotent updates).
 * `unsent-only`: creates something, so it is repeated only when it certainly never reached the
 * server (connection refused, or the server said 429 before doing anything).
 */
export type RetryMode = 'safe' | 'unsent-only';

export interface ApiRequest {
	method: HttpMethod;
	/** Path below the base URL, starting with `/`. */
	path: string;
	query?: Record<string, QueryValue>;
	headers?: Record<string, string>;
	json?: unknown;
	form?: FormPart[];
	retry?: RetryMode;
	signal?: AbortSignal;
	timeoutMs?: number;
	/** See `TransportRequest.mustFinish`. */
	mustFinish?: boolean;
	/** Clean-up sent after the caller's limit ran out: bounded by its own `timeoutMs`, not the client's deadline. */
	ignoresDeadline?: boolean;
	/** See `TransportRequest.responseType`. */
	responseType?: 'bytes' | 'stream';
	/**
	 * An absolute URL on another host (a pre-signed download link), sent as it is through
	 * `Env.plainTransport` so that no credential reaches that host; `path` only names it in messages.
	 */
	externalUrl?: string;
}

export function toFormData(parts: FormPart[]): FormData {
	const form = new FormData();
	for (const part of parts) {
		if ('value' in part) form.append(part.name, part.value);
		// Deno's lib types refuse a Uint8Array that might sit on a SharedArrayBuffer; ours never does.
		else form.append(part.name, new Blob([part.data as Uint8Array<ArrayBuffer>], { type: part.mimeType }), part.fileName);
	}
	return form;
}

export function buildUrl(baseUrl: string, path: string, query?: Record<string, QueryValue>): string {
	const base = baseUrl.replace(/\/+$/, '');
	const url = new URL(base + path);
	for (const [key, value] of Object.entries(query ?? {})) {
		if (value !== undefined && value !== null) url.searchParams.set(key, String(value));
	}
	return url.toString();
}

export function headerValue(headers: Record<string, string>, name: string): string | undefined {
	return headers[name.toLowerCase()];
}

const textDecoder = new TextDecoder();

export function bodyText(body: Uint8Array): string {
	return textDecoder.decode(body);
}
