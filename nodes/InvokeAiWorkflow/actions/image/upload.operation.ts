import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { readInputBinary } from '../../../shared/n8n/binary.ts';
import type { ItemContext } from '../../../shared/n8n/router.ts';
import type { InvokeAI } from '../../../shared/providers/invokeai/api.ts';
import { asJson } from '../../client.ts';

export const description = updateDisplayOptions({ show: { resource: ['image'], operation: ['upload'] } }, [
	{
		displayName: 'Input Binary Field',
		name: 'inputBinaryField',
		type: 'string',
		default: 'data',
		required: true,
		description: 'Name of the binary field of the input item holding the picture (PNG, JPEG, WebP …)',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [{ displayName: 'Board ID', name: 'boardId', type: 'string', default: '', description: 'Put the image on this board (board_id)' }],
	},
] as INodeProperties[]);

export async function execute(this: IExecuteFunctions, { itemIndex, client, signal }: ItemContext<InvokeAI>): Promise<INodeExecutionData[]> {
	const field = String(this.getNodeParameter('inputBinaryField', itemIndex, 'data')).trim() || 'data';
	const options = this.getNodeParameter('options', itemIndex, {}) as { boardId?: string };
	const file = await readInputBinary(this, itemIndex, field, 'inputBinaryField', 'the picture');
	const image = await client.uploadImage(file, { parameter: 'inputBinaryField', boardId: options.boardId?.trim() || undefined, signal });
	return [{ json: asJson(image) }];
}
