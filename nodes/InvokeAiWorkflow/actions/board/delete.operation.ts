import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { ItemContext } from '../../../shared/n8n/router.ts';
import type { InvokeAI } from '../../../shared/providers/invokeai/api.ts';
import { boardIdField } from '../../descriptions.ts';

const boardId = (context: IExecuteFunctions, itemIndex: number) => String(context.getNodeParameter('boardId', itemIndex, '')).trim();

export const description = updateDisplayOptions({ show: { resource: ['board'], operation: ['delete'] } }, [
	boardIdField,
	{ displayName: 'Delete Its Images', name: 'includeImages', type: 'boolean', default: false, description: 'Whether to delete the board\'s images too (otherwise they stay, on no board)' },
]);

export async function execute(this: IExecuteFunctions, { itemIndex, client, signal }: ItemContext<InvokeAI>): Promise<INodeExecutionData[]> {
	const id = boardId(this, itemIndex);
	const includeImages = this.getNodeParameter('includeImages', itemIndex, false) as boolean;
	await client.deleteBoard(id, { includeImages }, signal);
	return [{ json: { boardId: id, deleted: true, imagesDeleted: includeImages } }];
}
