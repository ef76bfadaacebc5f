import type { IExecuteFunctions } from 'n8n-workflow';

/** The Task ID parameter; an expression may give it as a string such as "42". The core checks it. */
export function readTaskId(context: IExecuteFunctions, itemIndex: number): number {
	const raw = context.getNodeParameter('taskId', itemIndex) as unknown;
	return (typeof raw === 'string' && /^\s*\d+\s*$/.test(raw) ? Number(raw) : raw) as number;
}

/** The name of the binary field output files go in ("data" unless the user says otherwise). */
export function binaryPropertyName(value: unknown): string {
	return (typeof value === 'string' && value.trim()) || 'data';
}
