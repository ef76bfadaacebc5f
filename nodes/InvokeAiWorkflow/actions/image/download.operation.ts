import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { toBinaryData } from '../../../shared/n8n/binary.ts';
import { binaryPropertyField, binaryPropertyName } from '../../../shared/n8n/fields.ts';
import type { ItemContext } from '../../../shared/n8n/router.ts';
import type { InvokeAI } from '../../../shared/providers/invokeai/api.ts';
import { imageNameField } from '../../descriptions.ts';

const imageName = (context: IExecuteFunctions, itemIndex: number) => String(context.getNodeParameter('imageName', itemIndex, '')).trim();

export const description = updateDisplayOptions({ show: { resource: ['image'], operation: ['download'] } }, [
	imageNameField,
	{ displayName: 'Options', name: 'options', type: 'collection', placeholder: 'Add Option', default: {}, options: [binaryPropertyField] },
] as INodeProperties[]);

export async function execute(this: IExecuteFunctions, { itemIndex, client, signal }: ItemContext<InvokeAI>): Promise<INodeExecutionData[]> {
	const options = this.getNodeParameter('options', itemIndex, {}) as { binaryPropertyName?: string };
	const name = imageName(this, itemIndex);
	const file = await client.downloadImage(name, signal);
	const binary = await toBinaryData(this, file);
	return [{ json: { imageName: name, fileName: file.fileName, mimeType: file.mimeType }, binary: { [binaryPropertyName(options.binaryPropertyName)]: binary } }];
}
