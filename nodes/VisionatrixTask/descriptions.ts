import type { INodeProperties } from 'n8n-workflow';

/** The core's parameter names that are not the node's own (the rest are read from the node's properties). */
export const coreParameterAliases: Record<string, string> = {
	inputs: 'Flow Inputs',
	files: 'Flow Inputs',
	baseUrl: 'Credential: Base URL',
	timeout: 'Timeout (Seconds)',
};

export const flowLocator: INodeProperties = {
	displayName: 'Flow',
	name: 'flow',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	description: 'An installed flow of the Visionatrix server',
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			typeOptions: { searchListMethod: 'searchFlows', searchable: true },
		},
		{
			displayName: 'By Name',
			name: 'name',
			type: 'string',
			placeholder: 'e.g. sdxl_lighting',
			validation: [
				{
					type: 'regex',
					properties: { regex: '^[A-Za-z0-9_.-]+$', errorMessage: 'A flow name has letters, digits, "_", "." or "-" only' },
				},
			],
		},
	],
};

export const taskIdField: INodeProperties = {
	displayName: 'Task ID',
	name: 'taskId',
	type: 'number',
	default: 0,
	required: true,
	typeOptions: { minValue: 1 },
	description: 'ID of the task, as returned when it was created',
};

export const groupScopeField: INodeProperties = {
	displayName: 'Group Scope',
	name: 'groupScope',
	type: 'number',
	default: 1,
	typeOptions: { minValue: 1, maxValue: 255 },
	description: 'Folder-like group of tasks (1 to 255); the server uses 1 when none is given',
};

export const flowNameField: INodeProperties = {
	displayName: 'Flow Name',
	name: 'flowName',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'e.g. sdxl_lighting',
	description: 'Name of the flow whose tasks to delete',
};

export const includeWorkflowField: INodeProperties = {
	displayName: 'Include Generated Workflow',
	name: 'includeWorkflow',
	type: 'boolean',
	default: false,
	description: 'Whether to include the ComfyUI graph the server generated (flow_comfy, often large) in the output',
};
