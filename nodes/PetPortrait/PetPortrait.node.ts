import type { IExecuteFunctions, INodeExecutionData, INodeProperties, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import type { PetPortrait as PetPortraitClient } from '../shared/providers/petPortrait/api.ts';
import type { Router } from '../shared/n8n/router.ts';
import { parameterNamesOf, route } from '../shared/n8n/router.ts';
import * as image from './actions/image/index.ts';
import * as portrait from './actions/portrait/index.ts';
import * as server from './actions/server/index.ts';
import * as session from './actions/session/index.ts';
import { petPortraitFor } from './client.ts';
import { coreParameterAliases } from './descriptions.ts';
import { getUserInputs } from './methods/userInputs.ts';

const properties: INodeProperties[] = [
	{
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Image', value: 'image' },
			{ name: 'Portrait', value: 'portrait' },
			{ name: 'Server', value: 'server' },
			{ name: 'Session', value: 'session' },
		],
		default: 'portrait',
	},
	...portrait.description,
	...image.description,
	...session.description,
	...server.description,
];

const router: Router<PetPortraitClient> = {
	resources: { image: image.operations, portrait: portrait.operations, server: server.operations, session: session.operations },
	connect: petPortraitFor,
	parameterNames: parameterNamesOf(properties, coreParameterAliases),
};

export class PetPortrait implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Pet Portrait',
		name: 'petPortrait',
		icon: { light: 'file:../../icons/petPortrait.svg', dark: 'file:../../icons/petPortrait.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Turn pet photos into portraits on a self-hosted Pet Portrait Generator server (ComfyUI)',
		defaults: { name: 'Pet Portrait' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'petPortraitApi', required: true }],
		properties,
	};

	methods = {
		loadOptions: { getUserInputs },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await route(this, router);
	}
}
