// Runtime-neutral: web-standard APIs only (no node:, Deno, process), so n8n, Node and Deno share it.
// A generate or regenerate whose answer was lost after the request may have reached the server:
// it is never sent again (that would queue a second GPU run); the session is read instead, and
// shows whether a run began after the request was sent.
import type { GenflowsError } from '../../core/errors.ts';
import { isConnectionError, UncertainSubmissionError } from '../../core/errors.ts';
import type { SessionStatus } from './schemas.ts';
import { statusWord } from './sessionState.ts';

export type StartKind = 'generate' | 'regenerate';

/** A generate or regenerate as it was sent, to recognise the run it made. */
export interface StartRequest {
	kind: StartKind;
	sessionId: string;
	/** Our clock when the request was sent. */
	sentAt: number;
	/** The session as read just before sending, where it was: a run that began since is ours. */
	before?: Pick<SessionStatus, 'status' | 'startTime' | 'promptId'>;
}

/** Our clock and the server's may differ a little: a run started this much before our send still counts (without `before`). */
const CLOCK_SLACK_MS = 30_000;

/** The words of a session that has a run (ongoing, or already over). */
const RUN_WORDS = new Set(['processing', 'completed', 'failed']);

/** The words of a session that never had a run. */
const NO_RUN_WORDS = new Set(['uploaded', 'image_uploaded', 'initialized']);

/**
 * Whether the session, read after the answer was lost, shows the run the request made: it has a
 * run, and that run is new. New means a prompt id other than before, a start time other than
 * before, or a run at all where there was none; without a look before sending, a start time at or
 * after the send (less a little clock slack).
 */
export function showsLostStart(after: SessionStatus, request: StartRequest): boolean {
	if (!RUN_WORDS.has(statusWord(after))) return false;
	const { before } = request;
	if (before) {
		if (after.promptId && before.promptId && after.promptId !== before.promptId) return true;
		if (after.startTime && after.startTime !== before.startTime) return true;
		return !after.startTime && NO_RUN_WORDS.has(statusWord(before));
	}
	const startedAt = Date.parse(after.startTime ?? '');
	return startedAt >= request.sentAt - CLOCK_SLACK_MS;
}

export function lostStartError(request: StartRequest, lost: GenflowsError, why: string): UncertainSubmissionError {
	const reason = isConnectionError(lost) ? lost.reason : lost.message;
	const what = request.kind === 'generate' ? 'generating' : 'regenerating';
	return new UncertainSubmissionError(
		`The answer to ${what} the portrait of Pet Portrait session ${request.sessionId} was lost (${reason}) after the request may have reached the server, and ${why}. The portrait may be generating on the server: it was not requested again.`,
		{
			hint: `Read the status of session ${request.sessionId} (GET /api/status/${request.sessionId}) before asking again: once it shows "processing" or "completed", wait for it or fetch its image rather than starting another run.`,
			cause: lost,
		},
	);
}
