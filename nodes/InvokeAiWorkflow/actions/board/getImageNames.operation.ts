import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { ItemContext } from '../../../shared/n8n/router.ts';
import type { InvokeAI } from '../../../shared/providers/invokeai/api.ts';
import { boardIdField } from '../../descriptions.ts';

const boardId = (context: IExecuteFunctions, itemIndex: number) => String(context.getNodeParameter('boardId', itemIndex, '')).trim();

export const description = updateDisplayOptions({ show: { resource: ['board'], operation: ['getImageNames'] } }, [{ ...boardIdField, description: 'ID of the board (board_id), or "none" for images on no board' }]);

export async function execute(this: IExecuteFunctions, { itemIndex, client, signal }: ItemContext<InvokeAI>): Promise<INodeExecutionData[]> {
	const id = boardId(this, itemIndex);
	return [{ json: { boardId: id, imageNames: await client.boardImageNames(id, {}, signal) } }];
}
