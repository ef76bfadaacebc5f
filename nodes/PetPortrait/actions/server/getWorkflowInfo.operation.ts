import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { PetPortrait } from '../../../shared/providers/petPortrait/api.ts';
import type { ItemContext } from '../../../shared/n8n/router.ts';

export const description: INodeProperties[] = [];

/**
 * The server's one workflow: its node count, aspect ratio, the user inputs a portrait may set
 * (node id, title, description, default) and its nodes, read from either shape the API document gives.
 */
export async function execute(this: IExecuteFunctions, { client: petPortrait, signal }: ItemContext<PetPortrait>): Promise<INodeExecutionData[]> {
	const { raw, userInputsListed, nodeTypeCounts, ...info } = await petPortrait.workflowInfo(signal);
	const json: IDataObject = { ...(info as IDataObject) };
	// The TypeScript-type shape says nothing of the inputs: null rather than a misleading empty list.
	if (!userInputsListed) json.userInputs = null;
	if (nodeTypeCounts) json.nodeTypeCounts = nodeTypeCounts;
	if (typeof raw.executionOrderLength === 'number') json.executionOrderLength = raw.executionOrderLength;
	for (const key of Object.keys(json)) if (json[key] === undefined) delete json[key];
	return [{ json }];
}
