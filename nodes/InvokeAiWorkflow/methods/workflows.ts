import type { ILoadOptionsFunctions, INodeListSearchResult, INodePropertyOptions } from 'n8n-workflow';

import { toNodeError } from '../../shared/n8n/errors.ts';
import { discoverInputs } from '../../shared/providers/invokeai/workflow/inputs.ts';
import type { FieldType } from '../../shared/providers/invokeai/workflow/templates.ts';
import { invokeaiFor } from '../client.ts';
import { editorWorkflow } from '../workflowSource.ts';

/** The Workflow list (resource locator): the library's workflows whose name contains `filter`. */
export async function searchWorkflows(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	try {
		const invokeai = await invokeaiFor(this);
		const listed = await invokeai.listWorkflows({ query: filter?.trim() || undefined, perPage: 100 });
		const results = listed.items
			.map((workflow) => ({ name: `${workflow.name || workflow.workflow_id}${workflow.category ? ` (${workflow.category})` : ''}`, value: workflow.workflow_id, description: workflow.description || undefined }))
			.sort((a, b) => a.name.localeCompare(b.name));
		return { results };
	} catch (error) {
		throw toNodeError(this.getNode(), error, 0);
	}
}

/** The Input list of Input Values: the chosen workflow's inputs, by label, with their types. */
export async function getWorkflowInputs(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	try {
		const invokeai = await invokeaiFor(this);
		const workflow = await editorWorkflow(this, invokeai);
		if (!workflow) return [];
		const inputs = discoverInputs(workflow, await invokeai.openApi());
		return inputs.map((input) => ({
			name: `${input.label} (${typeName(input.type)})`,
			value: input.label,
			description: [`${input.nodeId}.${input.fieldName}`, input.required ? 'required' : '', input.description].filter(Boolean).join(' · '),
		}));
	} catch (error) {
		throw toNodeError(this.getNode(), error, 0);
	}
}

export function typeName(type: FieldType): string {
	switch (type.kind) {
		case 'enum':
			return `one of ${type.options.join(', ')}`;
		case 'collection':
			return `list of ${typeName(type.item)}`;
		case 'image':
			return 'image: binary:<field>';
		default:
			return type.kind === 'other' ? type.name : type.kind;
	}
}
