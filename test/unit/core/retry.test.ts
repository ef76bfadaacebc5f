import { ApiError, ConnectionError } from '../../../nodes/shared/core/errors.ts';
import { backoffDelay, decideRetry, defaultRetryPolicy, parseRetryAfter } from '../../../nodes/shared/core/retry.ts';

const apiError = (status: number, retryAfterMs?: number) =>
	new ApiError({ service: 'X', status, method: 'GET', path: '/p', serverMessage: '', retryAfterMs });

describe('parseRetryAfter', () => {
	it('reads delta-seconds', () => {
		expect(parseRetryAfter('3', 0)).toBe(3000);
		expect(parseRetryAfter(' 1.5 ', 0)).toBe(1500);
	});

	it('reads an HTTP date relative to now', () => {
		const now = Date.parse('Sun, 06 Nov 1994 08:49:37 GMT');
		expect(parseRetryAfter('Sun, 06 Nov 1994 08:49:47 GMT', now)).toBe(10_000);
		expect(parseRetryAfter('Sun, 06 Nov 1994 08:49:00 GMT', now)).toBe(0);
	});

	it('ignores what it cannot read', () => {
		expect(parseRetryAfter(undefined, 0)).toBeUndefined();
		expect(parseRetryAfter('soon', 0)).toBeUndefined();
	});
});

describe('backoffDelay', () => {
	it('doubles per retry between half and all of the step, and stops at the cap', () => {
		expect(backoffDelay(0, defaultRetryPolicy, 0)).toBe(250);
		expect(backoffDelay(0, defaultRetryPolicy, 1)).toBe(500);
		expect(backoffDelay(2, defaultRetryPolicy, 0.5)).toBe(1500);
		expect(backoffDelay(10, defaultRetryPolicy, 1)).toBe(8000);
	});
});

describe('decideRetry', () => {
	it('retries reads on gateway errors and rate limits', () => {
		for (const status of [429, 502, 503, 504]) {
			expect(decideRetry(apiError(status), 'safe', 0, defaultRetryPolicy, 0.5).retry).toBe(true);
		}
	});

	it('never retries client errors', () => {
		for (const status of [400, 401, 404, 422]) {
			expect(decideRetry(apiError(status), 'safe', 0, defaultRetryPolicy, 0.5)).toEqual({ retry: false });
		}
	});

	it('tries a read once more after a 500, but not twice, and never a create', () => {
		expect(decideRetry(apiError(500), 'safe', 0, defaultRetryPolicy, 0.5)).toEqual({ retry: true, delayMs: 375 });
		expect(decideRetry(apiError(500), 'safe', 1, defaultRetryPolicy, 0.5)).toEqual({ retry: false });
		expect(decideRetry(apiError(500), 'unsent-only', 0, defaultRetryPolicy, 0.5)).toEqual({ retry: false });
	});

	it('waits what Retry-After says, and falls back to its own backoff when it asks for more than a minute', () => {
		expect(decideRetry(apiError(429, 2000), 'safe', 0, defaultRetryPolicy, 0.5)).toEqual({ retry: true, delayMs: 2000 });
		expect(decideRetry(apiError(503, 120_000), 'safe', 0, defaultRetryPolicy, 0.5)).toEqual({ retry: true, delayMs: backoffDelay(0, defaultRetryPolicy, 0.5) });
		expect(decideRetry(apiError(503, 120_000), 'safe', 1, defaultRetryPolicy, 1)).toEqual({ retry: true, delayMs: 1000 });
	});

	it('does not retry what another try cannot mend (TLS to a plain-HTTP port, a refused certificate)', () => {
		const notTls = new ConnectionError('connect', 'the server does not speak TLS', { retryable: false });
		expect(decideRetry(notTls, 'safe', 0, defaultRetryPolicy, 0.5)).toEqual({ retry: false });
		expect(decideRetry(notTls, 'unsent-only', 0, defaultRetryPolicy, 0.5)).toEqual({ retry: false });
	});

	it('stops after maxRetries', () => {
		expect(decideRetry(apiError(503), 'safe', 3, defaultRetryPolicy, 0.5)).toEqual({ retry: false });
	});

	it('repeats a job-creating request only when it cannot have reached the server', () => {
		expect(decideRetry(new ConnectionError('connect', 'refused'), 'unsent-only', 0, defaultRetryPolicy, 0.5).retry).toBe(true);
		expect(decideRetry(new ConnectionError('transfer', 'reset'), 'unsent-only', 0, defaultRetryPolicy, 0.5)).toEqual({ retry: false });
		expect(decideRetry(apiError(429), 'unsent-only', 0, defaultRetryPolicy, 0.5).retry).toBe(true);
		for (const status of [502, 503, 504]) {
			expect(decideRetry(apiError(status), 'unsent-only', 0, defaultRetryPolicy, 0.5)).toEqual({ retry: false });
		}
	});
});
