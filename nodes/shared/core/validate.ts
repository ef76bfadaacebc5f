// Runtime-neutral: web-standard APIs only (no node:, Deno, process), so n8n, Node and Deno share it.
import type { z } from 'zod';

import { ResponseShapeError } from './errors.ts';
import { bodyText } from './http.ts';

/** Checks a server's JSON against its schema; a mismatch names the first field that is off. */
export function parseJsonResponse<Schema extends z.ZodTypeAny>(
	schema: Schema,
	body: Uint8Array,
	context: string,
): z.infer<Schema> {
	return parseJsonText(schema, bodyText(body), context);
}

export function parseJsonText<Schema extends z.ZodTypeAny>(schema: Schema, text: string, context: string): z.infer<Schema> {
	let data: unknown;
	try {
		data = JSON.parse(text);
	} catch {
		const start = text.slice(0, 60).replace(/\s+/g, ' ');
		throw new ResponseShapeError(`${context} answered with a body that is not JSON: "${start}"`, '(body)');
	}
	return parseValue(schema, data, context);
}

export function parseValue<Schema extends z.ZodTypeAny>(schema: Schema, data: unknown, context: string): z.infer<Schema> {
	const result = schema.safeParse(data);
	if (result.success) return result.data;
	const issue = result.error.issues[0];
	const field = issue.path.length > 0 ? issue.path.join('.') : '(body)';
	throw new ResponseShapeError(
		`${context} answered with an unexpected body: field \`${field}\`: ${issue.message}` +
			(result.error.issues.length > 1 ? ` (and ${result.error.issues.length - 1} more)` : ''),
		field,
	);
}
