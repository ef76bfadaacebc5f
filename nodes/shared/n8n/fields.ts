// Parameters every provider's nodes share, defined once so they look and read the same everywhere.
import type { INodeProperties } from 'n8n-workflow';

import { InputError } from '../core/errors.ts';
import { requireWholeNumber } from '../core/inputChecks.ts';

export const binaryPropertyField: INodeProperties = {
	displayName: 'Put Output File in Field',
	name: 'binaryPropertyName',
	type: 'string',
	default: 'data',
	description: 'Name of the binary field each output item carries its file in',
};

/** The name of the binary field output files go in ("data" unless the user says otherwise). */
export function binaryPropertyName(value: unknown): string {
	return (typeof value === 'string' && value.trim()) || 'data';
}

export const DEFAULT_TIMEOUT_SECONDS = 600;

/** "Timeout (Seconds)" of a run-and-wait operation; `noun` is what the provider calls a job. */
export function timeoutField(noun: string, whenItRunsOut: string): INodeProperties {
	return {
		displayName: 'Timeout (Seconds)',
		name: 'timeout',
		type: 'number',
		default: DEFAULT_TIMEOUT_SECONDS,
		typeOptions: { minValue: 1 },
		description: `How long the whole run may take, submission and downloads included; when it runs out the ${noun} ${whenItRunsOut} and the item fails`,
	};
}

/** The timeout option in milliseconds; an InputError naming `timeout` unless it is more than 0. */
export function readTimeoutMs(timeoutSeconds: number | undefined): number {
	const seconds = timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
	if (!(seconds > 0)) throw new InputError('timeout', `The timeout must be more than 0 seconds; got ${seconds}.`);
	return seconds * 1000;
}

/** "Return All" and "Limit" of a Get Many operation. */
export const returnAllFields: INodeProperties[] = [
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		default: 50,
		typeOptions: { minValue: 1 },
		displayOptions: { show: { returnAll: [false] } },
		description: 'Max number of results to return',
	},
];

/** "Limit" of a Get Many operation, checked: an expression can give 0, a fraction or a word, which the editor's minimum does not stop. */
export function readLimit(value: unknown): number {
	return requireWholeNumber('limit', 'limit', value, 1);
}
