// Runtime-neutral: web-standard APIs only (no node:, Deno, process), so n8n, Node and Deno share it.
// A session's status word (and what its WebSocket said) as a phase the waiter understands.
import { runTimeBetween } from '../../core/runTimes.ts';
import type { JobStatus } from '../../core/waiter.ts';
import type { PushNews } from './push.ts';
import type { SessionStatus } from './schemas.ts';

/**
 * A session as this package sees it: the server's status, with its id always set, the prompt id
 * of the run this client started (no source puts it in the status), and what the session's
 * WebSocket said of the current run, where one was open.
 */
export type PortraitSession = SessionStatus & {
	sessionId: string;
	promptId?: string;
	push?: PushNews;
};

/** No run yet: an image was uploaded (doc `uploaded`, sibling `image_uploaded`) or the session is new (sibling `initialized`). */
const NOT_STARTED = new Set(['uploaded', 'image_uploaded', 'initialized']);

/** The stage shown while a completed session does not name its picture yet. */
export const AWAITING_IMAGE_STAGE = 'waiting for the result image';

/**
 * `completed` with a `resultImage` is the only success, whichever told it: the status, or a
 * `result` message (the status may lag behind it; the sibling says `completed` when ComfyUI ends
 * and names the picture only once it found it in ComfyUI's history). `failed`, or an `error`
 * message, fails. No run yet is `queued`; `processing`, and any word no source lists, is running.
 */
export function sessionStatus(session: PortraitSession): JobStatus {
	const word = statusWord(session);
	if (word === 'failed') return { phase: 'failed', error: failureText(session) };
	if (word === 'completed' && session.resultImage) return { phase: 'succeeded', progress: 100 };
	const push = session.push;
	if (push?.error !== undefined && !NOT_STARTED.has(word)) return { phase: 'failed', error: failureText(session) };
	if (push?.resultImage && (word === 'processing' || word === 'completed')) return { phase: 'succeeded', progress: 100 };
	if (NOT_STARTED.has(word)) return { phase: 'queued' };
	const progress = progressOf(session);
	const stage = word === 'completed' ? AWAITING_IMAGE_STAGE : stageOf(session);
	return { phase: 'running', ...(progress === undefined ? {} : { progress }), ...(stage ? { stage } : {}) };
}

/** What progress messages said of a run still going: percent and the node it runs, for the waiter to show. */
export function pushProgress(news: PushNews): JobStatus {
	const percent = nodeShare(news.executedNodesCount, news.totalNodes) ?? news.progress;
	const progress = percent === undefined ? undefined : Math.min(100, Math.max(0, percent));
	return { phase: 'running', ...(progress === undefined ? {} : { progress }), ...(news.nodeTitle ? { stage: news.nodeTitle } : {}) };
}

export function isSessionFinished(session: PortraitSession): boolean {
	const { phase } = sessionStatus(session);
	return phase === 'succeeded' || phase === 'failed';
}

/** The finished portrait's path (`/api/images/…`): the status's, else the one a `result` message named. */
export function resultImageOf(session: PortraitSession): string | undefined {
	return session.resultImage || session.push?.resultImage || undefined;
}

export function statusWord(session: Pick<SessionStatus, 'status'>): string {
	return session.status.trim().toLowerCase();
}

/**
 * The share of the workflow's nodes run so far, where the server counts them (status, else the
 * socket); else its own percent. The count only grows, while the sibling server's percent is the
 * running node's id over the highest id, which jumps back and forth (100 % at the first node of a
 * workflow whose input node has the highest id), and would mislead both the user and the waiter.
 */
function progressOf(session: PortraitSession): number | undefined {
	const counted = nodeShare(session.executedNodesCount, session.totalNodes) ?? nodeShare(session.push?.executedNodesCount, session.push?.totalNodes);
	const percent = counted ?? (typeof session.progress === 'number' ? session.progress : session.push?.progress);
	return percent === undefined ? undefined : Math.min(100, Math.max(0, percent));
}

function nodeShare(executed: number | null | undefined, total: number | null | undefined): number | undefined {
	return typeof executed === 'number' && typeof total === 'number' && total > 0 ? (executed / total) * 100 : undefined;
}

/** The node running now, by its title where the server gives one. */
function stageOf(session: PortraitSession): string | undefined {
	const title = session.currentNodeInfo?.title || session.push?.nodeTitle;
	if (title) return title;
	if (session.currentNode !== undefined && session.currentNode !== null && session.currentNode !== '') return `node ${session.currentNode}`;
	return undefined;
}

/** The status messages that report progress, not a failure ([doc] and the sibling's default). */
const PROGRESS_MESSAGE = /^(Processing:|Initializing$|Portrait completed$)/;

/** The server's words for a failure: the socket's `error`, an `error` field, or a message that speaks of one. */
function failureText(session: PortraitSession): string {
	const fromField = (session as Record<string, unknown>).error;
	const said =
		session.push?.error ??
		(typeof fromField === 'string' && fromField.trim() ? fromField.trim() : undefined) ??
		(session.message && !PROGRESS_MESSAGE.test(session.message.trim()) ? session.message.trim() : undefined);
	const where = session.currentNodeInfo?.title ? ` (at node "${session.currentNodeInfo.title}")` : '';
	return said ? `${said}${where}` : `the server reports the generation failed, without a message${where}`;
}

/** How long a finished portrait run took, by the server's clock (`startTime` to `endTime`). */
export function runTimeOfSession(session: PortraitSession): number | undefined {
	return sessionStatus(session).phase === 'succeeded' ? runTimeBetween(session.startTime, session.endTime) : undefined;
}
