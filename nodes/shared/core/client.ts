// Runtime-neutral: web-standard APIs only (no node:, Deno, process), so n8n, Node and Deno share it.
import type { z } from 'zod';

import type { Env } from './env.ts';
import { ApiError, ConnectionError, connectionErrorFrom, DeadlineError, isAbortError, isApiError, isConnectionError } from './errors.ts';
import type { ApiRequest, TransportRequest, TransportResponse } from './http.ts';
import { bodyText, buildUrl, headerValue, toFormData } from './http.ts';
import type { RetryPolicy } from './retry.ts';
import { decideRetry, defaultRetryPolicy, parseRetryAfter } from './retry.ts';
import { redactUrlsIn } from './redact.ts';
import { originOf } from './urls.ts';
import { parseJsonResponse } from './validate.ts';

export interface ApiClientOptions {
	/** Product name used in messages, e.g. "Visionatrix". */
	service: string;
	baseUrl: string;
	env: Env;
	retry?: Partial<RetryPolicy>;
	/** Per-request limit when the request names none. */
	requestTimeoutMs?: number;
	/** Extra advice for an error status, e.g. where to look after a 401. */
	hintFor?(status: number, path: string): string | undefined;
	/** Every request, retries included, must be over by then (see `withDeadline`). */
	deadline?: Deadline;
}

/** An absolute end (ms since the epoch) and the limit it came from, for the message. */
export interface Deadline {
	at: number;
	limitMs: number;
}

const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;

/** Sends requests for one service: URL building, retries, error mapping and response checking. */
export class ApiClient {
	readonly service: string;
	readonly env: Env;
	readonly baseUrl: string;
	private readonly policy: RetryPolicy;
	private readonly requestTimeoutMs: number;
	private readonly hintFor?: ApiClientOptions['hintFor'];
	/** The overall limit every request of this client must fit in, if any. */
	readonly deadline?: Deadline;
	private readonly options: ApiClientOptions;

	constructor(options: ApiClientOptions) {
		this.options = options;
		this.deadline = options.deadline;
		this.service = options.service;
		this.env = options.env;
		this.baseUrl = options.baseUrl;
		this.policy = { ...defaultRetryPolicy, ...options.retry };
		this.requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
		this.hintFor = options.hintFor;
	}

	/**
	 * The same client, with every request and retry bounded by an overall limit that starts now:
	 * each request's own timeout is cut to the time left, and no retry waits past the end.
	 * Requests marked `ignoresDeadline` (clean-up after the limit) keep their own timeout.
	 */
	withDeadline(limitMs: number): ApiClient {
		return new ApiClient({ ...this.options, deadline: { at: this.env.now() + limitMs, limitMs } });
	}

	/** Sends the request (retrying where that is safe) and returns a 2xx response, or throws. */
	async send(request: ApiRequest): Promise<TransportResponse> {
		const mode = request.retry ?? (request.method === 'GET' || request.method === 'DELETE' ? 'safe' : 'unsent-only');
		const deadline = request.ignoresDeadline ? undefined : this.deadline;
		// Set once an attempt may have reached the server: a DELETE that then gets 404 had worked.
		let mayHaveArrived = false;
		for (let retryNumber = 0; ; retryNumber++) {
			request.signal?.throwIfAborted();
			const timeoutMs = this.timeoutFor(request, deadline);
			try {
				return await this.sendOnce(request, timeoutMs);
			} catch (error) {
				if (isAbortError(error) || request.signal?.aborted) throw error;
				if (deadline && this.env.now() >= deadline.at) throw this.deadlineError(request, deadline, error);
				if (request.method === 'DELETE' && mayHaveArrived && isApiError(error) && error.status === 404) {
					return { status: 204, headers: {}, body: new Uint8Array(0) };
				}
				mayHaveArrived ||= (isConnectionError(error) && error.phase === 'transfer') || (isApiError(error) && error.status >= 500);
				const decision = decideRetry(error, mode, retryNumber, this.policy, (this.env.random ?? Math.random)());
				if (!decision.retry) throw error;
				if (deadline && this.env.now() + decision.delayMs >= deadline.at) throw error;
				this.env.logger?.debug(`${this.service}: retrying ${request.method} ${request.path}`, {
					attempt: retryNumber + 2,
					delayMs: decision.delayMs,
					reason: error instanceof Error ? error.message : String(error),
				});
				await this.env.sleep(decision.delayMs, request.signal);
			}
		}
	}

	private timeoutFor(request: ApiRequest, deadline: Deadline | undefined): number {
		const own = request.timeoutMs ?? this.requestTimeoutMs;
		if (!deadline) return own;
		const left = deadline.at - this.env.now();
		if (left <= 0) throw this.deadlineError(request, deadline);
		return Math.min(own, left);
	}

	private deadlineError(request: ApiRequest, deadline: Deadline, cause?: unknown): DeadlineError {
		const error = new DeadlineError(this.service, request.method, request.path, deadline.limitMs);
		if (cause !== undefined) (error as { cause?: unknown }).cause = cause;
		return error;
	}

