// Runtime-neutral: web-standard APIs only (no node:, Deno, process), so n8n, Node and Deno share it.
// A run start whose answer was lost after the request may have reached the server: it is never
// sent again (that could run the workflow twice); the run it made is looked for instead.
import type { GenflowsError } from '../../core/errors.ts';
import { isConnectionError, UncertainSubmissionError } from '../../core/errors.ts';
import type { FormPart } from '../../core/http.ts';
import type { Run } from './schemas.ts';

/** A start request as it was sent, to recognise the run it made. */
export interface Submission {
	workflowId: string;
	groupId?: string;
	form: FormPart[];
	/** Our clock when the request was sent, and when it was given up on. */
	sentAt: number;
	lostAt: number;
}

/** Our clock and the server's may differ a little; a run created this much outside the request's time still counts. */
const CLOCK_SLACK_MS = 30_000;

/**
 * Whether a listed run is the one a lost start made: same workflow and group, created while the
 * request was out, and every field sent stored with it (text values equal, files by name).
 */
export function isLostRun(run: Run, submission: Submission): boolean {
	if (run.workflow_id && run.workflow_id !== submission.workflowId) return false;
	if (submission.groupId !== undefined && run.group_id !== submission.groupId) return false;
	const createdAt = Date.parse(run.created_at ?? '');
	if (!(createdAt >= submission.sentAt - CLOCK_SLACK_MS && createdAt <= submission.lostAt + CLOCK_SLACK_MS)) return false;
	return submission.form.every((part) => {
		const stored = run.inputs.find((input) => input.path === part.name);
		return stored !== undefined && (!('value' in part) || String(stored.value) === part.value);
	});
}

export function lostRunError(submission: Submission, lost: GenflowsError, why: string): UncertainSubmissionError {
	const reason = isConnectionError(lost) ? lost.reason : lost.message;
	const group = submission.groupId === undefined ? '' : ` in group "${submission.groupId}"`;
	return new UncertainSubmissionError(
		`The answer to starting a Flowscale run of workflow "${submission.workflowId}"${group} was lost (${reason}) after the request may have reached the server, and ${why}. The run may exist and run on the server: it was not submitted again.`,
		{
			hint: `Look for the newest run of that workflow (Get Many runs in n8n, or genflows flowscale list${submission.groupId === undefined ? '' : ` --group ${submission.groupId}`}) before starting it again.`,
			cause: lost,
		},
	);
}
