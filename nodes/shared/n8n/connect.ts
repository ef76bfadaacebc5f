// What every provider's nodes do first: read the credential, check its address, and make the Env
// that sends through it. A provider's client is then `new Client({ baseUrl, env })`.
import { InputError } from '../core/errors.ts';
import type { Env } from '../core/env.ts';
import type { BaseUrlRules } from '../core/urls.ts';
import { checkBaseUrl } from '../core/urls.ts';
import { n8nEnv } from './env.ts';
import type { RequestContext } from './transport.ts';

export interface ConnectOptions {
	/** Headers the service's WebSockets send, from the credential (n8n authenticates HTTP requests only). */
	socketHeaders?(credentials: Record<string, unknown>): Record<string, string> | undefined;
}

export interface CredentialConnection {
	baseUrl: string;
	env: Env;
	credentials: Record<string, unknown>;
}

/**
 * The credential named `credentialType`, its address checked by `rules` (which names the field
 * `baseUrl` in errors) and an Env whose transport authenticates with it. The credential keeps the
 * address in `baseUrl` and may have an `ignoreSslIssues` switch.
 */
export async function connectWithCredential(
	context: RequestContext,
	credentialType: string,
	rules: BaseUrlRules,
	options: ConnectOptions = {},
): Promise<CredentialConnection> {
	const credentials = await context.getCredentials(credentialType);
	const { url: baseUrl, userInfo } = checkBaseUrl(String(credentials.baseUrl ?? ''), rules);
	if (userInfo) {
		// n8n stores the address as plain text and shows it in the editor: a password belongs in the credential's own fields.
		throw new InputError('baseUrl', `The credential's address holds a user name or password: remove it and put them in the credential's own fields instead.`);
	}
	const env = n8nEnv(context, credentialType, {
		skipSslCertificateValidation: credentials.ignoreSslIssues === true,
		socketHeaders: options.socketHeaders?.(credentials),
	});
	return { baseUrl, env, credentials };
}
