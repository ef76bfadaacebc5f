import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { ItemContext } from '../../../shared/n8n/router.ts';
import type { InvokeAI } from '../../../shared/providers/invokeai/api.ts';
import { asJson } from '../../client.ts';

export const description: INodeProperties[] = [];

export async function execute(this: IExecuteFunctions, { client, signal }: ItemContext<InvokeAI>): Promise<INodeExecutionData[]> {
	return [{ json: asJson(await client.queueStatus(signal)) }];
}
