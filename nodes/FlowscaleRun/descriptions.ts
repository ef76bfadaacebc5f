import type { INodeProperties } from 'n8n-workflow';

/** The core's parameter names that are not the node's own (the rest are read from the node's properties). */
export const coreParameterAliases: Record<string, string> = {
	baseUrl: 'Credential: Deployment URL',
	timeout: 'Timeout (Seconds)',
};

export const workflowLocator: INodeProperties = {
	displayName: 'Workflow',
	name: 'workflowId',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	description: 'A workflow deployed on the Flowscale deployment. Where the deployment does not list its workflows the list stays empty: give the ID instead.',
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			typeOptions: { searchListMethod: 'searchWorkflows', searchable: true },
		},
		{
			displayName: 'By ID',
			name: 'id',
			type: 'string',
			placeholder: 'e.g. bncu0a1kipv',
		},
	],
};

export const groupIdField: INodeProperties = {
	displayName: 'Group ID',
	name: 'groupId',
	type: 'string',
	default: '',
	description: 'A label of your choice that groups runs, to find and list them later (optional)',
};

export const runIdField: INodeProperties = {
	displayName: 'Run ID',
	name: 'runId',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'e.g. 808f34d0-ef97-4b78-a00f-1268077ea6db',
	description: 'ID of the run, as returned when it was started (run_id)',
};
