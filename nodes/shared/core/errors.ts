// Runtime-neutral: web-standard APIs only (no node:, Deno, process), so n8n, Node and Deno share it.
//
// Every error the core throws is a GenflowsError with a `kind`. Code checks `kind` (or the
// is* guards) rather than `instanceof`, which fails when two copies of the core are loaded.
// No error ever carries a credential: the transport applies auth and the core never sees it.
import { redactUrl, redactUrlsIn } from './redact.ts';

export type GenflowsErrorKind =
	| 'api'
	| 'connection'
	| 'response-shape'
	| 'input'
	| 'job-failed'
	| 'job-timeout'
	| 'job-aborted'
	| 'job-uncertain'
	| 'deadline';

const ERROR_KINDS = new Set<GenflowsErrorKind>([
	'api',
	'connection',
	'response-shape',
	'input',
	'job-failed',
	'job-timeout',
	'job-aborted',
	'job-uncertain',
	'deadline',
]);

export class GenflowsError extends Error {
	readonly kind: GenflowsErrorKind;
	/** Extra lines for a user: what to check or do next. */
	readonly hint?: string;

	constructor(kind: GenflowsErrorKind, message: string, options: { hint?: string; cause?: unknown } = {}) {
		super(message, options.cause === undefined ? undefined : { cause: options.cause });
		this.name = 'GenflowsError';
		this.kind = kind;
		this.hint = options.hint;
	}
}

/** The server answered with an error status. */
export class ApiError extends GenflowsError {
	readonly status: number;
	readonly method: string;
	/** Path without the query string, e.g. `/vapi/tasks/progress/42`. */
	readonly path: string;
	/** The server's own message (FastAPI `detail`, an envelope's `errors`, or the plain body). */
	readonly serverMessage: string;
	readonly retryAfterMs?: number;

	constructor(init: {
		service: string;
		status: number;
		method: string;
		path: string;
		serverMessage: string;
		retryAfterMs?: number;
		hint?: string;
		/** For a redirect: where the server sent the request. */
		location?: string;
	}) {
		super('api', apiErrorMessage(init), { hint: init.hint });
		this.name = 'ApiError';
		this.status = init.status;
		this.method = init.method;
		this.path = init.path;
		this.serverMessage = init.serverMessage;
		this.retryAfterMs = init.retryAfterMs;
	}
}

function apiErrorMessage(init: ConstructorParameters<typeof ApiError>[0]): string {
	const said = init.serverMessage ? `: ${init.serverMessage}` : '';
	const request = `${init.method} ${init.path}`;
	if (init.status === 429) {
		const when = init.retryAfterMs === undefined ? 'in a minute or so' : `in ${formatSeconds(Math.max(1000, Math.ceil(init.retryAfterMs / 1000) * 1000))}`;
		return `${init.service} is limiting requests (429 Too Many Requests to ${request}); try again ${when}.`;
	}
	if (init.status >= 300 && init.status < 400) {
		const where = init.location ? ` to ${redactUrl(init.location)}` : '';
		return `${init.service} redirected ${request}${where} (${init.status}). Set the address to the server that answers, without a redirect.`;
	}
	return `${init.service} answered ${init.status} to ${request}${said}`;
}

/**
 * No HTTP answer. `connect`: the request never left (refused, unknown host), so even a request
 * that creates a job may be sent again. `transfer`: it may have reached the server.
 * `retryable` is false for what another try cannot mend (TLS spoken to a plain-HTTP port, a
 * refused certificate, an address fetch will not use).
 *
 * Messages name no error code (ECONNRESET …): n8n replaces any message holding one with its own
 * generic text ("You can retry the request immediately"), which is wrong advice for a job
 * submission. The code stays in `code`.
 */
export class ConnectionError extends GenflowsError {
	readonly phase: 'connect' | 'transfer';
	readonly code?: string;
	/** What went wrong in plain words, e.g. "connection refused". */
	readonly reason: string;
	readonly retryable: boolean;
	method?: string;
	path?: string;

