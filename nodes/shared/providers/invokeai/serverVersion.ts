// Runtime-neutral: web-standard APIs only (no node:, Deno, process), so n8n, Node and Deno share it.
// Which InvokeAI release a server is, and what that means for a client (the reference's §9/9a):
// 6.0 is the oldest supported (it gives `item_ids` in the enqueue reply and `list_all`), 6.8 lists
// queue items by id, 6.12 may run in multi-user mode, 6.14 adds `waiting`.
import { InputError } from '../../core/errors.ts';

export interface ServerVersion {
	/** As the server said it, e.g. `6.14.0-alpha`. */
	text: string;
	major: number;
	minor: number;
	patch: number;
}

export const MINIMUM_VERSION = '6.0';

/** `6.13.8`, `v6.14.0rc1`, `6.14.0-alpha` …; undefined for text that names no version. */
export function parseServerVersion(text: string): ServerVersion | undefined {
	const match = /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(text.trim());
	if (!match) return undefined;
	return { text: text.trim(), major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3] ?? 0) };
}

export function atLeast(version: ServerVersion, major: number, minor: number, patch = 0): boolean {
	if (version.major !== major) return version.major > major;
	if (version.minor !== minor) return version.minor > minor;
	return version.patch >= patch;
}

/** What differs between the supported releases, for the requests that depend on it. */
export interface ServerFeatures {
	/** `GET /queue/{id}/item_ids` and `POST /queue/{id}/items_by_ids` (6.8+); before, `GET /queue/{id}/list_all`. */
	itemIdsRoutes: boolean;
}

export function featuresOf(version: ServerVersion): ServerFeatures {
	return { itemIdsRoutes: atLeast(version, 6, 8) };
}

/**
 * The version a server reported, refused when it is older than 6.0 (5.x gives no item ids when it
 * queues a batch) or not a version at all. An InputError on the address: the server is the wrong one.
 */
export function checkServerVersion(text: string, where: string): ServerVersion {
	const version = parseServerVersion(text);
	if (!version) {
		throw new InputError('baseUrl', `The server at ${where} reported the version "${text}", which is not an InvokeAI version.`);
	}
	if (!atLeast(version, 6, 0)) {
		throw new InputError(
			'baseUrl',
			`InvokeAI at ${where} is version ${version.text}; this package works with InvokeAI ${MINIMUM_VERSION} or later.`,
			`Update InvokeAI to ${MINIMUM_VERSION} or later.`,
		);
	}
	return version;
}
