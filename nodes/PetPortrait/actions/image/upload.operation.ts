import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { PetPortrait } from '../../../shared/providers/petPortrait/api.ts';
import type { ItemContext } from '../../../shared/n8n/router.ts';
import { asJson } from '../../client.ts';
import { inputBinaryField, readPhoto } from '../../descriptions.ts';

const properties: INodeProperties[] = [
	inputBinaryField,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Session ID',
				name: 'sessionId',
				type: 'string',
				default: '',
				placeholder: 'e.g. 550e8400-e29b-41d4-a716-446655440000',
				description: "Upload into this existing session (its next generate uses the new photo) instead of a new one",
			},
		],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['image'], operation: ['upload'] } }, properties);

interface UploadOptions {
	sessionId?: string;
}

/** Uploads the pet photo: a new session (or the one given) that holds it, ready for Portrait → Generate. */
export async function execute(this: IExecuteFunctions, { itemIndex, client: petPortrait, signal }: ItemContext<PetPortrait>): Promise<INodeExecutionData[]> {
	const { sessionId } = this.getNodeParameter('options', itemIndex, {}) as UploadOptions;
	const image = await readPhoto(this, itemIndex);
	const uploaded = await petPortrait.upload(image, { sessionId: sessionId?.trim() ? sessionId : undefined, signal });
	return [{ json: asJson(uploaded) }];
}
