import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { readLimit, returnAllFields } from '../../../shared/n8n/fields.ts';
import type { ItemContext } from '../../../shared/n8n/router.ts';
import type { InvokeAI } from '../../../shared/providers/invokeai/api.ts';
import { asJson } from '../../client.ts';

const properties: INodeProperties[] = [
	...returnAllFields,
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: [
			{
				displayName: 'Categories',
				name: 'categories',
				type: 'multiOptions',
				options: [
					{ name: 'Default', value: 'default' },
					{ name: 'Project', value: 'project' },
					{ name: 'User', value: 'user' },
				],
				default: [],
				description: 'Only workflows of these library categories',
			},
			{
				displayName: 'Search',
				name: 'query',
				type: 'string',
				default: '',
				description: 'Only workflows whose name or description contains this text',
			},
		],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['workflow'], operation: ['getMany'] } }, properties);

const PAGE = 100;

/** One item per library workflow (its record, without the workflow itself). */
export async function execute(this: IExecuteFunctions, { itemIndex, client: invokeai, signal }: ItemContext<InvokeAI>): Promise<INodeExecutionData[]> {
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = returnAll ? Infinity : readLimit(this.getNodeParameter('limit', itemIndex, 50));
	const filters = this.getNodeParameter('filters', itemIndex, {}) as { categories?: string[]; query?: string };
	const found: INodeExecutionData[] = [];
	for (let page = 0; found.length < limit; page++) {
		const listed = await invokeai.listWorkflows({ categories: filters.categories?.length ? filters.categories : undefined, query: filters.query?.trim() || undefined, page, perPage: PAGE }, signal);
		for (const workflow of listed.items) if (found.length < limit) found.push({ json: asJson(workflow) });
		if (listed.items.length < PAGE || page + 1 >= (listed.pages ?? page + 1)) break;
	}
	return found;
}
