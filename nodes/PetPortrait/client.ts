// The Pet Portrait client both Pet Portrait nodes use.
import type { IDataObject } from 'n8n-workflow';

import { InputError, isApiError } from '../shared/core/errors.ts';
import { PET_PORTRAIT_ADDRESS_RULES, PetPortrait } from '../shared/providers/petPortrait/api.ts';
import type { UserInputsBody, UserInputValues } from '../shared/providers/petPortrait/userInputs.ts';
import { checkUserInputs, userInputsBody } from '../shared/providers/petPortrait/userInputs.ts';
import { connectWithCredential } from '../shared/n8n/connect.ts';
import { credentialHeaders } from '../shared/n8n/headerAuth.ts';
import type { RequestContext } from '../shared/n8n/transport.ts';

export const PET_PORTRAIT_CREDENTIAL = 'petPortraitApi';

/**
 * A Pet Portrait client whose requests carry the credential's optional header (through n8n's
 * authentication) and whose WebSockets send it on their upgrade request (n8n authenticates HTTP only).
 */
export async function petPortraitFor(context: RequestContext): Promise<PetPortrait> {
	const { baseUrl, env } = await connectWithCredential(context, PET_PORTRAIT_CREDENTIAL, PET_PORTRAIT_ADDRESS_RULES, { socketHeaders: credentialHeaders });
	return new PetPortrait({ baseUrl, env });
}

/** What the server sent, as n8n JSON: fields no source names pass through. */
export function asJson(value: object): IDataObject {
	return { ...value } as IDataObject;
}

/**
 * `values` checked against the server's workflow (GET /api/workflow-info), as Create and Wait does
 * it inside the module, for Generate: an unknown node id, or one that takes no text, is refused
 * before anything is started. A server without workflow-info gets them unchecked.
 */
export async function checkedUserInputs(petPortrait: PetPortrait, values: UserInputValues | undefined, signal?: AbortSignal): Promise<UserInputsBody | undefined> {
	if (!userInputsBody(values)) return undefined;
	const info = await petPortrait.workflowInfo(signal).catch((error: unknown) => {
		if (isApiError(error) && error.status === 404) return undefined;
		throw error;
	});
	if (!info) {
		petPortrait.http.env.logger?.debug('Pet Portrait: the server has no /api/workflow-info; user inputs are sent unchecked');
		return userInputsBody(values);
	}
	return checkUserInputs(values, info);
}

/** A status read's 404 (the server forgot the session, or the id is wrong) as bad input naming the Session ID. */
export function asUnknownSession(error: unknown): unknown {
	if (isApiError(error) && error.status === 404) return new InputError('sessionId', error.message, error.hint);
	return error;
}