	async json<Schema extends z.ZodTypeAny>(request: ApiRequest, schema: Schema): Promise<z.infer<Schema>> {
		const response = await this.send({ ...request, headers: { accept: 'application/json', ...request.headers } });
		return parseJsonResponse(schema, response.body, `${this.service} ${request.method} ${request.path}`);
	}

	async empty(request: ApiRequest): Promise<void> {
		await this.send(request);
	}

	private async sendOnce(request: ApiRequest, timeoutMs: number): Promise<TransportResponse> {
		const transportRequest = this.toTransportRequest(request, timeoutMs);
		const origin = originOf(request.externalUrl ?? this.baseUrl);
		const transport = request.externalUrl === undefined ? this.env.transport : this.env.plainTransport;
		if (!transport) {
			throw new ConnectionError('connect', 'no way to send a request without the credential', {
				retryable: false,
				message: `${this.service}: ${request.method} ${request.path} on ${origin} was not sent, because this host cannot send it without the credential (which must not reach that host).`,
			});
		}
		let response: TransportResponse;
		try {
			response = await transport(transportRequest);
		} catch (error) {
			if (isAbortError(error) || request.signal?.aborted) throw error;
			const connectionError = isConnectionError(error) ? error : connectionErrorFrom(error);
			connectionError.method = request.method;
			connectionError.path = request.path;
			const where = `${this.service} at ${origin}`;
			connectionError.message =
				connectionError.phase === 'connect'
					? `Could not connect to ${where} (${connectionError.reason}) for ${request.method} ${request.path}`
					: `No answer from ${where} (${connectionError.reason}) for ${request.method} ${request.path}`;
			throw connectionError;
		}
		if (response.status >= 400 || (response.status >= 300 && response.status < 400)) throw this.apiError(request, response);
		return response;
	}

	private toTransportRequest(request: ApiRequest, timeoutMs: number): TransportRequest {
		const headers: Record<string, string> = { ...request.headers };
		let body: TransportRequest['body'];
		if (request.form) {
			body = toFormData(request.form);
		} else if (request.json !== undefined) {
			body = JSON.stringify(request.json);
			headers['content-type'] = 'application/json';
		}
		return {
			method: request.method,
			url: request.externalUrl ?? buildUrl(this.baseUrl, request.path, request.query),
			headers,
			body,
			signal: request.signal,
			timeoutMs,
			mustFinish: request.mustFinish,
			responseType: request.responseType,
		};
	}

	private apiError(request: ApiRequest, response: TransportResponse): ApiError {
		return new ApiError({
			service: this.service,
			status: response.status,
			method: request.method,
			path: request.path,
			serverMessage: serverMessageFrom(response),
			retryAfterMs: parseRetryAfter(headerValue(response.headers, 'retry-after'), this.env.now()),
			hint: this.hintFor?.(response.status, request.path),
			location: headerValue(response.headers, 'location'),
		});
	}
}

const MAX_MESSAGE_LENGTH = 500;

/**
 * The server's own words from an error body: FastAPI `detail` (a string, or a list of validation
 * issues), an envelope's `errors`, an `error`/`message` field, or else the plain text.
 */
export function serverMessageFrom(response: TransportResponse): string {
	const text = bodyText(response.body).trim();
	let message = text;
	try {
		message = messageFromJson(JSON.parse(text)) ?? text;
	} catch {
		// Not JSON: Starlette's plain "Not authenticated" is kept; of a proxy's HTML page, its title.
		if (text.startsWith('<')) message = /<title>([^<]*)<\/title>/i.exec(text)?.[1]?.trim() || text.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
	}
	message = redactUrlsIn(message);
	return message.length > MAX_MESSAGE_LENGTH ? `${message.slice(0, MAX_MESSAGE_LENGTH)}…` : message;
}

function messageFromJson(value: unknown): string | undefined {
	if (typeof value === 'string') return value;
	if (typeof value !== 'object' || value === null) return undefined;
	const record = value as Record<string, unknown>;
	for (const key of ['detail', 'errors', 'error', 'message']) {
		const field = record[key];
		if (typeof field === 'string' && field) return field;
		if (Array.isArray(field) && field.length > 0) return field.map(describeIssue).join('; ');
		if (typeof field === 'object' && field !== null) {
			const nested = messageFromJson(field);
			if (nested) return nested;
		}
	}
	return undefined;
}

function describeIssue(issue: unknown): string {
	if (typeof issue === 'string') return issue;
	if (typeof issue !== 'object' || issue === null) return String(issue);
	const { loc, msg } = issue as { loc?: unknown; msg?: unknown };
	const where = Array.isArray(loc) ? loc.filter((part) => part !== 'body').join('.') : '';
	const what = typeof msg === 'string' ? msg : JSON.stringify(issue);
	return where ? `${where}: ${what}` : what;
}
