import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { ItemContext } from '../../../shared/n8n/router.ts';
import type { InvokeAI } from '../../../shared/providers/invokeai/api.ts';
import { asJson } from '../../client.ts';

export const description = updateDisplayOptions({ show: { resource: ['board'], operation: ['getMany'] } }, [
	{ displayName: 'Include Archived', name: 'includeArchived', type: 'boolean', default: false, description: 'Whether to list archived boards too' },
]);

export async function execute(this: IExecuteFunctions, { itemIndex, client, signal }: ItemContext<InvokeAI>): Promise<INodeExecutionData[]> {
	const includeArchived = this.getNodeParameter('includeArchived', itemIndex, false) as boolean;
	return (await client.listBoards({ includeArchived }, signal)).map((board) => ({ json: asJson(board) }));
}
