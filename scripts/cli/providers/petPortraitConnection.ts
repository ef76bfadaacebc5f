// How `genflows pet-portrait` reaches a server: `--url` / PET_PORTRAIT_URL (the server's root; no
// default, as every other provider without a local standard address), and for a server behind an
// authenticating proxy `--header "Name: value"` / PET_PORTRAIT_HEADER. The server itself asks for
// no credential. The header goes with every HTTP request and with the WebSocket's upgrade (Deno's
// and undici's WebSocket both send headers), so the push channel passes the proxy too. No message
// here quotes the header's value, nor any text that might be it.
import { fetchTransport } from '../../../nodes/shared/core/fetchTransport.ts';
import type { OpenSocket } from '../../../nodes/shared/core/env.ts';
import { PET_PORTRAIT_ADDRESS_RULES, PetPortrait } from '../../../nodes/shared/providers/petPortrait/api.ts';
import { scriptEnv } from '../../runtime/timers.ts';
import { UsageError } from '../args.ts';
import type { CommandContext, ConnectionSetting } from '../command.ts';
import { checkedUrl } from '../serverAddress.ts';

export const PET_PORTRAIT_SETTINGS: ConnectionSetting[] = [
	{ option: 'url', env: 'PET_PORTRAIT_URL', description: `the server's root, without /api, e.g. ${PET_PORTRAIT_ADDRESS_RULES.example}`, warnWhenUnread: true },
	{
		option: 'header',
		env: 'PET_PORTRAIT_HEADER',
		description: '"Name: value" sent with every request and the WebSocket, for an authenticating proxy in front (never printed)',
		warnWhenUnread: true,
	},
];

/** An HTTP token: what a header name may be made of (RFC 9110). */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Visible ASCII, with spaces and tabs inside: what fetch and a WebSocket handshake can send as a value. */
const HEADER_VALUE = /^[\x21-\x7e](?:[\x20-\x7e\t]*[\x21-\x7e])?$/;
/** Headers the HTTP client or the WebSocket handshake set themselves: one given here would break the requests. */
const RESERVED = /^(host|content-length|content-type|transfer-encoding|connection|upgrade|sec-websocket-.*)$/i;

/**
 * `--header "Name: value"` as a header, checked before any request. A header fetch refuses makes it
 * throw an error that may quote the value, so a bad one is refused here, without quoting it: the
 * text may be the secret itself (a token pasted without its name).
 */
export function proxyHeader(raw: string | undefined): Record<string, string> {
	if (raw === undefined) return {};
	const colon = raw.indexOf(':');
	const name = colon === -1 ? '' : raw.slice(0, colon).trim();
	if (!name || !TOKEN.test(name)) {
		throw new UsageError('--header', '--header wants "Name: value", e.g. "X-Proxy-Token: …"; what was given has no header name before a colon (it is not repeated here: it may be the secret)');
	}
	if (RESERVED.test(name)) throw new UsageError('--header', `--header cannot set ${name}: the HTTP client sets it itself`);
	const value = raw.slice(colon + 1).trim();
	if (!value) throw new UsageError('--header', `--header ${name} has no value after the colon`);
	if (!HEADER_VALUE.test(value)) {
		throw new UsageError('--header', `the value of --header ${name} holds characters an HTTP header cannot carry (a line break, a control or non-ASCII character); copy it again`);
	}
	return { [name]: value };
}

export function connect(context: CommandContext): PetPortrait {
	const url = context.settings.url;
	if (url === undefined) {
		throw new UsageError('--url', `no server address: pass --url or set PET_PORTRAIT_URL (the server's root, e.g. ${PET_PORTRAIT_ADDRESS_RULES.example})`);
	}
	const checked = checkedUrl(url, PET_PORTRAIT_ADDRESS_RULES);
	const header = proxyHeader(context.settings.header);
	const basicAuth = checked.userInfo;
	if (basicAuth && Object.keys(header).some((name) => name.toLowerCase() === 'authorization')) {
		throw new UsageError('--header', '--header Authorization and a user name written into --url would both set Authorization: keep one of them');
	}
	// A user name and password written into --url are Basic auth for a proxy in front, as for the other providers.
	const transport = fetchTransport({ headers: header, basicAuth });
	const socketHeaders: Record<string, string> = { ...header, ...(basicAuth ? { authorization: basicAuthorization(basicAuth) } : {}) };
	const logger = { debug() {}, info() {}, warn: (message: string) => context.warn(message) };
	return new PetPortrait({ baseUrl: checked.url, env: scriptEnv(transport, logger, { openSocket: withHeaders(context.runtime.openSocket, socketHeaders) }) });
}

/** The runtime's WebSocket (Deno's, Node 22+'s, undici's on Node 20), sending the proxy's headers with the upgrade. */
function withHeaders(openSocket: OpenSocket, headers: Record<string, string>): OpenSocket {
	if (Object.keys(headers).length === 0) return openSocket;
	return (url, options = {}) => openSocket(url, { ...options, headers: { ...options.headers, ...headers } });
}

function basicAuthorization({ user, password }: { user: string; password: string }): string {
	let binary = '';
	for (const byte of new TextEncoder().encode(`${user}:${password}`)) binary += String.fromCharCode(byte);
	return `Basic ${btoa(binary)}`;
}
