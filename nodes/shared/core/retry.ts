// Runtime-neutral: web-standard APIs only (no node:, Deno, process), so n8n, Node and Deno share it.
import type { ApiError } from './errors.ts';
import { isApiError, isConnectionError, isGenflowsError } from './errors.ts';
import type { RetryMode } from './http.ts';

export interface RetryPolicy {
	/** Attempts after the first one. */
	maxRetries: number;
	/** Delay before the first retry; doubles each time. */
	baseDelayMs: number;
	maxDelayMs: number;
	/** A longer Retry-After is not waited for: our own backoff is used instead. */
	maxRetryAfterMs: number;
	/** Statuses worth another try: rate limits and gateways that lost the backend for a moment. */
	retryStatuses: readonly number[];
}

export const defaultRetryPolicy: RetryPolicy = {
	maxRetries: 3,
	baseDelayMs: 500,
	maxDelayMs: 8_000,
	maxRetryAfterMs: 60_000,
	retryStatuses: [429, 502, 503, 504],
};

/** Exponential backoff with "equal jitter": a random delay between half and all of the step. */
export function backoffDelay(retryNumber: number, policy: RetryPolicy, random: number): number {
	const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retryNumber);
	return Math.round(step / 2 + (step / 2) * random);
}

/** `Retry-After` is either delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
	if (value === undefined) return undefined;
	const trimmed = value.trim();
	if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
	const date = Date.parse(trimmed);
	if (Number.isNaN(date)) return undefined;
	return Math.max(0, date - nowMs);
}

export type RetryDecision = { retry: false } | { retry: true; delayMs: number };

/**
 * Whether to send a request again after `error`, and when. A request that creates a job
 * (`unsent-only`) is repeated only when the server certainly did not act on it.
 */
export function decideRetry(
	error: unknown,
	mode: RetryMode,
	retryNumber: number,
	policy: RetryPolicy,
	random: number,
): RetryDecision {
	if (retryNumber >= policy.maxRetries) return { retry: false };
	if (isConnectionError(error)) {
		if (!error.retryable) return { retry: false };
		if (mode === 'unsent-only' && error.phase !== 'connect') return { retry: false };
		return { retry: true, delayMs: backoffDelay(retryNumber, policy, random) };
	}
	if (isApiError(error)) {
		// A 500 to a read is often a moment's trouble (a worker restarting, a busy database): one
		// more try costs little, and a finished job's result is worth it; a second 500 is the answer.
		const once = error.status === 500 && mode === 'safe' && retryNumber === 0;
		if (!policy.retryStatuses.includes(error.status) && !once) return { retry: false };
		if (mode === 'unsent-only' && error.status !== 429) return { retry: false };
		return retryAfterDecision(error, retryNumber, policy, random);
	}
	return { retry: false };
}

function retryAfterDecision(error: ApiError, retryNumber: number, policy: RetryPolicy, random: number): RetryDecision {
	if (error.retryAfterMs === undefined) return { retry: true, delayMs: backoffDelay(retryNumber, policy, random) };
	// A server asking for minutes gets our own shorter backoff; the caller's deadline still bounds it.
	if (error.retryAfterMs > policy.maxRetryAfterMs) return { retry: true, delayMs: backoffDelay(retryNumber, policy, random) };
	return { retry: true, delayMs: error.retryAfterMs };
}

/**
 * After a job-creating request failed: whether the server may have carried it out anyway (its
 * answer was lost, the caller's limit ran out while it was out, or a proxy timed out or lost the
 * backend after forwarding it). Then the job is looked for, never created again.
 */
export function mayHaveBeenCarriedOut(error: unknown): boolean {
	if (isConnectionError(error)) return error.phase === 'transfer';
	if (isGenflowsError(error) && error.kind === 'deadline') return true;
	return isApiError(error) && (error.status === 502 || error.status === 504);
}
