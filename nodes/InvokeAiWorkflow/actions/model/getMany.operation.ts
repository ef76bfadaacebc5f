import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { ItemContext } from '../../../shared/n8n/router.ts';
import type { InvokeAI } from '../../../shared/providers/invokeai/api.ts';
import { asJson } from '../../client.ts';

export const description = updateDisplayOptions({ show: { resource: ['model'], operation: ['getMany'] } }, [
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: [
			{ displayName: 'Base', name: 'base', type: 'string', default: '', placeholder: 'e.g. sdxl', description: 'Only models of this base (sd-1, sdxl, flux …)' },
			{ displayName: 'Type', name: 'type', type: 'string', default: '', placeholder: 'e.g. main', description: 'Only models of this type (main, vae, lora …)' },
		],
	},
]);

export async function execute(this: IExecuteFunctions, { itemIndex, client, signal }: ItemContext<InvokeAI>): Promise<INodeExecutionData[]> {
	const filters = this.getNodeParameter('filters', itemIndex, {}) as { base?: string; type?: string };
	const models = await client.listModels({ base: filters.base?.trim() || undefined, type: filters.type?.trim() || undefined }, signal);
	return models.map((model) => ({ json: asJson(model) }));
}
