// Runtime-neutral: web-standard APIs only (no node:, Deno, process), so n8n, Node and Deno share it.
//
// The one contract between a provider and everything that handles its jobs: the waiter, the
// trigger runner, the n8n item builder and the CLI's job commands all work from a JobAdapter, so a
// new provider writes its adapter and gets them all. Provider words ("task", "run") and tuning
// (how its progress behaves) are data here, never code in the core.
import type { StreamedFile } from './files.ts';
import type { PollingPlan } from './pollingPlan.ts';
import type { JobStatus, PushWake } from './waiter.ts';

/** A result file being downloaded, with the provider's own facts about where it came from (node, batch, output name). */
export interface JobFile extends StreamedFile {
	details: Record<string, string | number>;
}

/** A job's place in a listing, for the trigger's cursor. */
export interface ListedJob {
	id: string;
	/**
	 * Where the job stands in the server's order of creation: a sequence number or an ISO-8601
	 * time. Jobs are listed newest first; `order` never decreases from older to newer.
	 */
	order: number | string;
	phase: JobStatus['phase'];
}

/** One page of a job listing, newest first. */
export interface JobPage<Job> {
	jobs: Array<{ job: Job; listed: ListedJob }>;
	/** Where the next (older) page starts; absent on the last page. */
	next?: string;
}

export interface JobAdapter<Job> {
	/** The product, e.g. "Visionatrix". */
	service: string;
	/** What the product calls a job, e.g. "task" or "run". */
	noun: string;
	id(job: Job): string;
	read(id: string, signal?: AbortSignal): Promise<Job>;
	status(job: Job): JobStatus;
	/** Cancels the job on the server; sent after the caller stopped, so it must not take the caller's signal. */
	cancel?(id: string): Promise<void>;
	/**
	 * Every result file of a finished job, each downloaded when it is reached: read each file's
	 * stream to its end before asking for the next.
	 */
	results(job: Job, signal?: AbortSignal): AsyncIterable<JobFile>;
	/** The job as JSON for an n8n item or a CLI line, without bulky parts (graphs, logs). */
	summary(job: Job): Record<string, unknown>;
	/** The caller's jobs, newest first, a page at a time (for triggers); absent where the API lists none. */
	listJobs?(query: { page?: string; signal?: AbortSignal }): Promise<JobPage<Job>>;
	/** A push channel: calls `wake()` when the job may have changed, `wake(status)` with progress news (see PushWake); returns an unsubscribe function. */
	subscribe?(id: string, wake: PushWake): () => void;
	/** How this backend's jobs behave, for the waiter (e.g. how early before the estimate they may end). */
	polling?: Partial<PollingPlan>;
	/**
	 * What makes jobs alike in run time: the server and the flow or workflow the job runs (e.g.
	 * "http://gpu:8288 sdxl_lighting"). With it the waiter learns how long such jobs take.
	 */
	flowKey?(job: Job): string | undefined;
	/** How long a finished job ran, by the server's own clock. */
	runTimeMs?(job: Job): number | undefined;
	/** Run times of recent finished jobs of the same flow on the server, newest first (asked at most once an hour per flow). */
	recentRunTimes?(job: Job, signal?: AbortSignal): Promise<number[]>;
	/**
	 * How many jobs the server will run before this queued one starts, divided by how many it runs
	 * at once (so that 6 jobs ahead on 2 GPUs count as 3), and whether they run the same flow; 0
	 * once it has started; undefined when the server cannot tell.
	 */
	jobsAhead?(job: Job, signal?: AbortSignal): Promise<QueuePlace | undefined>;
}

/** Where a queued job stands (JobAdapter.jobsAhead). */
export interface QueuePlace {
	/** Jobs the server runs before this one, per job it runs at once; 0 once this one has started. */
	ahead: number;
	/** Every job ahead runs the same flow as this one, so the flow's run times time the queue too. */
	sameFlow?: boolean;
}

/**
 * A queued job's place among the other jobs a server lists: those running (the workers busy) and
 * those waiting that it takes first, per worker busy, and whether they all run the same flow.
 */
export function queuePlaceAmong<Job>(
	others: Job[],
	how: { running(job: Job): boolean; waitingBefore(job: Job): boolean; sameFlow(job: Job): boolean },
): QueuePlace {
	const running = others.filter(how.running);
	const ahead = [...running, ...others.filter((job) => !how.running(job) && how.waitingBefore(job))];
	return { ahead: ahead.length / Math.max(1, running.length), sameFlow: ahead.every(how.sameFlow) };
}

/** "Visionatrix task 42", the way every message names a job. */
export function jobLabel(adapter: Pick<JobAdapter<unknown>, 'service' | 'noun'>, id: string): string {
	return `${adapter.service} ${adapter.noun} ${id}`;
}

/** The files of a job whose results were not asked for. */
export async function* noFiles(): AsyncIterable<JobFile> {}
