import type { INodeProperties } from 'n8n-workflow';

/** The core's parameter names that are not the node's own (the rest are read from the node's properties). */
export const coreParameterAliases: Record<string, string> = {
	baseUrl: 'Credential: Base URL',
	accessToken: 'Credential: Access Token',
	email: 'Credential: Email',
	inputs: 'Input Values',
	timeout: 'Timeout (Seconds)',
	runs: 'Runs',
	board: 'Board',
	itemId: 'Item ID',
	file: 'Input Binary Field',
};

export const workflowLocator: INodeProperties = {
	displayName: 'Workflow',
	name: 'workflowId',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	description: "A workflow of the server's library",
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
			placeholder: 'e.g. default_686bb1d0-d086-4c70-9fa3-2f600b922023',
		},
	],
};

export const itemIdField: INodeProperties = {
	displayName: 'Item ID',
	name: 'itemId',
	type: 'number',
	default: 0,
	required: true,
	typeOptions: { minValue: 1 },
	description: 'ID of the queue item (item_id)',
};

export const imageNameField: INodeProperties = {
	displayName: 'Image Name',
	name: 'imageName',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'e.g. 4e2f1c9a-1b2c-4d5e-8f90-123456789abc.png',
	description: 'Name of the image on the server (image_name)',
};

export const boardIdField: INodeProperties = {
	displayName: 'Board ID',
	name: 'boardId',
	type: 'string',
	default: '',
	required: true,
	description: 'ID of the board (board_id)',
};
