// Runtime-neutral: web-standard APIs only (no node:, Deno, process), so n8n, Node and Deno share it.
//
// Every error the core throws is a GenflowsError with a `kind`. Code checks `kind` (or the
// is* guards) rather than `instanceof`, which fails when two copies of the core are loaded.
// No error ever carries a credential: the transport applies auth and the core never sees it.

export type GenflowsErrorKind =
	| 'api'
	| 'connection'
	| 'response-shape'
	| 'input'
	| 'job-failed'
	| 'job-timeout'
	| 'job-aborted';

const ERROR_KINDS = new Set<GenflowsErrorKind>([
	'api',
	'connection',
	'response-shape',
	'input',
	'job-failed',
	'job-timeout',
	'job-aborted',
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
	}) {
		const said = init.serverMessage ? `: ${init.serverMessage}` : '';
		super('api', `${init.service} answered ${init.status} to ${init.method} ${init.path}${said}`, {
			hint: init.hint,
		});
		this.name = 'ApiError';
		this.status = init.status;
		this.method = init.method;
		this.path = init.path;
		this.serverMessage = init.serverMessage;
		this.retryAfterMs = init.retryAfterMs;
	}
}

/**
 * No HTTP answer. `connect`: the request never left (refused, unknown host), so even a request
 * that creates a job may be sent again. `transfer`: it may have reached the server.
 */
export class ConnectionError extends GenflowsError {
	readonly phase: 'connect' | 'transfer';
	readonly code?: string;
	method?: string;
	path?: string;

	constructor(phase: 'connect' | 'transfer', message: string, options: { code?: string; cause?: unknown } = {}) {
		super('connection', message, { cause: options.cause });
		this.name = 'ConnectionError';
		this.phase = phase;
		this.code = options.code;
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
			`${jobLabel} did not finish within ${Math.round(timeoutMs / 1000)} s (last seen: ${lastState}). ${describeCancel(jobLabel, cancel)}`,
			{ hint: 'Raise the timeout, or create the task without waiting and fetch its results later.' },
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

/** True for the error an aborted signal produces, whichever runtime made it. */
export function isAbortError(error: unknown): boolean {
	return error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError');
}

const CONNECT_PHASE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * Turns whatever a runtime throws for a failed request (undici's `TypeError: fetch failed` with a
 * `cause`, axios' `code`, Deno's `TypeError`) into a ConnectionError with the right phase.
 */
export function connectionErrorFrom(error: unknown): ConnectionError {
	if (isConnectionError(error)) return error;
	const code = findErrorCode(error);
	const phase = code !== undefined && CONNECT_PHASE_CODES.has(code) ? 'connect' : 'transfer';
	const detail = code ?? (error instanceof Error ? error.message : String(error));
	return new ConnectionError(phase, `No answer from the server (${detail})`, { code, cause: error });
}

function findErrorCode(error: unknown): string | undefined {
	let current: unknown = error;
	for (let depth = 0; depth < 5 && current; depth++) {
		const code = (current as { code?: unknown }).code;
		if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) return code;
		const errors = (current as { errors?: unknown }).errors;
		if (Array.isArray(errors) && errors.length > 0) current = errors[0];
		else current = (current as { cause?: unknown }).cause;
	}
	return undefined;
}
