import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { readLimit, returnAllFields } from '../../../shared/n8n/fields.ts';
import type { ItemContext } from '../../../shared/n8n/router.ts';
import type { InvokeAI } from '../../../shared/providers/invokeai/api.ts';
import { asJson } from '../../client.ts';

const PAGE = 100;

export const description = updateDisplayOptions({ show: { resource: ['image'], operation: ['getMany'] } }, [
	...returnAllFields,
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: [
			{ displayName: 'Board ID', name: 'boardId', type: 'string', default: '', description: 'Only images of this board (board_id), or "none" for images on no board' },
			{ displayName: 'Include Intermediate Images', name: 'includeIntermediate', type: 'boolean', default: false, description: 'Whether to list intermediate images too (uploads for runs, steps of a workflow)' },
		],
	},
] as INodeProperties[]);

export async function execute(this: IExecuteFunctions, { itemIndex, client, signal }: ItemContext<InvokeAI>): Promise<INodeExecutionData[]> {
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = returnAll ? Infinity : readLimit(this.getNodeParameter('limit', itemIndex, 50));
	const filters = this.getNodeParameter('filters', itemIndex, {}) as { boardId?: string; includeIntermediate?: boolean };
	const found: INodeExecutionData[] = [];
	for (let offset = 0; found.length < limit; offset += PAGE) {
		const page = await client.listImages(
			{ board: filters.boardId?.trim() || undefined, isIntermediate: filters.includeIntermediate ? undefined : false, offset, limit: Math.min(PAGE, limit - found.length) },
			signal,
		);
		for (const image of page.items) found.push({ json: asJson(image) });
		if (page.items.length === 0 || offset + page.items.length >= page.total) break;
	}
	return found;
}
