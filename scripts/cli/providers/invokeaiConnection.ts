// How `genflows invokeai` reaches a server: `--url` / INVOKEAI_URL (default http://localhost:9090,
// InvokeAI's own port), and for a multi-user server (6.12+) either `--token` / INVOKEAI_TOKEN, sent
// as it is as a Bearer token, or `--email` + `--password` / INVOKEAI_EMAIL + INVOKEAI_PASSWORD,
// exchanged for one at login. No message here quotes the token or the password.
import { fetchTransport } from '../../../nodes/shared/core/fetchTransport.ts';
import type { InvokeAIAuth } from '../../../nodes/shared/providers/invokeai/auth.ts';
import { INVOKEAI_ADDRESS_RULES, INVOKEAI_DEFAULT_URL, InvokeAI } from '../../../nodes/shared/providers/invokeai/api.ts';
import { scriptEnv } from '../../runtime/timers.ts';
import { UsageError } from '../args.ts';
import type { CommandContext, ConnectionSetting } from '../command.ts';
import { checkedUrl } from '../serverAddress.ts';

/** The batch origin of the CLI's runs, so that they can be told apart in InvokeAI's queue. */
export const CLI_ORIGIN = 'genflows-cli';

export const INVOKEAI_SETTINGS: ConnectionSetting[] = [
	{ option: 'url', env: 'INVOKEAI_URL', description: "the server's root, without /api", fallback: INVOKEAI_DEFAULT_URL, warnWhenUnread: true },
	{ option: 'token', env: 'INVOKEAI_TOKEN', description: 'multi-user mode: a token, sent as "Authorization: Bearer" (never printed)', warnWhenUnread: true },
	{ option: 'email', env: 'INVOKEAI_EMAIL', description: 'multi-user mode: the account to log in as, with --password', warnWhenUnread: true },
	{ option: 'password', env: 'INVOKEAI_PASSWORD', description: "multi-user mode: the account's password (never printed)", warnWhenUnread: true },
];

/** Visible ASCII, with spaces inside: what an Authorization header can carry. */
const HEADER_VALUE = /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/;

/** The credentials the settings give, checked before any request; none for a single-user server. */
export function authFrom(settings: Record<string, string | undefined>): InvokeAIAuth | undefined {
	const { token, email, password } = settings;
	if (token !== undefined) {
		if (email !== undefined || password !== undefined) {
			throw new UsageError('--token', '--token and --email/--password both say how to log in: give one of them (check INVOKEAI_TOKEN, INVOKEAI_EMAIL and INVOKEAI_PASSWORD too)');
		}
		const trimmed = token.trim();
		if (!HEADER_VALUE.test(trimmed)) {
			// Not quoted: the text is the secret.
			throw new UsageError('--token', 'the token holds characters an HTTP header cannot carry (a line break, a control or non-ASCII character); copy it again');
		}
		return { token: trimmed };
	}
	if (email === undefined && password === undefined) return undefined;
	if (email === undefined || !email.trim()) throw new UsageError('--email', '--password needs the account it belongs to: add --email (or INVOKEAI_EMAIL)');
	if (password === undefined) throw new UsageError('--password', `--email ${email.trim()} needs its password: add --password (or INVOKEAI_PASSWORD)`);
	return { email: email.trim(), password };
}

export function connect(context: CommandContext): InvokeAI {
	const checked = checkedUrl(context.settings.url, INVOKEAI_ADDRESS_RULES);
	const auth = authFrom(context.settings);
	if (checked.userInfo && auth) {
		// Both would set Authorization, and Basic would silently replace the Bearer token (a 401 that explains nothing).
		throw new UsageError('--url', `a user name written into --url (Basic auth for a proxy) and ${'token' in auth ? '--token' : '--email/--password'} would both set Authorization: keep one of them`);
	}
	// A user name and password written into --url are Basic auth for a proxy in front, as for the other providers.
	const transport = fetchTransport({ basicAuth: checked.userInfo });
	const logger = { debug() {}, info() {}, warn: (message: string) => context.warn(message) };
	const env = scriptEnv(transport, logger, { openSocket: context.runtime.openSocket, openEventSocket: context.runtime.openEventSocket });
	return new InvokeAI({ baseUrl: checked.url, env, auth, origin: CLI_ORIGIN });
}
