// How `genflows flowscale` reaches a deployment: `--url` / FLOWSCALE_API_URL and `--api-key` /
// FLOWSCALE_API_KEY (the SDK's own variable names). The key rides in the X-API-KEY header of the
// API transport only; the pre-signed output links go through a plain transport, so the storage
// host never sees it. No message here quotes the key.
import { fetchTransport } from '../../../nodes/shared/core/fetchTransport.ts';
import { Flowscale, FLOWSCALE_ADDRESS_RULES } from '../../../nodes/shared/providers/flowscale/api.ts';
import { scriptEnv } from '../../runtime/timers.ts';
import { UsageError } from '../args.ts';
import type { CommandContext, ConnectionSetting } from '../command.ts';
import { checkedUrl } from '../serverAddress.ts';

export const FLOWSCALE_SETTINGS: ConnectionSetting[] = [
	{ option: 'url', env: 'FLOWSCALE_API_URL', description: 'the deployment\'s API URL, e.g. https://my-deployment.pod.flowscale.ai', warnWhenUnread: true },
	{ option: 'api-key', env: 'FLOWSCALE_API_KEY', description: 'the deployment\'s API key (sent as X-API-KEY)', warnWhenUnread: true },
];

export function connect(context: CommandContext): Flowscale {
	const url = context.settings.url;
	if (url === undefined) throw new UsageError('--url', `no deployment address: pass --url or set FLOWSCALE_API_URL (e.g. ${FLOWSCALE_ADDRESS_RULES.example})`);
	const checked = checkedUrl(url, FLOWSCALE_ADDRESS_RULES);
	const apiKey = checkedApiKey(context.settings['api-key']);
	// A user name and password written into --url are Basic auth for a proxy in front, as for Visionatrix.
	const transport = fetchTransport({ headers: { 'x-api-key': apiKey }, basicAuth: checked.userInfo });
	const logger = { debug() {}, info() {}, warn: (message: string) => context.warn(message) };
	return new Flowscale({ baseUrl: checked.url, env: scriptEnv(transport, logger, { plainTransport: fetchTransport() }) });
}

/**
 * A key fetch can send as a header. One it would refuse (a pasted newline, a non-ASCII letter)
 * makes fetch throw an error that may quote the value, so it is refused here without quoting it.
 */
function checkedApiKey(raw: string | undefined): string {
	if (raw === undefined) throw new UsageError('--api-key', 'no API key: pass --api-key or set FLOWSCALE_API_KEY (the deployment\'s key, sent as X-API-KEY)');
	const key = raw.trim();
	if (!key) throw new UsageError('--api-key', 'the API key is blank');
	if (!/^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/.test(key)) {
		throw new UsageError('--api-key', 'the API key holds characters an HTTP header cannot carry (a line break, a control or non-ASCII character); copy it again');
	}
	return key;
}
