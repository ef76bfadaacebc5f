import type { INodeProperties } from 'n8n-workflow';

import type { PetPortrait } from '../../../shared/providers/petPortrait/api.ts';
import type { Operations } from '../../../shared/n8n/router.ts';

import * as createAndWait from './createAndWait.operation.ts';
import * as generate from './generate.operation.ts';
import * as regenerateAndWait from './regenerateAndWait.operation.ts';

export const operations: Operations<PetPortrait> = { createAndWait, generate, regenerateAndWait };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['portrait'] } },
		options: [
			{
				name: 'Create and Wait',
				value: 'createAndWait',
				description: 'Upload a pet photo, generate its portrait, wait for it and return the picture',
				action: 'Create a portrait and wait for it',
			},
			{
				name: 'Generate',
				value: 'generate',
				description: 'Start the portrait of an uploaded session without waiting for it',
				action: 'Generate a portrait',
			},
			{
				name: 'Regenerate and Wait',
				value: 'regenerateAndWait',
				description: "Generate another portrait of a session's photo with new random seeds, wait for it and return the picture",
				action: 'Regenerate a portrait and wait for it',
			},
		],
		default: 'createAndWait',
	},
	...createAndWait.description,
	...regenerateAndWait.description,
	...generate.description,
];
