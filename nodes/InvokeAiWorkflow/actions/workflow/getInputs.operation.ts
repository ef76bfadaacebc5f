import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { ItemContext } from '../../../shared/n8n/router.ts';
import type { InvokeAI } from '../../../shared/providers/invokeai/api.ts';
import { discoverInputs } from '../../../shared/providers/invokeai/workflow/inputs.ts';
import { typeName } from '../../methods/workflows.ts';
import { readWorkflow, workflowSourceProperties } from '../../workflowSource.ts';

export const description = updateDisplayOptions({ show: { resource: ['workflow'], operation: ['getInputs'] } }, workflowSourceProperties);

/** One item per input of the workflow's form, in its order: the names Run and Wait takes. */
export async function execute(this: IExecuteFunctions, { itemIndex, client: invokeai, signal }: ItemContext<InvokeAI>): Promise<INodeExecutionData[]> {
	const workflow = await readWorkflow(this, invokeai, itemIndex, signal);
	const inputs = discoverInputs(workflow, await invokeai.openApi(signal));
	return inputs.map((input) => ({
		json: {
			label: input.label,
			id: `${input.nodeId}.${input.fieldName}`,
			nodeId: input.nodeId,
			fieldName: input.fieldName,
			nodeLabel: input.nodeLabel,
			type: typeName(input.type),
			kind: input.type.kind,
			required: input.required,
			value: input.value,
			description: input.description,
			...(input.type.kind === 'enum' ? { options: input.type.options } : {}),
		} as IDataObject,
	}));
}
