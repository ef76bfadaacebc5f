// Runtime-neutral: web-standard APIs only (no node:, Deno, process), so n8n, Node and Deno share it.
import { InputError } from './errors.ts';

/**
 * A whole number in [min, max], or an InputError naming `parameter`, e.g.
 * "The priority must be a whole number from 0 to 15; got 20."
 */
export function requireWholeNumber(parameter: string, label: string, value: unknown, min: number, max?: number): number {
	if (typeof value === 'number' && Number.isSafeInteger(value) && value >= min && (max === undefined || value <= max)) {
		return value;
	}
	const range = max === undefined ? `of ${min} or more` : `from ${min} to ${max}`;
	const given = typeof value === 'number' ? String(value) : JSON.stringify(value);
	throw new InputError(parameter, `The ${label} must be a whole number ${range}; got ${given}.`);
}
