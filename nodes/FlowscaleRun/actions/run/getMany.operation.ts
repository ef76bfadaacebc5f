import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { Flowscale, RunSortField } from '../../../shared/providers/flowscale/api.ts';
import type { ItemContext } from '../../../shared/n8n/router.ts';
import { asJson } from '../../client.ts';
import { readLimit, returnAllFields } from '../../../shared/n8n/fields.ts';

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
				displayName: 'Group ID',
				name: 'groupId',
				type: 'string',
				default: '',
				description: 'Only the runs started with this group ID',
			},
		],
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Sort By',
				name: 'sortBy',
				type: 'options',
				options: [
					{ name: 'Completed At', value: 'completed_at' },
					{ name: 'Created At', value: 'created_at' },
					{ name: 'Started At', value: 'started_at' },
				],
				default: 'created_at',
			},
			{
				displayName: 'Sort Order',
				name: 'sortOrder',
				type: 'options',
				options: [
					{ name: 'Newest First', value: 'desc' },
					{ name: 'Oldest First', value: 'asc' },
				],
				default: 'desc',
			},
		],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['run'], operation: ['getMany'] } }, properties);

interface Filters {
	groupId?: string;
}

interface SortOptions {
	sortBy?: RunSortField;
	sortOrder?: 'asc' | 'desc';
}

export async function execute(this: IExecuteFunctions, { itemIndex, client: flowscale, signal }: ItemContext<Flowscale>): Promise<INodeExecutionData[]> {
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = returnAll ? undefined : readLimit(this.getNodeParameter('limit', itemIndex, 50));
	const { groupId } = this.getNodeParameter('filters', itemIndex, {}) as Filters;
	const { sortBy, sortOrder } = this.getNodeParameter('options', itemIndex, {}) as SortOptions;
	const runs = await flowscale.listAllRuns({ groupId, sortBy, sortOrder }, { limit, signal });
	return runs.map((run) => ({ json: asJson(run) }));
}
