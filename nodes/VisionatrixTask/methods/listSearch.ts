import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { toNodeError } from '../../shared/n8n/errors.ts';
import { visionatrixFor } from '../../shared/n8n/visionatrix.ts';

/** Installed flows whose name or display name contains the filter. */
export async function searchFlows(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	try {
		const visionatrix = await visionatrixFor(this);
		const flows = await visionatrix.listInstalledFlows();
		const wanted = filter?.trim().toLowerCase() ?? '';
		const results = flows
			.filter((flow) => !wanted || flow.name.includes(wanted) || flow.display_name.toLowerCase().includes(wanted))
			.sort((a, b) => a.display_name.localeCompare(b.display_name))
			.map((flow) => ({ name: `${flow.display_name} (${flow.name})`, value: flow.name }));
		return { results };
	} catch (error) {
		throw toNodeError(this.getNode(), error, 0);
	}
}
