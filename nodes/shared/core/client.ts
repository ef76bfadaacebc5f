// Runtime-neutral: web-standard APIs only (no node:, Deno, process), so n8n, Node and Deno share it.
import type { z } from 'zod';

import type { Env } from './env.ts';
import { ApiError, connectionErrorFrom, isAbortError, isConnectionError } from './errors.ts';
import type { ApiRequest, TransportRequest, TransportResponse } from './http.ts';
import { bodyText, buildUrl, headerValue, toFormData } from './http.ts';
import type { RetryPolicy } from './retry.ts';
import { decideRetry, defaultRetryPolicy, parseRetryAfter } from './retry.ts';
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
}

const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;

/** Sends requests for one service: URL building, retries, error mapping and response checking. */
export class ApiClient {
	readonly service: string;
	readonly env: Env;
	private readonly baseUrl: string;
	private readonly policy: RetryPolicy;
	private readonly requestTimeoutMs: number;
	private readonly hintFor?: ApiClientOptions['hintFor'];

	constructor(options: ApiClientOptions) {
		this.service = options.service;
		this.env = options.env;
		this.baseUrl = options.baseUrl;
		this.policy = { ...defaultRetryPolicy, ...options.retry };
		this.requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
		this.hintFor = options.hintFor;
	}

	/** Sends the request (retrying where that is safe) and returns a 2xx response, or throws. */
	async send(request: ApiRequest): Promise<TransportResponse> {
		const mode = request.retry ?? (request.method === 'GET' || request.method === 'DELETE' ? 'safe' : 'unsent-only');
		for (let retryNumber = 0; ; retryNumber++) {
			request.signal?.throwIfAborted();
			try {
				return await this.sendOnce(request);
			} catch (error) {
				if (isAbortError(error) || request.signal?.aborted) throw error;
				const decision = decideRetry(error, mode, retryNumber, this.policy, (this.env.random ?? Math.random)());
				if (!decision.retry) throw error;
				this.env.logger?.debug(`${this.service}: retrying ${request.method} ${request.path}`, {
					attempt: retryNumber + 2,
					delayMs: decision.delayMs,
					reason: error instanceof Error ? error.message : String(error),
				});
				await this.env.sleep(decision.delayMs, request.signal);
			}
		}
	}

	async json<Schema extends z.ZodTypeAny>(request: ApiRequest, schema: Schema): Promise<z.infer<Schema>> {
		const response = await this.send({ ...request, headers: { accept: 'application/json', ...request.headers } });
		return parseJsonResponse(schema, response.body, `${this.service} ${request.method} ${request.path}`);
	}

	async empty(request: ApiRequest): Promise<void> {
		await this.send(request);
	}

	private async sendOnce(request: ApiRequest): Promise<TransportResponse> {
		const transportRequest = this.toTransportRequest(request);
		let response: TransportResponse;
		try {
			response = await this.env.transport(transportRequest);
		} catch (error) {
			if (isAbortError(error) || request.signal?.aborted) throw error;
			const connectionError = isConnectionError(error) ? error : connectionErrorFrom(error);
			connectionError.method = request.method;
			connectionError.path = request.path;
			connectionError.message = `${connectionError.message} for ${this.service} ${request.method} ${request.path}`;
			throw connectionError;
		}
		if (response.status >= 400) throw this.apiError(request, response);
		return response;
	}

	private toTransportRequest(request: ApiRequest): TransportRequest {
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
			url: buildUrl(this.baseUrl, request.path, request.query),
			headers,
			body,
			signal: request.signal,
			timeoutMs: request.timeoutMs ?? this.requestTimeoutMs,
			mustFinish: request.mustFinish,
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
		// Not JSON (Starlette's plain "Not authenticated", a proxy's HTML page): keep the text.
	}
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
