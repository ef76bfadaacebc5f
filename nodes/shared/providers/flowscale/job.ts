// Runtime-neutral: web-standard APIs only (no node:, Deno, process), so n8n, Node and Deno share it.
// Flowscale runs through the shared job contract: what the waiter, the trigger runner, the n8n
// items and the CLI's job commands need to know of them.
import type { JobAdapter } from '../../core/job.ts';
import type { PollingPlan } from '../../core/waiter.ts';
import type { Flowscale } from './api.ts';
import { runsAhead, runStatus, runTimeOfRun } from './runState.ts';
import type { Run } from './schemas.ts';

/**
 * Flowscale reports a status word and no progress, so the waiter never learns a rate and only
 * backs off. The cap is the SDK's own interval: with a 5 s cap a run's end was seen 2-4 s late,
 * twice as late as the SDK sees it (BENCHMARKS.md); 2 s keeps ours as quick, with the same number
 * of reads on long runs and fewer on short ones.
 */
export const FLOWSCALE_POLLING: Partial<PollingPlan> = { maxMs: 2_000 };

export const FLOWSCALE_JOB_WORDS = { service: 'Flowscale', noun: 'run' } as const;

export interface RunFilter {
	/** Only the runs of this group. */
	groupId?: string;
	/** Runs per page of `listJobs` (1..100, default 100). */
	pageSize?: number;
}

/** The adapter for one Flowscale client; `filter` limits what `listJobs` lists. */
export function flowscaleJobs(flowscale: Flowscale, filter: RunFilter = {}): JobAdapter<Run> {
	return {
		...FLOWSCALE_JOB_WORDS,
		polling: FLOWSCALE_POLLING,
		id: (run) => run.run_id,
		read: (id, signal) => flowscale.getRun(id, signal),
		status: runStatus,
		cancel: (id) => flowscale.cancelRun(id, { afterStop: true }),
		results: (run, signal) => flowscale.results(run, signal),
		// A run is small (its inputs, output names and links): the JSON users get is the run as the server sent it.
		summary: (run) => ({ ...run }),
		flowKey: (run) => (run.workflow_id ? `${flowscale.http.baseUrl} ${run.workflow_id}` : undefined),
		runTimeMs: runTimeOfRun,
		async recentRunTimes(run, signal) {
			const list = await flowscale.listRuns({ groupId: filter.groupId, sortBy: 'completed_at', sortOrder: 'desc', pageSize: 50 }, signal);
			return list.runs.filter((other) => other.workflow_id === run.workflow_id).map(runTimeOfRun).filter((ms): ms is number => ms !== undefined);
		},
		// The deployment's containers serve every group: the whole list, newest first.
		jobsAhead: async (run, signal) => runsAhead((await flowscale.listRuns({ sortBy: 'created_at', sortOrder: 'desc', pageSize: 100 }, signal)).runs, run),
		// Newest first by creation, a page at a time, so that a burst of runs between two polls is read to its end.
		async listJobs({ page, signal }) {
			const number = page === undefined ? 1 : Number(page);
			const list = await flowscale.listRuns({ groupId: filter.groupId, sortBy: 'created_at', sortOrder: 'desc', page: number, pageSize: filter.pageSize ?? 100 }, signal);
			return {
				jobs: list.runs.map((run) => ({ job: run, listed: { id: run.run_id, order: run.created_at ?? '', phase: runStatus(run).phase } })),
				next: number < list.totalPages && list.runs.length > 0 ? String(number + 1) : undefined,
			};
		},
	};
}
