// What Run and Start a Run ask for, and the RunInput read from it for one item.
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { readInputBinary } from '../shared/n8n/binary.ts';
import type { FileInput, FlowscaleValue, RunInput } from '../shared/providers/flowscale/runInput.ts';
import { groupIdField, workflowLocator } from './descriptions.ts';

export const runInputProperties: INodeProperties[] = [
	workflowLocator,
	groupIdField,
	{
		displayName: 'Inputs',
		name: 'inputs',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Input',
		default: {},
		description: "Values by the deployment's own input names, such as text_51536 or seed_456",
		options: [
			{
				displayName: 'Input',
				name: 'input',
				values: [
					{ displayName: 'Name', name: 'name', type: 'string', default: '', placeholder: 'e.g. text_51536' },
					{ displayName: 'Value', name: 'value', type: 'string', default: '' },
				],
			},
		],
	},
	{
		displayName: 'File Inputs',
		name: 'files',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add File Input',
		default: {},
		description: 'Files from binary fields of the input item, each under an input name of the workflow, such as image_35728',
		options: [
			{
				displayName: 'File Input',
				name: 'file',
				values: [
					{ displayName: 'Name', name: 'name', type: 'string', default: '', placeholder: 'e.g. image_35728' },
					{
						displayName: 'Input Binary Fields',
						name: 'binaryProperties',
						type: 'string',
						default: 'data',
						description: 'The binary field of the input item that holds the file; several, separated by commas, are sent as a list (name_0, name_1, …)',
					},
					{
						displayName: 'Send as List',
						name: 'asList',
						type: 'boolean',
						default: false,
						description: 'Whether to send a single file as a list of one (name_0) too',
					},
				],
			},
		],
	},
];

interface InputEntry {
	name?: string;
	value?: FlowscaleValue;
}

interface FileEntry {
	name?: string;
	binaryProperties?: string;
	asList?: boolean;
}

/** The run the item asks for; the module checks names and files when it builds the form. */
export async function readRunInput(context: IExecuteFunctions, itemIndex: number): Promise<RunInput> {
	const workflowId = String(context.getNodeParameter('workflowId', itemIndex, '', { extractValue: true }) ?? '');
	const groupId = String(context.getNodeParameter('groupId', itemIndex, '') ?? '');
	const inputs = (context.getNodeParameter('inputs.input', itemIndex, []) as InputEntry[]).map(({ name, value }) => ({
		name: name ?? '',
		value: value ?? '',
	}));
	const files: RunInput['files'] = [];
	for (const entry of context.getNodeParameter('files.file', itemIndex, []) as FileEntry[]) {
		files.push({ name: entry.name ?? '', file: await readFiles(context, itemIndex, entry) });
	}
	return { workflowId, groupId, inputs, files };
}

async function readFiles(context: IExecuteFunctions, itemIndex: number, entry: FileEntry): Promise<FileInput | FileInput[]> {
	const name = (entry.name ?? '').trim();
	const properties = (entry.binaryProperties ?? 'data')
		.split(',')
		.map((property) => property.trim())
		.filter(Boolean);
	const files: FileInput[] = [];
	// Named `files.<input>` so the error says which file input, and which parameter to check.
	for (const property of properties.length ? properties : ['data']) files.push(await readInputBinary(context, itemIndex, property, `files.${name}`));
	return files.length === 1 && !entry.asList ? files[0] : files;
}
