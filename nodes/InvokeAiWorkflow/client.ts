// The InvokeAI client both InvokeAI nodes use.
import type { IDataObject } from 'n8n-workflow';

import { InputError } from '../shared/core/errors.ts';
import type { InvokeAIAuth } from '../shared/providers/invokeai/auth.ts';
import { INVOKEAI_ADDRESS_RULES, InvokeAI } from '../shared/providers/invokeai/api.ts';
import { connectWithCredential } from '../shared/n8n/connect.ts';
import type { RequestContext } from '../shared/n8n/transport.ts';

export const INVOKEAI_CREDENTIAL = 'invokeAiApi';

/** `origin` of the batches the nodes queue: InvokeAI's queue shows it, and the trigger can filter on it. */
export const N8N_ORIGIN = 'n8n';

/**
 * An InvokeAI client for the credential. The credential has no `authenticate`: the module sends
 * the token (given, or from logging in) on API requests, downloads and the Socket.IO handshake.
 */
export async function invokeaiFor(context: RequestContext): Promise<InvokeAI> {
	const { baseUrl, env, credentials } = await connectWithCredential(context, INVOKEAI_CREDENTIAL, INVOKEAI_ADDRESS_RULES);
	return new InvokeAI({ baseUrl, env, auth: authOf(credentials), origin: N8N_ORIGIN });
}

export function authOf(credentials: Record<string, unknown>): InvokeAIAuth | undefined {
	const text = (name: string) => (typeof credentials[name] === 'string' ? (credentials[name] as string).trim() : '');
	switch (credentials.authentication) {
		case 'token':
			if (!text('accessToken')) throw new InputError('accessToken', 'The credential asks for an access token but has none.');
			return { token: text('accessToken') };
		case 'password':
			if (!text('email') || typeof credentials.password !== 'string' || !credentials.password) {
				throw new InputError('email', 'The credential asks to log in with an email and password but lacks one of them.');
			}
			return { email: text('email'), password: credentials.password };
		default:
			return undefined;
	}
}

/** What the server sent, as n8n JSON. */
export function asJson(value: object): IDataObject {
	return { ...value } as IDataObject;
}

/** A comma- or space-separated list of texts. */
export function listOf(value: unknown): string[] {
	return String(value ?? '')
		.split(/[\s,]+/)
		.map((part) => part.trim())
		.filter(Boolean);
}
