// Runtime-neutral: web-standard APIs only (no node:, Deno, process), so n8n, Node and Deno share it.
// The node templates of each server, from its `GET /openapi.json` (2-3 MB): fetched once per
// address and version and kept in memory for the process, so that a run, or each item of an n8n
// execution, does not download and index it again. A few servers at most are kept.
import type { NodeTemplates } from './workflow/templates.ts';

/** Servers (address and version) whose templates are kept; the one used longest ago goes first. */
export const TEMPLATE_CACHE_SIZE = 8;

interface Entry {
	templates: Promise<NodeTemplates>;
	/** The caller's clock when it was fetched. */
	fetchedAt: number;
}

const cache = new Map<string, Entry>();

function keyOf(baseUrl: string, version: string): string {
	return `${baseUrl.replace(/\/+$/, '')}\u0000${version}`;
}

/**
 * The templates of `baseUrl` at `version`: kept ones (with how old they are, by the caller's
 * clock `now`), or `fetch`'s (kept once they arrive; a failed fetch is not kept). `fresh` fetches
 * again and replaces what was kept.
 */
export function cachedTemplates(
	baseUrl: string,
	version: string,
	now: number,
	fetch: () => Promise<NodeTemplates>,
	options: { fresh?: boolean } = {},
): { templates: Promise<NodeTemplates>; ageMs: number } {
	const key = keyOf(baseUrl, version);
	const kept = cache.get(key);
	if (kept && !options.fresh) {
		// Used again: now the most recent.
		cache.delete(key);
		cache.set(key, kept);
		return { templates: kept.templates, ageMs: Math.max(0, now - kept.fetchedAt) };
	}
	const entry: Entry = { templates: fetch(), fetchedAt: now };
	cache.set(key, entry);
	entry.templates.catch(() => {
		if (cache.get(key) === entry) cache.delete(key);
	});
	while (cache.size > TEMPLATE_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
	return { templates: entry.templates, ageMs: 0 };
}

/** Forgets every kept document (for tests). */
export function clearTemplateCache(): void {
	cache.clear();
}
