// Runtime-neutral: web-standard APIs only (no node:, Deno, process), so n8n, Node and Deno share it.
// Pet Portrait sessions through the shared job contract: what the waiter, the trigger runner, the
// n8n items and the CLI's job commands need to know of them. A job is a session: its id is what
// the upload returned, and a (re)generate runs in it.
import type { JobAdapter } from '../../core/job.ts';
import type { PollingPlan } from '../../core/waiter.ts';
import type { PetPortrait } from './api.ts';
import type { PortraitSession } from './sessionState.ts';
import { resultImageOf, runTimeOfSession, sessionStatus } from './sessionState.ts';

/**
 * The WebSocket wakes the waiter on every change, so polling is the safety net: never more than
 * five seconds apart (the doc's own client polls every 2 s). Without a socket the waiter's
 * adaptive polling, under the same cap, follows the session alone. The server's percent comes
 * from node ids, not from work done, so it may jump to 100 from anywhere: the end is looked for
 * well before the linear estimate.
 */
export const PET_PORTRAIT_POLLING: Partial<PollingPlan> = { maxMs: 5_000, earlyFinishShare: 0.5 };

export const PET_PORTRAIT_JOB_WORDS = { service: 'Pet Portrait', noun: 'session' } as const;

/** A session as JSON for items and output lines: the status fields users ask about, without the socket's notes. */
export function sessionSummary(session: PortraitSession): Record<string, unknown> {
	const started = Date.parse(session.startTime ?? '');
	const ended = Date.parse(session.endTime ?? '');
	return {
		sessionId: session.sessionId,
		promptId: session.promptId ?? null,
		status: session.status,
		progress: session.progress ?? null,
		message: session.message ?? null,
		currentNode: session.currentNode ?? null,
		currentNodeTitle: session.currentNodeInfo?.title ?? null,
		startTime: session.startTime ?? null,
		endTime: session.endTime ?? null,
		durationMs: Number.isFinite(started) && Number.isFinite(ended) ? ended - started : null,
		executedNodesCount: session.executedNodesCount ?? null,
		totalNodes: session.totalNodes ?? null,
		resultImage: resultImageOf(session) ?? null,
	};
}

/**
 * The adapter for one Pet Portrait client. It has no `cancel` (the API cannot stop a run: the
 * server finishes it anyway) and no `listJobs` (the API cannot list sessions: a trigger watches
 * the session ids it is given). `subscribe` follows the session's WebSocket.
 */
export function petPortraitJobs(petPortrait: PetPortrait): JobAdapter<PortraitSession> {
	return {
		...PET_PORTRAIT_JOB_WORDS,
		polling: PET_PORTRAIT_POLLING,
		id: (session) => session.sessionId,
		read: (id, signal) => petPortrait.status(id, signal),
		status: sessionStatus,
		results: (session, signal) => petPortrait.results(session, signal),
		summary: sessionSummary,
		subscribe: (id, wake) => petPortrait.follow(id, wake),
		// A server runs one workflow; the API lists no sessions, so run times are learnt from the ones waited for.
		flowKey: () => `${petPortrait.baseUrl} portrait`,
		runTimeMs: runTimeOfSession,
	};
}
