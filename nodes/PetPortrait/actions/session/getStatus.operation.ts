import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { PetPortrait } from '../../../shared/providers/petPortrait/api.ts';
import { sessionSummary } from '../../../shared/providers/petPortrait/job.ts';
import type { PortraitSession } from '../../../shared/providers/petPortrait/sessionState.ts';
import type { ItemContext } from '../../../shared/n8n/router.ts';
import { asJson, asUnknownSession } from '../../client.ts';
import { readSessionId, sessionIdField } from '../../descriptions.ts';

export const description = updateDisplayOptions({ show: { resource: ['session'], operation: ['getStatus'] } }, [sessionIdField]);

/** The session's status: processing (with progress and the node running now), completed (with resultImage) or failed. */
export async function execute(this: IExecuteFunctions, { itemIndex, client: petPortrait, signal }: ItemContext<PetPortrait>): Promise<INodeExecutionData[]> {
	let session: PortraitSession;
	try {
		session = await petPortrait.status(readSessionId(this, itemIndex), signal);
	} catch (error) {
		// A 404 is a wrong or forgotten Session ID; the item loop wraps it in a node error.
		throw asUnknownSession(error);
	}
	return [{ json: asJson(sessionSummary(session)) }];
}