	constructor(
		phase: 'connect' | 'transfer',
		reason: string,
		options: { code?: string; cause?: unknown; retryable?: boolean; hint?: string; message?: string } = {},
	) {
		super('connection', options.message ?? `No answer from the server (${reason})`, { cause: options.cause, hint: options.hint });
		this.name = 'ConnectionError';
		this.phase = phase;
		this.code = options.code;
		this.reason = reason;
		this.retryable = options.retryable ?? true;
	}
}

/** The server answered 2xx with a body that does not match what its code produces. */
export class ResponseShapeError extends GenflowsError {
	readonly field: string;
	constructor(message: string, field: string) {
		super('response-shape', message);
		this.name = 'ResponseShapeError';
		this.field = field;
	}
}

/** Bad input from the user, found before anything was sent. Names the parameter. */
export class InputError extends GenflowsError {
	readonly parameter: string;
	constructor(parameter: string, message: string, hint?: string) {
		super('input', message, { hint });
		this.name = 'InputError';
		this.parameter = parameter;
	}
}

export class JobFailedError extends GenflowsError {
	readonly jobId: string;
	readonly serverMessage: string;
	constructor(jobLabel: string, jobId: string, serverMessage: string) {
		super('job-failed', `${jobLabel} failed: ${serverMessage}`);
		this.name = 'JobFailedError';
		this.jobId = jobId;
		this.serverMessage = serverMessage;
	}
}

/** What happened to the remote job when we stopped waiting for it. */
export type RemoteCancelOutcome =
	| { status: 'cancelled' }
	| { status: 'not-supported' }
	| { status: 'failed'; reason: string };

export function describeCancel(jobLabel: string, outcome: RemoteCancelOutcome): string {
	switch (outcome.status) {
		case 'cancelled':
			return `${jobLabel} was cancelled on the server.`;
		case 'not-supported':
			return `The server cannot cancel ${jobLabel}; it may still be running.`;
		case 'failed':
			return `Cancelling ${jobLabel} on the server failed (${outcome.reason}); it may still be running, cancel it by hand.`;
	}
}

export class JobTimeoutError extends GenflowsError {
	readonly jobId: string;
	readonly cancel: RemoteCancelOutcome;
	constructor(jobLabel: string, jobId: string, timeoutMs: number, lastState: string, cancel: RemoteCancelOutcome) {
		super(
			'job-timeout',
			`${jobLabel} did not finish within the ${formatSeconds(timeoutMs)} timeout (last seen: ${lastState}). ${describeCancel(jobLabel, cancel)}`,
			{ hint: 'Raise the timeout, or start the job without waiting and fetch its results later.' },
		);
		this.name = 'JobTimeoutError';
		this.jobId = jobId;
		this.cancel = cancel;
	}
}

export class JobAbortedError extends GenflowsError {
	readonly jobId: string;
	readonly cancel: RemoteCancelOutcome;
	constructor(jobLabel: string, jobId: string, cancel: RemoteCancelOutcome) {
		super('job-aborted', `Stopped waiting for ${jobLabel}. ${describeCancel(jobLabel, cancel)}`);
		this.name = 'JobAbortedError';
		this.jobId = jobId;
		this.cancel = cancel;
	}
}

/**
 * A request that creates a job got no answer after it may have reached the server, and the job
 * could not be found: it may exist. Never "retry": that could run the job twice.
 */
export class UncertainSubmissionError extends GenflowsError {
	constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
		super('job-uncertain', message, options);
		this.name = 'UncertainSubmissionError';
	}
}

/** A request could not be answered within the time left of the caller's overall limit. */
export class DeadlineError extends GenflowsError {
	readonly method: string;
	readonly path: string;
	constructor(service: string, method: string, path: string, limitMs: number | undefined) {
		const limit = limitMs === undefined ? 'the time limit' : `the ${formatSeconds(limitMs)} limit`;
		super('deadline', `${service} did not answer ${method} ${path} within ${limit}.`, {
			hint: 'Raise the timeout, or check that the server is up and not overloaded.',
		});
		this.name = 'DeadlineError';
		this.method = method;
		this.path = path;
	}
}

/** "3 s", "1.5 s", "600 s". */
export function formatSeconds(ms: number): string {
	const seconds = ms / 1000;
	return `${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)} s`;
}

export function isGenflowsError(error: unknown): error is GenflowsError {
	return error instanceof Error && ERROR_KINDS.has((error as { kind?: unknown }).kind as GenflowsErrorKind);
}

