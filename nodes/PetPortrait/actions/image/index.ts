import type { INodeProperties } from 'n8n-workflow';

import type { PetPortrait } from '../../../shared/providers/petPortrait/api.ts';
import type { Operations } from '../../../shared/n8n/router.ts';

import * as get from './get.operation.ts';
import * as upload from './upload.operation.ts';

export const operations: Operations<PetPortrait> = { get, upload };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['image'] } },
		options: [
			{ name: 'Get', value: 'get', description: 'Download a portrait or an uploaded photo as binary data', action: 'Get an image' },
			{ name: 'Upload', value: 'upload', description: 'Upload a pet photo into a new session (or an existing one)', action: 'Upload an image' },
		],
		default: 'upload',
	},
	...upload.description,
	...get.description,
];
