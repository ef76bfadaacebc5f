// Runtime-neutral: web-standard APIs only (no node:, Deno, process), so n8n, Node and Deno share it.
// What a Pet Portrait server's refusals mean, said in the user's words: a forgotten session, a
// refused upload, a `success: false` under 200, a run the API cannot cancel, and hints by route.
import { ApiError, describeCancel, InputError, isApiError, isGenflowsError } from '../../core/errors.ts';
import { jobLabel } from '../../core/job.ts';
import { PET_PORTRAIT_JOB_WORDS } from './job.ts';

/** Added to a 404 mid-wait: why the server no longer knows the session. */
export const SESSION_FORGOTTEN = '; the server has forgotten this session: it was restarted, or the session expired (sessions are removed after 24 h of inactivity)';

const UPLOAD_HINT = 'The server takes one image file (image/*) in the form field "image"; its sibling server caps files at 20 MB.';

/** "Invalid or expired session", "Invalid session ID", "Session not found". */
export function isSessionRefusal(message: string): boolean {
	return /session/i.test(message) && /invalid|expired|not found|unknown|no such/i.test(message);
}

export function unknownSessionError(sessionId: string, error: ApiError): InputError {
	const said = error.serverMessage.replace(SESSION_FORGOTTEN, '');
	return new InputError(
		'sessionId',
		`Pet Portrait does not know session ${sessionId} (${error.status}: ${said}): the server has forgotten it (it was restarted, or the session expired after 24 h of inactivity), or the id is wrong.`,
		'Upload the photo again to start a new session.',
	);
}

/** A rejected upload: JSON 400 [doc], or Express's HTML error page with 500 for a file multer refused [sibling]. */
export function uploadError(error: unknown, fileName: string, sessionId: string | undefined): unknown {
	if (!isApiError(error)) return error;
	if (sessionId !== undefined && (error.status === 400 || error.status === 404) && isSessionRefusal(error.serverMessage)) {
		return unknownSessionError(sessionId, error);
	}
	if (error.status === 400 || error.status === 413) {
		return new InputError('image', `Pet Portrait refused the image "${fileName}" (${error.status}: ${error.serverMessage}).`, UPLOAD_HINT);
	}
	if (error.status === 500 && /^(error|internal server error)$|multer|file too large|only image/i.test(error.serverMessage.trim())) {
		return new InputError(
			'image',
			`Pet Portrait refused the image "${fileName}" with its error page (500: ${error.serverMessage}), the way it turns down a file it does not take (not an image, or too large).`,
			UPLOAD_HINT,
		);
	}
	return error;
}

export function refusedWith200(method: string, path: string, message: string | undefined): ApiError {
	return new ApiError({ service: PET_PORTRAIT_JOB_WORDS.service, status: 200, method, path, serverMessage: message || 'the server answered success: false' });
}

/** The core says a run it cannot cancel "may still be running"; here the server certainly finishes it. */
export function withNoCancelNote(error: unknown, sessionId: string): unknown {
	if (!isGenflowsError(error)) return error;
	const label = jobLabel(PET_PORTRAIT_JOB_WORDS, sessionId);
	const coreWords = describeCancel(label, { status: 'not-supported' });
	if (error.message.includes(coreWords)) {
		error.message = error.message.replace(
			coreWords,
			`Pet Portrait cannot cancel a run: the server finishes the portrait of session ${sessionId} anyway, and it can be fetched later by the session id (until the session expires).`,
		);
	}
	return error;
}

export function petPortraitHint(status: number, path: string): string | undefined {
	if (status === 404 && !path.startsWith('/api/status/')) {
		return "If every request gets 404, the address may not be the Pet Portrait server's root (it answers /api/health), e.g. http://localhost:3000.";
	}
	if (status === 500 && (path === '/api/generate' || path === '/api/regenerate' || path === '/api/workflow-info')) {
		return 'A 500 here comes from the server or its ComfyUI: "Workflow data not loaded" means the server started without its workflow; "Failed to queue prompt" that ComfyUI refused the run.';
	}
	return undefined;
}
