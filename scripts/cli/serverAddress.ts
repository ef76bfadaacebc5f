// The server address and login a command connects with, from `--url`, `--user`, `--password` (or
// their environment variables). Checked before any request, so a typo is a bad argument (exit 2)
// that names the flag, never fetch's "Invalid URL"; a password is never echoed.
import { isInputError } from '../../nodes/shared/core/errors.ts';
import type { BaseUrlRules, CheckedBaseUrl } from '../../nodes/shared/core/urls.ts';
import { checkBaseUrl } from '../../nodes/shared/core/urls.ts';
import { UsageError } from './args.ts';
import type { CommandContext } from './command.ts';

export interface ServerAddress {
	url: string;
	basicAuth?: { user: string; password: string };
}

/** `--url http://user:pass@host` works like `--user user --password pass`; explicit flags win. */
export function serverAddress(context: CommandContext, rules: BaseUrlRules, names: { user: string; password: string }): ServerAddress {
	const { user, password } = context.settings;
	const checked = checkedUrl(context.settings.url, rules);
	if (password && !user && !checked.userInfo) {
		throw new UsageError('--password', `--password needs a user name to go with it: add --user (or ${names.user})`);
	}
	if (checked.userInfo && user) context.warn('the user name and password written into --url are ignored: --user and --password win.');
	const basicAuth = user ? { user, password: password ?? '' } : checked.userInfo;
	return { url: checked.url, basicAuth };
}

/** `--url` checked by the provider's rules; a bad one is a UsageError naming `--url`. */
export function checkedUrl(url: string | undefined, rules: BaseUrlRules): CheckedBaseUrl {
	try {
		return checkBaseUrl(url ?? '', rules);
	} catch (error) {
		if (isInputError(error)) throw new UsageError('--url', error.message);
		throw error;
	}
}
