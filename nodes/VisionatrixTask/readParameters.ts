import type { IExecuteFunctions } from 'n8n-workflow';

/** The Task ID parameter; an expression may give it as a string such as "42". The core checks it. */
export function readTaskId(context: IExecuteFunctions, itemIndex: number): number {
	const raw = context.getNodeParameter('taskId', itemIndex) as unknown;
	return (typeof raw === 'string' && /^\s*\d+\s*$/.test(raw) ? Number(raw) : raw) as number;
}