export function isApiError(error: unknown): error is ApiError {
	return isGenflowsError(error) && error.kind === 'api';
}

export function isConnectionError(error: unknown): error is ConnectionError {
	return isGenflowsError(error) && error.kind === 'connection';
}

export function isInputError(error: unknown): error is InputError {
	return isGenflowsError(error) && error.kind === 'input';
}

/**
 * An error that says the configured address leads to no API of the service, so the setting to
 * check is the address: nothing listening, TLS spoken to a plain-HTTP port (connection errors
 * without a hint of their own), a redirect, or a 2xx page that is not JSON (a web UI on the port,
 * a proxy's login page). The n8n edge names the credential's field, the CLI `--url`.
 */
export function pointsAtAddress(error: unknown): boolean {
	if (!isGenflowsError(error)) return false;
	if (error.kind === 'connection') return !error.hint;
	if (isApiError(error)) return error.status >= 300 && error.status < 400;
	return error.kind === 'response-shape' && (error as ResponseShapeError).field === '(body)';
}

/** True for the error an aborted signal produces, whichever runtime made it. */
export function isAbortError(error: unknown): boolean {
	// By name, not `instanceof Error`: a DOMException from another realm (a test sandbox, n8n's task runner) is one too.
	const name = typeof error === 'object' && error !== null ? (error as { name?: unknown }).name : undefined;
	return name === 'AbortError' || name === 'TimeoutError';
}

const CONNECT_PHASE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

const CODE_WORDS: Record<string, string> = {
	ECONNREFUSED: 'connection refused',
	ECONNRESET: 'the connection was reset',
	ECONNABORTED: 'the connection was aborted',
	EPIPE: 'the connection was closed while sending',
	ETIMEDOUT: 'the connection timed out',
	ENOTFOUND: 'host not found',
	EAI_AGAIN: 'the host name could not be looked up',
	EHOSTUNREACH: 'host unreachable',
	ENETUNREACH: 'network unreachable',
	UND_ERR_SOCKET: 'the connection was closed',
	UND_ERR_CONNECT_TIMEOUT: 'connecting timed out',
	UND_ERR_HEADERS_TIMEOUT: 'no answer in time',
	UND_ERR_BODY_TIMEOUT: 'the answer stopped arriving',
};

const NOT_TLS = /wrong version number|packet length too long|corrupt message|InvalidContentType|http_request|ERR_SSL_WRONG_VERSION/i;
const BAD_CERTIFICATE = /CERT|certificate|UnknownIssuer|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/;

/**
 * Turns whatever a runtime throws for a failed request (undici's `TypeError: fetch failed` with a
 * `cause`, axios' `code`, Deno's `TypeError`) into a ConnectionError with the right phase, plain
 * words, and no credential (a runtime may quote the URL it was given).
 */
export function connectionErrorFrom(error: unknown): ConnectionError {
	if (isConnectionError(error)) return error;
	const code = findErrorCode(error);
	const text = redactUrlsIn(allMessages(error));
	if (/credentials/i.test(text) && /URL/.test(text)) {
		return new ConnectionError('connect', 'the address holds a user name or password, which is not sent that way', { code, cause: error, retryable: false });
	}
	if (NOT_TLS.test(`${code ?? ''} ${text}`)) {
		return new ConnectionError('connect', 'the server does not speak TLS: use http:// for it, or point https:// at a TLS port', { code, cause: error, retryable: false });
	}
	if (BAD_CERTIFICATE.test(`${code ?? ''} ${text}`)) {
		return new ConnectionError('connect', `the server's TLS certificate was not accepted (${certificateProblem(code, text)})`, {
			code,
			cause: error,
			retryable: false,
			hint: 'For a self-signed certificate, switch on "Ignore SSL Issues" in the credential, or use http:// on a trusted network.',
		});
	}
	if (/bad port|port \d+ (is|are) blocked/i.test(text)) {
		// fetch refuses the ports browsers block (6000, 6665-6669, …) before connecting.
		return new ConnectionError('connect', 'fetch does not connect to this port, one that browsers block: run the server on another port', { code, cause: error, retryable: false });
	}
	if (/unknown scheme|not supported|unsupported protocol/i.test(text)) {
		return new ConnectionError('connect', 'the address uses a scheme other than http:// or https://', { code, cause: error, retryable: false });
	}
	const described = code === undefined ? describedByMessage(text) : undefined;
	if (described) return new ConnectionError(described.phase, described.reason, { cause: error });
	const phase = code !== undefined && CONNECT_PHASE_CODES.has(code) ? 'connect' : 'transfer';
	const reason = (code && CODE_WORDS[code]) ?? (/timeout|timed out/i.test(text) ? 'no answer in time' : withoutCodes(firstMessage(error)) || 'the request failed');
	return new ConnectionError(phase, reason, { code, cause: error });
}

