// Runtime-neutral: web-standard APIs only (no node:, Deno, process), so n8n, Node and Deno share it.
//
// How long jobs of one flow take on one server. GPU jobs of the same flow on the same hardware run
// for nearly the same time, and every backend records it, so the waiter can learn, from the
// server's own history and from the jobs it watches, when a running job will end, and poll only
// around then.
import { isAbortError } from './errors.ts';

/** When a job of a flow is expected to end, in ms of run time (from its start). */
export interface RunTimeExpectation {
	/** The middle of what was seen: for queue estimates. */
	typicalMs: number;
	/** Earliest and latest likely run time: the window in which to poll densely. */
	shortestMs: number;
	longestMs: number;
	samples: number;
}

export interface RunTimeHistoryLimits {
	/** Flows remembered (least recently used dropped first). */
	maxFlows: number;
	/** Run times kept per flow, newest first. */
	maxSamples: number;
	/** Run times older than this are forgotten (hardware, models and settings change). */
	maxAgeMs: number;
	/** How long the server's own history, once fetched, counts as known before it is asked again. */
	refetchAfterMs: number;
}

export const defaultRunTimeLimits: RunTimeHistoryLimits = {
	maxFlows: 200,
	maxSamples: 16,
	maxAgeMs: 24 * 3_600_000,
	refetchAfterMs: 3_600_000,
};

interface FlowRunTimes {
	/** Newest first. */
	samples: Array<{ ms: number; at: number }>;
	fetchedAt?: number;
	fetching?: Promise<void>;
}

/**
 * Recent run times per flow, in memory, bounded in flows, samples and age. One instance is shared
 * per process (n8n keeps modules loaded across executions, so every execution of a workflow
 * learns from the ones before; the CLI learns within one command and from the server).
 */
export class RunTimeHistory {
	private readonly flows = new Map<string, FlowRunTimes>();
	private readonly limits: RunTimeHistoryLimits;

	constructor(limits: Partial<RunTimeHistoryLimits> = {}) {
		this.limits = { ...defaultRunTimeLimits, ...limits };
	}

	/** Adds a run time seen now (a job we watched finish). */
	record(flow: string, ms: number, now: number): void {
		if (!(ms > 0) || !Number.isFinite(ms)) return;
		const entry = this.touch(flow);
		entry.samples.unshift({ ms, at: now });
		entry.samples.length = Math.min(entry.samples.length, this.limits.maxSamples);
	}

	/**
	 * What is known of a flow, asking the server's history first when it has not been asked lately
	 * (`fetch` returns its recent run times, newest first). A failed fetch counts as asked: the
	 * waiter then does without, and a broken history endpoint costs one request per hour, not one per job.
	 */
	async expect(flow: string, now: number, fetch?: () => Promise<number[]>): Promise<RunTimeExpectation | undefined> {
		const entry = this.touch(flow);
		if (fetch && (entry.fetchedAt === undefined || now - entry.fetchedAt > this.limits.refetchAfterMs)) {
			entry.fetching ??= (async () => {
				try {
					const fetched = await fetch();
					const known = new Set(entry.samples.map((sample) => sample.ms));
					for (const ms of fetched.slice(0, this.limits.maxSamples)) {
						if (ms > 0 && Number.isFinite(ms) && !known.has(ms)) entry.samples.push({ ms, at: now });
					}
					entry.samples.length = Math.min(entry.samples.length, this.limits.maxSamples);
					entry.fetchedAt = now;
				} catch (error) {
					// The history is a help, not a need: the waiter works without it. A fetch cut short
					// by a stop was no answer: the next wait asks again.
					if (!isAbortError(error)) entry.fetchedAt = now;
				} finally {
					entry.fetching = undefined;
				}
			})();
			await entry.fetching;
		}
		entry.samples = entry.samples.filter((sample) => now - sample.at <= this.limits.maxAgeMs);
		return expectationOf(entry.samples.map((sample) => sample.ms));
	}

	private touch(flow: string): FlowRunTimes {
		let entry = this.flows.get(flow);
		if (entry) this.flows.delete(flow);
		entry ??= { samples: [] };
		this.flows.set(flow, entry);
		while (this.flows.size > this.limits.maxFlows) this.flows.delete(this.flows.keys().next().value as string);
		return entry;
	}
}

/**
 * Milliseconds between two of a server's timestamps (its own clock at both ends, so no clock skew
 * matters), or undefined when either is missing or unreadable; `parse` reads the server's format.
 */
export function runTimeBetween(start: string | null | undefined, end: string | null | undefined, parse: (text: string) => number = Date.parse): number | undefined {
	if (!start || !end) return undefined;
	const ms = parse(end) - parse(start);
	return Number.isFinite(ms) && ms > 0 ? ms : undefined;
}

/** The history every waiter of this process shares, unless given its own. */
export const sharedRunTimeHistory = new RunTimeHistory();

/**
 * The window a run time will likely fall in, from past ones: their range, widened on each side by
 * the average gap between them (with n samples from a spread, the next one falls outside their
 * range with chance 2/(n+1)) and by a little for jitter (a quarter percent, at most half a second). One sample tells nothing of the
 * spread, so it is widened by a tenth.
 */
export function expectationOf(runTimesMs: number[]): RunTimeExpectation | undefined {
	const sorted = runTimesMs.filter((ms) => ms > 0 && Number.isFinite(ms)).sort((a, b) => a - b);
	if (sorted.length === 0) return undefined;
	const shortest = sorted[0];
	const longest = sorted[sorted.length - 1];
	const typicalMs = sorted[Math.floor(sorted.length / 2)];
	const gap = sorted.length > 1 ? (longest - shortest) / (sorted.length - 1) : typicalMs * 0.1;
	const jitter = Math.min(typicalMs * 0.0025, 500);
	return {
		typicalMs,
		shortestMs: Math.max(0, shortest - gap - jitter),
		longestMs: longest + gap + jitter,
		samples: sorted.length,
	};
}
