import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { InputError } from '../../../shared/core/errors.ts';
import type { ItemContext } from '../../../shared/n8n/router.ts';
import type { InvokeAI } from '../../../shared/providers/invokeai/api.ts';
import { itemIdFrom } from '../../../shared/providers/invokeai/job.ts';
import { listOf } from '../../client.ts';

/** The Item IDs, each a whole number of 1 or more; an InputError on `parameter` otherwise. */
function itemIds(context: IExecuteFunctions, itemIndex: number, parameter: string): number[] {
	const ids = listOf(context.getNodeParameter(parameter, itemIndex, '')).map((id) => {
		if (!/^\d+$/.test(id) || Number(id) < 1) throw new InputError(parameter, `A queue item ID is a whole number of 1 or more; got "${id}".`);
		return itemIdFrom(id);
	});
	if (ids.length === 0) throw new InputError(parameter, 'No queue item IDs were given.');
	return ids;
}

export const description = updateDisplayOptions({ show: { resource: ['queue'], operation: ['retryItems'] } }, [
	{
		displayName: 'Item IDs',
		name: 'itemIds',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. 12, 13',
		description: 'IDs of the failed or cancelled queue items to queue again, separated by commas',
	},
]);

export async function execute(this: IExecuteFunctions, { itemIndex, client, signal }: ItemContext<InvokeAI>): Promise<INodeExecutionData[]> {
	const ids = itemIds(this, itemIndex, 'itemIds');
	return [{ json: { itemIds: ids, retried: await client.retryItems(ids, signal) } }];
}
