import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { toNodeError } from '../../shared/n8n/errors.ts';
import { flowscaleFor } from '../client.ts';

/**
 * The Workflow list (resource locator): the deployed workflows whose name or id contains
 * `filter`. A deployment without a listing gives an empty list, not an error: "By ID" still works.
 */
export async function searchWorkflows(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	try {
		const workflows = (await (await flowscaleFor(this)).listWorkflows()) ?? [];
		const wanted = (filter ?? '').trim().toLowerCase();
		const results = workflows
			.filter((workflow) => !wanted || workflow.id.toLowerCase().includes(wanted) || workflow.name.toLowerCase().includes(wanted))
			.sort((a, b) => a.name.localeCompare(b.name))
			.map((workflow) => ({ name: workflow.name === workflow.id ? workflow.id : `${workflow.name} (${workflow.id})`, value: workflow.id, description: workflow.description || undefined }));
		return { results };
	} catch (error) {
		throw toNodeError(this.getNode(), error, 0);
	}
}
