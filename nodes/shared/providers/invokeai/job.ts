// Runtime-neutral: web-standard APIs only (no node:, Deno, process), so n8n, Node and Deno share it.
// InvokeAI queue items through the shared job contract: what the waiter, the trigger runner, the
// n8n items and the CLI's job commands need to know of them. A job is one queue item (one session
// of a batch); its id is the item id.
import { InputError } from '../../core/errors.ts';
import type { JobAdapter } from '../../core/job.ts';
import type { PollingPlan } from '../../core/waiter.ts';
import type { InvokeAI, ItemFilter } from './api.ts';
import { flowOfItem, itemsAhead, runTimeOfItem, runTimesOfFlow } from './itemTiming.ts';
import type { OutputSelection } from './outputs.ts';
import type { NodeLabels } from './queueItem.ts';
import { itemStatus, itemSummary } from './queueItem.ts';
import type { QueueItem } from './schemas.ts';

/**
 * A queue item says only its state; progress (per node, from sampler steps) comes over the
 * Socket.IO channel, which also says when the item ends. With the channel, reads are its safety
 * net; without it, the item is polled at most three seconds apart (an image takes seconds to
 * minutes, and a read returns the whole session, so denser polling buys little).
 */
export const INVOKEAI_POLLING: Partial<PollingPlan> = { maxMs: 3_000 };

/** Queue items read to learn how long a workflow runs (once an hour per workflow; each comes with its session). */
const RUN_TIME_HISTORY_ITEMS = 50;

export const INVOKEAI_JOB_WORDS = { service: 'InvokeAI', noun: 'queue item' } as const;

export interface InvokeAIJobOptions {
	/** Which outputs `results` hands on (default the workflow's output nodes). */
	outputs?: OutputSelection;
	/** Node names by workflow node id, for progress stages, failures and file details. */
	labels?: NodeLabels;
	/** Limits what `listJobs` lists. */
	filter?: ItemFilter;
	/** Items per page of `listJobs` (1..1000, default 100). */
	pageSize?: number;
}

/** The adapter for one InvokeAI client. */
export function invokeaiJobs(invokeai: InvokeAI, options: InvokeAIJobOptions = {}): JobAdapter<QueueItem> {
	const { labels } = options;
	return {
		...INVOKEAI_JOB_WORDS,
		polling: INVOKEAI_POLLING,
		id: (item) => String(item.item_id),
		read: (id, signal) => invokeai.getItem(itemIdFrom(id), signal),
		status: (item) => itemStatus(item, labels),
		cancel: (id) => invokeai.cancelItem(itemIdFrom(id), { afterStop: true }).then(() => undefined),
		results: (item, signal) => invokeai.results(item, { outputs: options.outputs, labels, signal }),
		summary: itemSummary,
		flowKey: (item) => {
			const flow = flowOfItem(item);
			return flow === undefined ? undefined : `${invokeai.baseUrl} ${flow}`;
		},
		runTimeMs: runTimeOfItem,
		async recentRunTimes(item, signal) {
			const flow = flowOfItem(item);
			return flow === undefined ? [] : runTimesOfFlow((await invokeai.listItems({ limit: RUN_TIME_HISTORY_ITEMS }, signal)).items, flow);
		},
		jobsAhead: async (item, signal) => itemsAhead(await invokeai.queueStatus(signal), item),
		// Newest first by item id (ids only grow), a page at a time.
		async listJobs({ page, signal }) {
			const before = page === undefined ? undefined : itemIdFrom(page);
			const listed = await invokeai.listItems({ ...options.filter, before, limit: options.pageSize ?? 100 }, signal);
			return {
				jobs: listed.items.map((item) => ({ job: item, listed: { id: String(item.item_id), order: item.item_id, phase: itemStatus(item).phase } })),
				...(listed.next === undefined ? {} : { next: String(listed.next) }),
			};
		},
		subscribe: (id, wake) =>
			invokeai.followItem(itemIdFrom(id), (news) => {
				if (!news) return wake();
				const stage = (news.sourceId && labels?.get(news.sourceId)) || news.nodeType;
				wake({ phase: news.phase, ...(news.progress === undefined ? {} : { progress: news.progress }), ...(stage ? { stage } : {}) });
			}),
	};
}

export function itemIdFrom(id: string | number): number {
	const text = String(id).trim();
	const number = /^\d+$/.test(text) ? Number(text) : NaN;
	if (!Number.isSafeInteger(number) || number < 1) throw new InputError('itemId', `A queue item id is a whole number of 1 or more; got ${JSON.stringify(id)}.`);
	return number;
}
