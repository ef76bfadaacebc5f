import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { Visionatrix } from '../../../shared/providers/visionatrix/api.ts';
import { cancelSignalOf } from '../../../shared/n8n/env.ts';
import { flowNameField, groupScopeField } from '../../descriptions.ts';

const properties: INodeProperties[] = [flowNameField, groupScopeField];

export const description = updateDisplayOptions({ show: { resource: ['task'], operation: ['clearFinished'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number, visionatrix: Visionatrix): Promise<INodeExecutionData[]> {
	const flowName = this.getNodeParameter('flowName', itemIndex) as string;
	const groupScope = this.getNodeParameter('groupScope', itemIndex, 1) as number;
	await visionatrix.clearFinished(flowName, groupScope, cancelSignalOf(this));
	return [{ json: { flow: flowName, groupScope, clearedFinished: true } }];
}
