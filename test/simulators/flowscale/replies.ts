// The pod API's answers: JSON in the `{status, data, errors, meta}` envelope (OpenAPI
// *ResponseWrapper, with its optional fields sent as null), FastAPI's `{"detail": ...}` for what the
// framework answers itself (unknown paths, validation), and empty 204s.
import type { Reply } from '../shared/httpShell.ts';

/** A handled error: the SDK's ErrorResponse shape `{status: "error", errors: "<message>"}`. */
export class ApiError extends Error {
	constructor(
		readonly status: number,
		message: string,
	) {
		super(message);
	}
}

export function json(status: number, body: unknown): Reply {
	return { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

export function success(data: unknown, meta: unknown = null): Reply {
	return json(200, { status: 'success', data, errors: null, meta });
}

export function failure(status: number, message: string): Reply {
	return json(status, { status: 'error', data: null, errors: message, meta: null });
}

export function detail(status: number, value: unknown): Reply {
	return json(status, { detail: value });
}

export function noContent(): Reply {
	return { status: 204, headers: {}, body: null };
}
