import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { ItemContext } from '../../../shared/n8n/router.ts';
import type { InvokeAI } from '../../../shared/providers/invokeai/api.ts';
import { imageNameField } from '../../descriptions.ts';

const imageName = (context: IExecuteFunctions, itemIndex: number) => String(context.getNodeParameter('imageName', itemIndex, '')).trim();

export const description = updateDisplayOptions({ show: { resource: ['image'], operation: ['delete'] } }, [imageNameField]);

export async function execute(this: IExecuteFunctions, { itemIndex, client, signal }: ItemContext<InvokeAI>): Promise<INodeExecutionData[]> {
	return [{ json: { deleted: await client.deleteImage(imageName(this, itemIndex), signal) } }];
}
