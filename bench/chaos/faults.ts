// The chaos every simulator gets: about 20 % of reads answered 5xx or 429, cut, or slow; a few
// creates cut after the server committed them (or before it saw them); sockets dropped mid-job.
import type { FaultRule, Faults } from '../../test/simulators/shared/types.ts';

/** Each read (GET) has these chances, tried in order (together about 20 %). */
export const READ_CHAOS = {
	status5xx: 0.06,
	rateLimit: 0.03,
	reset: 0.04,
	slow: 0.06,
} as const;

/** Each create request: its answer lost after the server committed it, or the connection cut before. */
export const CREATE_CHAOS = { cutAfterCommit: 0.04, cutBefore: 0.02 } as const;

/** Each socket (Pet Portrait WebSocket, InvokeAI Socket.IO) connection: dropped mid-job. */
export const SOCKET_CHAOS = { afterMessages: 0.25, afterMs: 0.15 } as const;

const STATUSES = [500, 502, 503, 504];

function forever(rule: Omit<FaultRule, 'times'>): FaultRule {
	return { ...rule, times: Infinity };
}

/** Read faults on GETs under `pathPrefix` (all GETs when omitted). */
export function addReadChaos(faults: Faults, random: () => number, pathPrefix?: string): void {
	const on = { method: 'GET', pathPrefix, random };
	// One status rule per code, each a quarter of the 5xx share.
	for (const status of STATUSES) faults.add(forever({ ...on, chance: READ_CHAOS.status5xx / STATUSES.length, fault: { kind: 'status', status } }));
	faults.add(forever({ ...on, chance: READ_CHAOS.rateLimit, fault: { kind: 'rate-limit', retryAfterSeconds: 1 } }));
	faults.add(forever({ ...on, chance: READ_CHAOS.reset, fault: { kind: 'drop-before' } }));
	faults.add(forever({ ...on, chance: READ_CHAOS.slow / 2, fault: { kind: 'slow', delayMs: 400 } }));
	faults.add(forever({ ...on, chance: READ_CHAOS.slow / 2, fault: { kind: 'slow', delayMs: 1500 } }));
}

/** Create faults on one method and path prefix (the provider's create endpoint). */
export function addCreateChaos(faults: Faults, random: () => number, method: string, pathPrefix: string): void {
	faults.add(forever({ method, pathPrefix, random, chance: CREATE_CHAOS.cutAfterCommit, fault: { kind: 'drop-after' } }));
	faults.add(forever({ method, pathPrefix, random, chance: CREATE_CHAOS.cutBefore, fault: { kind: 'drop-before' } }));
}

/** Socket drops on connections under `pathPrefix`: after a few messages, or a moment after opening. */
export function addSocketChaos(faults: Faults, random: () => number, pathPrefix: string): void {
	faults.add(forever({ method: 'GET', pathPrefix, random, chance: SOCKET_CHAOS.afterMessages, fault: { kind: 'socket-drop', afterMessages: 3 } }));
	faults.add(forever({ method: 'GET', pathPrefix, random, chance: SOCKET_CHAOS.afterMs, fault: { kind: 'socket-drop', afterMs: 250 } }));
}

/** A small seeded generator (mulberry32), so that a run can be repeated. */
export function seededRandom(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}
