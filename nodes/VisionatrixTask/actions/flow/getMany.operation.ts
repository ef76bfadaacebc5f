import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { Visionatrix } from '../../../shared/providers/visionatrix/api.ts';
import type { ItemContext } from '../../../shared/n8n/router.ts';

export const description = updateDisplayOptions({ show: { resource: ['flow'], operation: ['getMany'] } }, [] as INodeProperties[]);

/** The installed flows with their inputs, to build "Run Flow" calls from. */
export async function execute(this: IExecuteFunctions, { client: visionatrix, signal }: ItemContext<Visionatrix>): Promise<INodeExecutionData[]> {
	const flows = await visionatrix.listInstalledFlows(signal);
	return flows.map((flow) => ({ json: flow as IDataObject }));
}
