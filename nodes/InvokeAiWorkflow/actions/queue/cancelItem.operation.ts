import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { ItemContext } from '../../../shared/n8n/router.ts';
import type { InvokeAI } from '../../../shared/providers/invokeai/api.ts';
import { itemIdFrom } from '../../../shared/providers/invokeai/job.ts';
import { itemSummary } from '../../../shared/providers/invokeai/queueItem.ts';
import { asJson } from '../../client.ts';
import { itemIdField } from '../../descriptions.ts';

const readItemId = (context: IExecuteFunctions, itemIndex: number) => itemIdFrom(String(context.getNodeParameter('itemId', itemIndex, '')));

export const description = updateDisplayOptions({ show: { resource: ['queue'], operation: ['cancelItem'] } }, [itemIdField]);

export async function execute(this: IExecuteFunctions, { itemIndex, client, signal }: ItemContext<InvokeAI>): Promise<INodeExecutionData[]> {
	return [{ json: asJson(itemSummary(await client.cancelItem(readItemId(this, itemIndex), { signal }))) }];
}
