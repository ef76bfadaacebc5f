// Runtime-neutral: web-standard APIs only (no node:, Deno, process), so n8n, Node and Deno share it.
// Looking for the job a create request made although its answer was lost. A server may still be
// carrying the request out when the client looks (the client gave up at its time limit while the
// request was out, or a proxy cut the answer while the backend worked): a first look that finds
// nothing is not the last word, so the job is looked for again a few times before the caller is
// told it may exist. Otherwise it would start after the look and run on with nobody waiting for it.
import type { Env } from './env.ts';

/** The pauses before each look after the first, while nothing is found (about 2.5 s in all). */
export const LOOK_AGAIN_AFTER_MS: readonly number[] = [300, 700, 1_500];

/**
 * Calls `look` until it finds something (a value other than undefined), at most once more after
 * each pause of LOOK_AGAIN_AFTER_MS; returns undefined when every look found nothing. A look that
 * throws ends it (the caller says looking failed).
 */
export async function lookAgainUntilFound<T>(env: Pick<Env, 'sleep'>, look: () => Promise<T | undefined>): Promise<T | undefined> {
	for (let attempt = 0; ; attempt++) {
		const found = await look();
		if (found !== undefined || attempt >= LOOK_AGAIN_AFTER_MS.length) return found;
		await env.sleep(LOOK_AGAIN_AFTER_MS[attempt]);
	}
}
