// Runtime-neutral: web-standard APIs only (no node:, Deno, process), so n8n, Node and Deno share it.
import type { QueuePlace } from '../../core/job.ts';
import { queuePlaceAmong } from '../../core/job.ts';
import { runTimeBetween } from '../../core/runTimes.ts';
import type { JobStatus } from '../../core/waiter.ts';
import type { Run } from './schemas.ts';

/**
 * The SDKs treat these as a failed end. `timeout` is what a run the server timed out shows (its
 * outputs then answer 408); no source names it, so it is read as a failure too.
 */
const FAILED_STATUSES: Record<string, string> = {
	failed: 'it failed',
	error: 'it failed',
	cancelled: 'it was cancelled',
	timeout: 'it timed out on the server',
};

/** Fields a failed run may carry its reason in; no source names one, the simulator sends `error`. */
const ERROR_FIELDS = ['error', 'error_message', 'errors', 'message'];

/** Words of a run that waits for a container (the simulator's `queued`; the others for servers that say them). */
const WAITING_STATUSES = new Set(['queued', 'pending', 'waiting']);

/**
 * Flowscale reports a status word and no progress. `completed` is the only success; the failure
 * words end the run; a waiting word is queued; every other word (running, and whatever else a
 * server says) is still running.
 */
export function runStatus(run: Pick<Run, 'status'> & Record<string, unknown>): JobStatus {
	const word = run.status.trim().toLowerCase();
	if (word === 'completed') return { phase: 'succeeded' };
	const failure = FAILED_STATUSES[word];
	if (failure === undefined) return { phase: WAITING_STATUSES.has(word) ? 'queued' : 'running' };
	const said = errorTextOf(run);
	return { phase: 'failed', error: `${failure} (status "${run.status}")${said ? `: ${said}` : ''}` };
}

export function isRunFinished(run: Pick<Run, 'status'> & Record<string, unknown>): boolean {
	const { phase } = runStatus(run);
	return phase === 'succeeded' || phase === 'failed';
}

function errorTextOf(run: Record<string, unknown>): string {
	for (const field of ERROR_FIELDS) {
		const value = run[field];
		if (typeof value === 'string' && value.trim()) return value.trim();
		if (Array.isArray(value) && value.length > 0) return value.map(String).join('; ');
	}
	return '';
}

/** How long a completed run ran, by the server's clock (`started_at` to `completed_at`). */
export function runTimeOfRun(run: Run): number | undefined {
	return runStatus(run).phase === 'succeeded' ? runTimeBetween(run.started_at, run.completed_at) : undefined;
}

/**
 * Runs a container takes before `ours`: those running (the containers busy) and those waiting that
 * were created before it, per container busy, and whether they all run our workflow; 0 once ours
 * runs; undefined when `runs` (the newest page of the list) does not hold it.
 */
export function runsAhead(runs: Run[], ours: Pick<Run, 'run_id'>): QueuePlace | undefined {
	const mine = runs.find((run) => run.run_id === ours.run_id);
	if (!mine) return undefined;
	if (runStatus(mine).phase !== 'queued') return { ahead: 0 };
	return queuePlaceAmong(
		runs.filter((run) => run.run_id !== mine.run_id),
		{
			running: (run) => runStatus(run).phase === 'running',
			waitingBefore: (run) => runStatus(run).phase === 'queued' && Date.parse(run.created_at ?? '') < Date.parse(mine.created_at ?? ''),
			sameFlow: (run) => run.workflow_id === mine.workflow_id,
		},
	);
}
