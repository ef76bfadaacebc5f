import type { ILoadOptionsFunctions, INodeListSearchResult, INodePropertyOptions } from 'n8n-workflow';

import type { Visionatrix } from '../../shared/providers/visionatrix/api.ts';
import { toNodeError } from '../../shared/n8n/errors.ts';
import { visionatrixFor } from '../client.ts';

/** The installed flows whose name or display name contains `filter`, by display name: the one list both nodes show. */
export async function flowOptions(visionatrix: Visionatrix, filter = ''): Promise<INodePropertyOptions[]> {
	const flows = await visionatrix.listInstalledFlows();
	const wanted = filter.trim().toLowerCase();
	return flows
		.filter((flow) => !wanted || flow.name.includes(wanted) || flow.display_name.toLowerCase().includes(wanted))
		.sort((a, b) => a.display_name.localeCompare(b.display_name))
		.map((flow) => ({ name: `${flow.display_name} (${flow.name})`, value: flow.name }));
}

/** The action node's searchable flow list (resource locator). */
export async function searchFlows(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	try {
		return { results: (await flowOptions(await visionatrixFor(this), filter)) as INodeListSearchResult['results'] };
	} catch (error) {
		throw toNodeError(this.getNode(), error, 0);
	}
}
