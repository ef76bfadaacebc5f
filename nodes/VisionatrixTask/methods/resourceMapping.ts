import type { FieldType, ILoadOptionsFunctions, ResourceMapperField, ResourceMapperFields } from 'n8n-workflow';

import type { InputParam } from '../../shared/providers/visionatrix/schemas.ts';
import { isFileInput } from '../../shared/providers/visionatrix/taskInput.ts';
import { toNodeError } from '../../shared/n8n/errors.ts';
import { visionatrixFor } from '../client.ts';

const FIELD_TYPES: Record<string, FieldType> = {
	text: 'string',
	list: 'options',
	bool: 'boolean',
	number: 'number',
	range: 'number',
	range_scale: 'number',
};

/** The chosen flow's inputs as mapper fields; hidden and advanced ones start out removed. */
export async function getFlowInputs(this: ILoadOptionsFunctions): Promise<ResourceMapperFields> {
	const flowName = this.getNodeParameter('flow', '', { extractValue: true }) as string;
	if (!flowName) return { fields: [], emptyFieldsNotice: 'Choose a flow first' };
	try {
		const visionatrix = await visionatrixFor(this);
		const flow = await visionatrix.getInstalledFlow(flowName);
		return { fields: flow.input_params.map(toField) };
	} catch (error) {
		throw toNodeError(this.getNode(), error, 0);
	}
}

function toField(param: InputParam): ResourceMapperField {
	const file = isFileInput(param);
	const field: ResourceMapperField = {
		id: param.name,
		displayName: file ? `${param.display_name} (Binary Field Name)` : param.display_name,
		required: !param.optional,
		defaultMatch: false,
		canBeUsedToMatch: false,
		display: true,
		type: file ? 'string' : (FIELD_TYPES[param.type] ?? 'string'),
		removed: param.optional && (param.hidden || param.advanced),
	};
	if (param.type === 'list' && param.options) {
		field.options = Object.keys(param.options).map((key) => ({ name: key, value: key }));
	}
	return field;
}