/** Deno's fetch gives no error code, only hyper's words ("tcp connect error: Connection refused (os error 111)"). */
const MESSAGE_PATTERNS: Array<[RegExp, 'connect' | 'transfer', string]> = [
	[/connection refused/i, 'connect', 'connection refused'],
	[/dns error|failed to lookup address|name or service not known|no address associated/i, 'connect', 'host not found'],
	[/tcp connect error.*(timed out|timeout)/i, 'connect', 'connecting timed out'],
	[/network is unreachable|no route to host/i, 'connect', 'host unreachable'],
	[/connection reset/i, 'transfer', 'the connection was reset'],
	[/connection closed before message completed|incomplete ?message|unexpected eof|broken pipe/i, 'transfer', 'the connection was closed'],
];

function describedByMessage(text: string): { phase: 'connect' | 'transfer'; reason: string } | undefined {
	const match = MESSAGE_PATTERNS.find(([pattern]) => pattern.test(text));
	return match && { phase: match[1], reason: match[2] };
}

function certificateProblem(code: string | undefined, text: string): string {
	if (/SELF_SIGNED|self[- ]signed/i.test(`${code ?? ''} ${text}`)) return 'self-signed';
	if (/EXPIRED|expired/i.test(`${code ?? ''} ${text}`)) return 'expired';
	if (/ALTNAME|name mismatch|not valid for/i.test(`${code ?? ''} ${text}`)) return 'issued for another host name';
	return 'not trusted';
}

/** A message without codes such as ECONNRESET, which n8n would replace with its own text. */
function withoutCodes(text: string): string {
	return redactUrlsIn(text.replace(/\b(E[A-Z_]{3,}|UND_ERR_[A-Z_]+)\b:?\s*/g, '').trim());
}

function firstMessage(error: unknown): string {
	let current: unknown = error;
	for (let depth = 0; depth < 5 && current; depth++) {
		const message = (current as { message?: unknown }).message;
		if (typeof message === 'string' && message && message !== 'fetch failed') return message;
		current = innerError(current);
	}
	return error instanceof Error ? error.message : String(error);
}

function allMessages(error: unknown): string {
	const parts: string[] = [];
	let current: unknown = error;
	for (let depth = 0; depth < 5 && current; depth++) {
		const message = (current as { message?: unknown }).message;
		if (typeof message === 'string') parts.push(message);
		else if (typeof current === 'string') parts.push(current);
		const errors = (current as { errors?: unknown }).errors;
		current = Array.isArray(errors) && errors.length > 0 ? errors[0] : innerError(current);
	}
	return parts.join(' | ');
}

function findErrorCode(error: unknown): string | undefined {
	let current: unknown = error;
	for (let depth = 0; depth < 5 && current; depth++) {
		const code = (current as { code?: unknown }).code;
		if (typeof code === 'string' && /^[A-Z][A-Z0-9_]+$/.test(code)) return code;
		const errors = (current as { errors?: unknown }).errors;
		if (Array.isArray(errors) && errors.length > 0) current = errors[0];
		else current = innerError(current);
	}
	return undefined;
}

/**
 * The error this one wraps: its `cause`, or the `errorResponse` n8n's NodeApiError keeps instead
 * when what it wrapped does not pass its `instanceof Error` (an error from another realm).
 */
function innerError(error: unknown): unknown {
	const { cause, errorResponse } = error as { cause?: unknown; errorResponse?: unknown };
	return cause ?? errorResponse;
}
