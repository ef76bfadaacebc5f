import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { Visionatrix } from '../../../shared/providers/visionatrix/api.ts';
import type { ItemContext } from '../../../shared/n8n/router.ts';
import { flowNameField, groupScopeField } from '../../descriptions.ts';

const properties: INodeProperties[] = [flowNameField, groupScopeField];

export const description = updateDisplayOptions({ show: { resource: ['task'], operation: ['deleteUnfinished'] } }, properties);

/** Deletes the queued, running and failed tasks of a flow; finished ones stay. */
export async function execute(this: IExecuteFunctions, { itemIndex, client: visionatrix, signal }: ItemContext<Visionatrix>): Promise<INodeExecutionData[]> {
	const flowName = this.getNodeParameter('flowName', itemIndex) as string;
	const groupScope = this.getNodeParameter('groupScope', itemIndex, 1) as number;
	await visionatrix.deleteUnfinished(flowName, groupScope, signal);
	return [{ json: { flow: flowName, groupScope, deletedUnfinished: true } }];
}
