// Where Run and Wait (and the input list) take the workflow from: the server's library, JSON in a
// parameter, or a JSON file in a binary field of the item. A workflow that cannot be read is an
// InputError on the parameter it came from, so the error names that parameter.
import type { IExecuteFunctions, ILoadOptionsFunctions, INodeProperties } from 'n8n-workflow';

import { InputError, isApiError } from '../shared/core/errors.ts';
import { readInputBinary } from '../shared/n8n/binary.ts';
import { onParameter } from '../shared/n8n/inputErrors.ts';
import type { InvokeAI } from '../shared/providers/invokeai/api.ts';
import type { Workflow } from '../shared/providers/invokeai/workflow/workflowSchema.ts';
import { parseWorkflow } from '../shared/providers/invokeai/workflow/workflowSchema.ts';
import { workflowLocator } from './descriptions.ts';

export type WorkflowSource = 'library' | 'json' | 'binary';

export const workflowSourceProperties: INodeProperties[] = [
	{
		displayName: 'Workflow Source',
		name: 'workflowSource',
		type: 'options',
		options: [
			{ name: 'Binary File', value: 'binary', description: 'A workflow JSON file (as InvokeAI exports it) in a binary field of the input item' },
			{ name: 'JSON', value: 'json', description: 'A workflow as JSON, pasted or from an expression' },
			{ name: 'Library', value: 'library', description: "A workflow saved in the server's workflow library" },
		],
		default: 'library',
	},
	{ ...workflowLocator, displayOptions: { show: { workflowSource: ['library'] } } },
	{
		displayName: 'Workflow JSON',
		name: 'workflowJson',
		type: 'json',
		default: '',
		required: true,
		description: 'The workflow as InvokeAI exports it (Save As / Download Workflow)',
		displayOptions: { show: { workflowSource: ['json'] } },
	},
	{
		displayName: 'Workflow Binary Field',
		name: 'workflowBinaryProperty',
		type: 'string',
		default: 'data',
		required: true,
		description: 'Name of the binary field of the input item holding the workflow JSON file',
		displayOptions: { show: { workflowSource: ['binary'] } },
	},
];

/** The workflow an item runs, read from where Workflow Source says. */
export async function readWorkflow(context: IExecuteFunctions, invokeai: InvokeAI, itemIndex: number, signal?: AbortSignal): Promise<Workflow> {
	const source = context.getNodeParameter('workflowSource', itemIndex, 'library') as WorkflowSource;
	if (source === 'json') return parseAs('workflowJson', context.getNodeParameter('workflowJson', itemIndex, ''));
	if (source === 'binary') {
		const property = String(context.getNodeParameter('workflowBinaryProperty', itemIndex, 'data')).trim() || 'data';
		const file = await readInputBinary(context, itemIndex, property, 'workflowBinaryProperty', 'the workflow');
		const text = textOf(file.data);
		if (text === undefined) throw new InputError('workflowBinaryProperty', `The file "${file.fileName}" in binary field "${property}" is not text, so not a workflow JSON file.`);
		return parseAs('workflowBinaryProperty', text, ` (file "${file.fileName}")`);
	}
	const id = String(context.getNodeParameter('workflowId', itemIndex, '', { extractValue: true }) ?? '').trim();
	if (!id) throw new InputError('workflowId', 'No workflow was chosen.');
	return await fromLibrary(invokeai, id, signal);
}

/** The workflow the editor shows (for the input list); undefined when it cannot be known there (a binary file). */
export async function editorWorkflow(context: ILoadOptionsFunctions, invokeai: InvokeAI): Promise<Workflow | undefined> {
	const source = (context.getNodeParameter('workflowSource', 'library') ?? 'library') as WorkflowSource;
	if (source === 'binary') return undefined;
	if (source === 'json') {
		const text = context.getNodeParameter('workflowJson', '');
		return text ? parseAs('workflowJson', text) : undefined;
	}
	const id = String(context.getNodeParameter('workflowId', '', { extractValue: true }) ?? '').trim();
	return id ? await fromLibrary(invokeai, id) : undefined;
}

async function fromLibrary(invokeai: InvokeAI, id: string, signal?: AbortSignal): Promise<Workflow> {
	return await invokeai.getWorkflow(id, signal).then(
		(found) => found.workflow,
		(error: unknown) => Promise.reject(onParameter(unknownWorkflow(error, id), 'workflowId')),
	);
}

/** A 404 for a library workflow: the id is what to fix, so the error names the Workflow parameter. */
export function unknownWorkflow(error: unknown, id: string): unknown {
	if (!isApiError(error) || error.status !== 404) return error;
	return new InputError('workflowId', `InvokeAI's library has no workflow "${id}" (404${error.serverMessage ? `: ${error.serverMessage}` : ''}).`, 'Choose one from the list, or check the id.');
}

function parseAs(parameter: string, value: unknown, where = ''): Workflow {
	let workflow: Workflow | undefined;
	let failure: unknown;
	try {
		workflow = parseWorkflow(value);
	} catch (error) {
		failure = onParameter(error, parameter, where);
	}
	if (!workflow) throw failure;
	return workflow;
}

/** UTF-8 text, or undefined when the bytes are not. */
function textOf(bytes: Uint8Array): string | undefined {
	let text: string | undefined;
	try {
		text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
	} catch {
		text = undefined;
	}
	return text;
}
