import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { isTextInput } from '../../shared/providers/petPortrait/userInputs.ts';
import { toNodeError } from '../../shared/n8n/errors.ts';
import { petPortraitFor } from '../client.ts';

/**
 * The Input list of User Inputs: the text inputs the server's workflow offers (GET
 * /api/workflow-info `userInputs`), each with its title, description and default. A server that
 * lists none (the shape of the API document's TypeScript type) gives an empty list: node ids can
 * still be given by expression.
 */
export async function getUserInputs(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	try {
		const info = await (await petPortraitFor(this)).workflowInfo();
		return info.userInputs.filter(isTextInput).map((input) => {
			const defaultText = input.defaultValue === undefined ? 'none given' : JSON.stringify(String(input.defaultValue));
			const about = input.description ? `${input.description.replace(/\.?\s*$/, '')}. ` : '';
			return { name: `${input.title} (${input.nodeId})`, value: input.nodeId, description: `${about}Default: ${defaultText}` };
		});
	} catch (error) {
		throw toNodeError(this.getNode(), error, 0);
	}
}
