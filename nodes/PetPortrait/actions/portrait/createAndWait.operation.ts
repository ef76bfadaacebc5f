import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { PetPortrait } from '../../../shared/providers/petPortrait/api.ts';
import { petPortraitJobs } from '../../../shared/providers/petPortrait/job.ts';
import type { ItemContext } from '../../../shared/n8n/router.ts';
import { binaryPropertyName, readTimeoutMs } from '../../../shared/n8n/fields.ts';
import { jobItems } from '../../../shared/n8n/jobItems.ts';
import type { WaitOptions } from '../../descriptions.ts';
import { inputBinaryField, readPhoto, readUserInputs, userInputsField, waitOptionsField } from '../../descriptions.ts';

export const description = updateDisplayOptions({ show: { resource: ['portrait'], operation: ['createAndWait'] } }, [inputBinaryField, userInputsField, waitOptionsField]);

/**
 * Uploads the item's photo into a new session, generates, waits (WebSocket, with status polling as
 * the safety net) and returns the portrait: one item per file (the shared convention, see jobItems).
 */
export async function execute(this: IExecuteFunctions, { itemIndex, client: petPortrait, signal }: ItemContext<PetPortrait>): Promise<INodeExecutionData[]> {
	const options = this.getNodeParameter('options', itemIndex, {}) as WaitOptions;
	const timeoutMs = readTimeoutMs(options.timeout);
	const userInputs = readUserInputs(this, itemIndex);
	const image = await readPhoto(this, itemIndex);
	const finished = await petPortrait.createPortrait({
		image,
		userInputs,
		timeoutMs,
		signal,
		onSubmitted: (started) => this.logger.debug(`Pet Portrait: session ${started.sessionId} generating (prompt ${started.promptId ?? 'unknown'})`),
		onProgress: (progress, session) => this.logger.debug(`Pet Portrait session ${session.sessionId}: ${progress.phase} (${session.status})`),
	});
	return await jobItems(this, petPortraitJobs(petPortrait), [finished], { binaryProperty: binaryPropertyName(options.binaryPropertyName) });
}
