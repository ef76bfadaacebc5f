import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { PetPortrait } from '../../../shared/providers/petPortrait/api.ts';
import { petPortraitJobs } from '../../../shared/providers/petPortrait/job.ts';
import type { ItemContext } from '../../../shared/n8n/router.ts';
import { binaryPropertyName, readTimeoutMs } from '../../../shared/n8n/fields.ts';
import { jobItems } from '../../../shared/n8n/jobItems.ts';
import type { WaitOptions } from '../../descriptions.ts';
import { readSessionId, readUserInputs, sessionIdField, userInputsField, waitOptionsField } from '../../descriptions.ts';

export const description = updateDisplayOptions({ show: { resource: ['portrait'], operation: ['regenerateAndWait'] } }, [
	sessionIdField,
	{ ...userInputsField, description: "New values for the workflow's inputs; an input left out, or left empty, keeps the server's default" },
	waitOptionsField,
]);

/** Another portrait of a session's photo, with new random seeds (and new inputs if given), waited for like Create and Wait. */
export async function execute(this: IExecuteFunctions, { itemIndex, client: petPortrait, signal }: ItemContext<PetPortrait>): Promise<INodeExecutionData[]> {
	const options = this.getNodeParameter('options', itemIndex, {}) as WaitOptions;
	const timeoutMs = readTimeoutMs(options.timeout);
	const finished = await petPortrait.regeneratePortrait(readSessionId(this, itemIndex), {
		userInputs: readUserInputs(this, itemIndex),
		timeoutMs,
		signal,
		onProgress: (progress, session) => this.logger.debug(`Pet Portrait session ${session.sessionId}: ${progress.phase} (${session.status})`),
	});
	return await jobItems(this, petPortraitJobs(petPortrait), [finished], { binaryProperty: binaryPropertyName(options.binaryPropertyName) });
}
