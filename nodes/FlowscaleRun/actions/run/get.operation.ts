import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { Flowscale } from '../../../shared/providers/flowscale/api.ts';
import type { ItemContext } from '../../../shared/n8n/router.ts';
import { asJson } from '../../client.ts';
import { runIdField } from '../../descriptions.ts';

export const description = updateDisplayOptions({ show: { resource: ['run'], operation: ['get'] } }, [runIdField]);

export async function execute(this: IExecuteFunctions, { itemIndex, client: flowscale, signal }: ItemContext<Flowscale>): Promise<INodeExecutionData[]> {
	const runId = this.getNodeParameter('runId', itemIndex, '') as string;
	return [{ json: asJson(await flowscale.getRun(runId, signal)) }];
}
