import type { IExecuteFunctions } from 'n8n-workflow';

import { InputError } from '../shared/core/errors.ts';

/** The Task ID parameter; an expression may give it as a string such as "42". */
export function readTaskId(context: IExecuteFunctions, itemIndex: number): number {
	const raw = context.getNodeParameter('taskId', itemIndex) as unknown;
	const value = typeof raw === 'string' && /^\s*\d+\s*$/.test(raw) ? Number(raw) : raw;
	if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
		throw new InputError('taskId', `The task ID must be a whole number of 1 or more; got ${JSON.stringify(raw)}.`);
	}
	return value;
}
