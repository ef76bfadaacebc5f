import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { ItemContext } from '../../../shared/n8n/router.ts';
import type { InvokeAI } from '../../../shared/providers/invokeai/api.ts';
import { workflowLocator } from '../../descriptions.ts';
import { asJson } from '../../client.ts';
import { unknownWorkflow } from '../../workflowSource.ts';

export const description = updateDisplayOptions({ show: { resource: ['workflow'], operation: ['get'] } }, [workflowLocator]);

/** The library workflow: its id, name and the workflow JSON (ready for Run and Wait's JSON source). */
export async function execute(this: IExecuteFunctions, { itemIndex, client: invokeai, signal }: ItemContext<InvokeAI>): Promise<INodeExecutionData[]> {
	const id = String(this.getNodeParameter('workflowId', itemIndex, '', { extractValue: true })).trim();
	const found = await invokeai.getWorkflow(id, signal).catch((error: unknown) => Promise.reject(unknownWorkflow(error, id)));
	return [{ json: asJson(found) }];
}
