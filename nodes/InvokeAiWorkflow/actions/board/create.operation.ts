import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { ItemContext } from '../../../shared/n8n/router.ts';
import type { InvokeAI } from '../../../shared/providers/invokeai/api.ts';
import { asJson } from '../../client.ts';

export const description = updateDisplayOptions({ show: { resource: ['board'], operation: ['create'] } }, [
	{ displayName: 'Board Name', name: 'boardName', type: 'string', default: '', required: true, description: 'Name of the new board' },
]);

export async function execute(this: IExecuteFunctions, { itemIndex, client, signal }: ItemContext<InvokeAI>): Promise<INodeExecutionData[]> {
	return [{ json: asJson(await client.createBoard(String(this.getNodeParameter('boardName', itemIndex, '')), signal)) }];
}
