import type { CliRuntime } from '../runtime/cliRuntime.ts';
import type { ParsedArgs } from './args.ts';
import type { ConnectionSetting } from './command.ts';

export interface ResolvedSettings {
	values: Record<string, string | undefined>;
	/** Variables that may hold a setting but could not be read (Deno without --allow-env). */
	unread: string[];
}

/** Flags win over environment variables, which win over the setting's fallback. */
export function resolveSettings(settings: ConnectionSetting[], args: ParsedArgs, runtime: CliRuntime): ResolvedSettings {
	const values: Record<string, string | undefined> = {};
	const unread: string[] = [];
	for (const setting of settings) {
		// An empty value counts as not given, so `--url "$MAYBE_EMPTY"` falls back like an unset variable.
		const fromFlag = args.values.get(setting.option) || undefined;
		if (fromFlag === undefined && setting.warnWhenUnread && !runtime.canReadEnv(setting.env)) unread.push(setting.env);
		values[setting.option] = fromFlag ?? (runtime.env(setting.env) || undefined) ?? setting.fallback;
	}
	return { values, unread };
}
