// Runtime-neutral: web-standard APIs only (no node:, Deno, process), so n8n, Node and Deno share it.
// Multi-user mode (InvokeAI 6.12+): every request carries `Authorization: Bearer <jwt>`. A token
// given as such is sent as it is; an email and password are exchanged for one at
// `POST /api/v1/auth/login`, which is kept until it expires and fetched again once when the server
// refuses it (401). The token never goes into a message or a log line: errors name the request,
// never its headers, and nothing here logs one.
import type { ApiClient } from '../../core/client.ts';
import { isApiError } from '../../core/errors.ts';
import { loginSchema } from './schemas.ts';

/** How to authenticate to a multi-user server; none for single-user mode (the default). */
export type InvokeAIAuth = { token: string } | { email: string; password: string };

export const LOGIN_PATH = '/api/v1/auth/login';

/** A token is renewed this long before the server says it expires (at most a tenth of its life). */
const RENEW_EARLY_MS = 60_000;

interface HeldToken {
	value: string;
	/** Our clock: when to stop using it; undefined when the server did not say. */
	renewAt?: number;
}

/** The token of one client (shared by its bounded copies), logging in when it needs one. */
export class TokenKeeper {
	private held?: HeldToken;
	private pending?: Promise<string | undefined>;
	/** Set when the server runs in single-user mode and has no login: no token is sent. */
	private notNeeded = false;

	constructor(private readonly auth: InvokeAIAuth | undefined) {
		if (auth && 'token' in auth) this.held = { value: auth.token.trim() };
	}

	/** True when a refused token can be replaced by logging in again. */
	get renewable(): boolean {
		return this.auth !== undefined && 'email' in this.auth && !this.notNeeded;
	}

	/** The token to send (logging in first where needed), or undefined when none is needed. */
	async current(http: ApiClient, signal?: AbortSignal): Promise<string | undefined> {
		if (!this.auth || this.notNeeded) return undefined;
		if (this.held && (this.held.renewAt === undefined || http.env.now() < this.held.renewAt)) return this.held.value;
		if (!('email' in this.auth)) return this.held?.value;
		const credentials = this.auth;
		// One login for every request that needs it at once.
		this.pending ??= this.login(http, credentials, signal).finally(() => (this.pending = undefined));
		return this.pending;
	}

	/** After a 401: forgets `sent`, so that the next `current` logs in again. False when there is nothing to renew. */
	refuse(sent: string | undefined): boolean {
		if (!this.renewable || sent === undefined) return false;
		if (this.held?.value === sent) this.held = undefined;
		return true;
	}

	private async login(http: ApiClient, credentials: { email: string; password: string }, signal?: AbortSignal): Promise<string | undefined> {
		try {
			const answer = await http.json(
				{ method: 'POST', path: LOGIN_PATH, json: { email: credentials.email, password: credentials.password, remember_me: false }, retry: 'safe', signal },
				loginSchema,
			);
			const lifeMs = typeof answer.expires_in === 'number' && answer.expires_in > 0 ? answer.expires_in * 1000 : undefined;
			const renewAt = lifeMs === undefined ? undefined : http.env.now() + lifeMs - Math.min(RENEW_EARLY_MS, lifeMs / 10);
			this.held = { value: answer.token, renewAt };
			return answer.token;
		} catch (error) {
			// Before 6.12 there is no login (404); a single-user server refuses one (403): neither needs a token.
			if (isApiError(error) && (error.status === 404 || (error.status === 403 && /multi-?user mode is disabled/i.test(error.serverMessage)))) {
				this.notNeeded = true;
				http.env.logger?.info('InvokeAI runs in single-user mode: the email and password are not needed, and requests are sent without a token');
				return undefined;
			}
			throw error;
		}
	}
}
