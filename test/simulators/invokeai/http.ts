// FastAPI answers for the InvokeAI simulator: JSON replies, `{"detail": ...}` errors, the 422 of a
// request that failed validation, JSON bodies read as FastAPI reads them, and repeated query keys.
import type { Reply, SimRequest } from '../shared/httpShell.ts';
import { HttpError, ValidationFailed, errors } from '../shared/fastapi.ts';
import type { PydanticError } from './validate.ts';

export { HttpError, ValidationFailed } from '../shared/fastapi.ts';

export function json(status: number, value: unknown, headers: Record<string, string> = {}): Reply {
	return { status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(value ?? null) };
}

export function detail(status: number, text: unknown, headers: Record<string, string> = {}): Reply {
	return json(status, { detail: text }, headers);
}

export function invalid(problems: PydanticError[]): ValidationFailed {
	return new ValidationFailed(problems as unknown as Record<string, unknown>[]);
}

export function errorReply(error: unknown): Reply | undefined {
	if (error instanceof HttpError) return detail(error.status, error.detail);
	if (error instanceof ValidationFailed) return detail(422, error.errors);
	return undefined;
}

/** The JSON body: undefined when empty; a 422 `json_invalid` when it does not parse (JSON content types, or none). */
export function jsonBody(request: SimRequest): unknown {
	if (!request.body.length) return undefined;
	const contentType = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
	const isJson = !contentType || contentType === 'application/json' || (contentType.startsWith('application/') && contentType.endsWith('+json'));
	if (!isJson) return undefined;
	const text = request.body.toString('utf8');
	let failure = '';
	try {
		return JSON.parse(text) as unknown;
	} catch (error) {
		failure = error instanceof Error ? error.message : String(error);
	}
	const position = /position (\d+)/.exec(failure)?.[1];
	throw new ValidationFailed([errors.jsonInvalid(Number(position ?? 0), 'Expecting value')]);
}

/** Every value of a repeated query key (`?base_models=sdxl&base_models=flux`). */
export function queryAll(request: SimRequest, name: string): string[] {
	return new URLSearchParams(request.search).getAll(name);
}
