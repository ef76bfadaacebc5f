import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { Flowscale } from '../../../shared/providers/flowscale/api.ts';
import type { ItemContext } from '../../../shared/n8n/router.ts';
import { runIdField } from '../../descriptions.ts';

export const description = updateDisplayOptions({ show: { resource: ['run'], operation: ['cancel'] } }, [runIdField]);

export async function execute(this: IExecuteFunctions, { itemIndex, client: flowscale, signal }: ItemContext<Flowscale>): Promise<INodeExecutionData[]> {
	const runId = (this.getNodeParameter('runId', itemIndex, '') as string).trim();
	await flowscale.cancelRun(runId, { signal });
	return [{ json: { run_id: runId, cancelled: true } }];
}
