// Parameters several Pet Portrait operations share, and how an item's values are read from them.
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { InputError } from '../shared/core/errors.ts';
import type { PortraitImage } from '../shared/providers/petPortrait/images.ts';
import type { UserInputValues } from '../shared/providers/petPortrait/userInputs.ts';
import { readInputBinary } from '../shared/n8n/binary.ts';
import { binaryPropertyField, timeoutField } from '../shared/n8n/fields.ts';

/** The core's parameter names that are not the node's own (the rest are read from the node's properties). */
export const coreParameterAliases: Record<string, string> = {
	baseUrl: 'Credential: Base URL',
	headerName: 'Credential: Header Name',
	headerSecret: 'Credential: Header Value',
	image: 'Input Binary Field',
	timeout: 'Timeout (Seconds)',
};

export const sessionIdField: INodeProperties = {
	displayName: 'Session ID',
	name: 'sessionId',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'e.g. 550e8400-e29b-41d4-a716-446655440000',
	description: 'The session the upload created (sessionId). The server forgets sessions when it restarts and after 24 h of inactivity.',
};

export const inputBinaryField: INodeProperties = {
	displayName: 'Input Binary Field',
	name: 'inputBinaryField',
	type: 'string',
	default: 'data',
	required: true,
	description: 'The binary field of the incoming item that holds the pet photo (PNG, JPEG, WebP, GIF, BMP or TIFF)',
};

export const userInputsField: INodeProperties = {
	displayName: 'User Inputs',
	name: 'userInputs',
	type: 'fixedCollection',
	typeOptions: { multipleValues: true },
	placeholder: 'Add User Input',
	default: {},
	description: "Values for the inputs the server's workflow offers (such as the pet type). An input left out, or left empty, keeps the server's default.",
	options: [
		{
			displayName: 'User Input',
			name: 'input',
			values: [
				{
					displayName: 'Input Name or ID',
					name: 'nodeId',
					type: 'options',
					typeOptions: { loadOptionsMethod: 'getUserInputs' },
					default: '',
					description:
						'The workflow node the value is for, with its default in the list. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
				},
				{
					displayName: 'Value',
					name: 'value',
					type: 'string',
					default: '',
					placeholder: 'e.g. cat',
					description: "The text for this input; leave empty to keep the server's default",
				},
			],
		},
	],
};

/** Options of the operations that wait for a portrait. */
export const waitOptionsField: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	options: [binaryPropertyField, timeoutField('portrait', 'keeps generating on the server (Pet Portrait cannot cancel a run: the server finishes it anyway)')],
};

export interface WaitOptions {
	binaryPropertyName?: string;
	timeout?: number;
}

interface UserInputEntry {
	nodeId?: string | number;
	value?: string | number | boolean | null;
}

/** The item's user inputs by node id; undefined when none is given. The module checks the ids against the server. */
export function readUserInputs(context: IExecuteFunctions, itemIndex: number): UserInputValues | undefined {
	const entries = (context.getNodeParameter('userInputs.input', itemIndex, []) ?? []) as UserInputEntry[];
	const values: UserInputValues = {};
	for (const [index, { nodeId, value }] of entries.entries()) {
		const id = String(nodeId ?? '').trim();
		if (!id) throw new InputError('userInputs', `User input ${index + 1} names no input: choose one from the list, or give its node id (such as 229).`);
		if (id in values) throw new InputError('userInputs', `The input ${id} is given twice; give each input once.`);
		values[id] = value ?? '';
	}
	return entries.length > 0 ? values : undefined;
}

/** The pet photo from the item's binary field named by "Input Binary Field"; the module checks that it is a picture. */
export async function readPhoto(context: IExecuteFunctions, itemIndex: number): Promise<PortraitImage> {
	const property = String(context.getNodeParameter('inputBinaryField', itemIndex, 'data') ?? '').trim() || 'data';
	return await readInputBinary(context, itemIndex, property, 'image', 'the pet photo');
}

/** A Session ID parameter, trimmed; the module refuses an empty one. */
export function readSessionId(context: IExecuteFunctions, itemIndex: number): string {
	return String(context.getNodeParameter('sessionId', itemIndex, '') ?? '').trim();
}
