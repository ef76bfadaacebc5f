import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { PetPortrait } from '../../../shared/providers/petPortrait/api.ts';
import type { ItemContext } from '../../../shared/n8n/router.ts';
import { asJson, checkedUserInputs } from '../../client.ts';
import { readSessionId, readUserInputs, sessionIdField, userInputsField } from '../../descriptions.ts';

export const description = updateDisplayOptions({ show: { resource: ['portrait'], operation: ['generate'] } }, [
	{ ...sessionIdField, description: 'A session that holds a photo (from Image → Upload). The server forgets sessions when it restarts and after 24 h of inactivity.' },
	userInputsField,
]);

/**
 * Starts the portrait of an uploaded session and returns at once: sessionId, promptId, wsEndpoint,
 * totalNodes. Follow it with Session → Get Status, or the Pet Portrait Trigger.
 */
export async function execute(this: IExecuteFunctions, { itemIndex, client: petPortrait, signal }: ItemContext<PetPortrait>): Promise<INodeExecutionData[]> {
	const sessionId = readSessionId(this, itemIndex);
	const userInputs = await checkedUserInputs(petPortrait, readUserInputs(this, itemIndex), signal);
	// No signal: once sent, a generate cut short could start a run nobody hears of.
	const started = await petPortrait.generate(sessionId, userInputs);
	return [{ json: asJson(started) }];
}
