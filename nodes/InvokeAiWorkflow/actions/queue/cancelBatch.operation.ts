import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { InputError } from '../../../shared/core/errors.ts';
import type { ItemContext } from '../../../shared/n8n/router.ts';
import type { InvokeAI } from '../../../shared/providers/invokeai/api.ts';
import { listOf } from '../../client.ts';

export const description = updateDisplayOptions({ show: { resource: ['queue'], operation: ['cancelBatch'] } }, [
	{
		displayName: 'Batch IDs',
		name: 'batchIds',
		type: 'string',
		default: '',
		required: true,
		description: 'IDs of the batches to cancel (batch_id), separated by commas',
	},
]);

export async function execute(this: IExecuteFunctions, { itemIndex, client, signal }: ItemContext<InvokeAI>): Promise<INodeExecutionData[]> {
	const batchIds = listOf(this.getNodeParameter('batchIds', itemIndex, ''));
	if (batchIds.length === 0) throw new InputError('batchIds', 'No batch IDs were given.');
	return [{ json: { batchIds, canceled: await client.cancelBatch(batchIds, { signal }) } }];
}
