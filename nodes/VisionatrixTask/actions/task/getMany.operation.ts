import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { Visionatrix } from '../../../shared/providers/visionatrix/api.ts';
import type { ItemContext } from '../../../shared/n8n/router.ts';
import { taskJson } from '../../client.ts';
import { readLimit, returnAllFields } from '../../../shared/n8n/fields.ts';
import { groupScopeField, includeWorkflowField } from '../../descriptions.ts';

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
				displayName: 'All Groups',
				name: 'allGroups',
				type: 'boolean',
				default: false,
				description: 'Whether to list the tasks of every group scope instead of only one',
			},
			{
				displayName: 'Flow Name',
				name: 'flowName',
				type: 'string',
				default: '',
				description: 'Only tasks of this flow',
			},
			groupScopeField,
			{
				displayName: 'Only Parent Tasks',
				name: 'onlyParent',
				type: 'boolean',
				default: false,
				description: 'Whether to leave out child tasks (they also appear inside their parent)',
			},
		],
	},
	{
		displayName: 'Full Details',
		name: 'fullDetails',
		type: 'boolean',
		default: false,
		description: 'Whether to return timestamps and other details (a larger answer) rather than the summary',
	},
	{ ...includeWorkflowField, displayOptions: { show: { fullDetails: [true] } } },
];

export const description = updateDisplayOptions({ show: { resource: ['task'], operation: ['getMany'] } }, properties);

interface Filters {
	allGroups?: boolean;
	flowName?: string;
	groupScope?: number;
	onlyParent?: boolean;
}

/** The newest tasks first, since that is what a limit should keep. */
export async function execute(this: IExecuteFunctions, { itemIndex, client: visionatrix, signal }: ItemContext<Visionatrix>): Promise<INodeExecutionData[]> {
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = returnAll ? Infinity : readLimit(this.getNodeParameter('limit', itemIndex, 50));
	const filters = this.getNodeParameter('filters', itemIndex, {}) as Filters;
	const details = this.getNodeParameter('fullDetails', itemIndex, false) as boolean;
	const includeWorkflow = details && (this.getNodeParameter('includeWorkflow', itemIndex, false) as boolean);
	const tasks = await visionatrix.listTasks(
		{
			name: filters.flowName?.trim() || undefined,
			groupScope: filters.allGroups ? 0 : filters.groupScope,
			onlyParent: filters.onlyParent,
		},
		{ details, signal: signal },
	);
	return tasks
		.reverse()
		.slice(0, limit)
		.map((task) => ({ json: taskJson(task, includeWorkflow) }));
}
