// Runtime-neutral: web-standard APIs only (no node:, Deno, process), so n8n, Node and Deno share it.
//
// What InvokeAI's queue says of timing, for the waiter: how long items of a workflow ran (their
// `started_at`/`completed_at`) and how many items run before a pending one (InvokeAI runs one
// item at a time, in order of item id within a priority).
import type { QueuePlace } from '../../core/job.ts';
import { runTimeBetween } from '../../core/runTimes.ts';
import type { QueueItem, QueueStatus } from './schemas.ts';

/**
 * What makes items alike in run time: the workflow's name and the node types of its graph (an
 * item queued without a workflow, from the API, is known by its graph alone).
 */
export function flowOfItem(item: QueueItem): string | undefined {
	const name = typeof (item.workflow as { name?: unknown } | undefined)?.name === 'string' ? (item.workflow as { name: string }).name : '';
	const nodes = item.session?.graph?.nodes;
	const types = nodes ? [...new Set(Object.values(nodes).map((node) => String(node.type)))].sort().join(',') : '';
	return name || types ? `${name}#${types}` : undefined;
}

/** How long a completed item ran, by the server's clock. */
export function runTimeOfItem(item: QueueItem): number | undefined {
	return item.status === 'completed' ? runTimeBetween(item.started_at, item.completed_at, serverTime) : undefined;
}

/** Run times of the completed items of a workflow, newest first. */
export function runTimesOfFlow(items: QueueItem[], flow: string): number[] {
	return items
		.filter((item) => flowOfItem(item) === flow)
		.sort((a, b) => b.item_id - a.item_id)
		.map(runTimeOfItem)
		.filter((ms): ms is number => ms !== undefined);
}

/**
 * Items the server runs before this pending one: those between the one in progress and ours (ids
 * only grow), at most the pending ones (some in between may be gone); 0 once ours has started.
 */
export function itemsAhead(status: QueueStatus, item: QueueItem): QueuePlace {
	const current = status.queue.item_id;
	if (item.status !== 'pending' || current === null || current === undefined || current >= item.item_id) return { ahead: 0 };
	const waiting = (status.queue.pending ?? 0) + (status.queue.in_progress ?? 0);
	// The queue's counts do not say which workflows the items ahead run.
	return { ahead: Math.max(0, Math.min(item.item_id - current, waiting)) };
}

/** "2025-01-01 12:00:00.000" (naive, UTC) or ISO-8601 with an offset. */
function serverTime(text: string): number {
	const iso = text.includes('T') ? text : text.replace(' ', 'T');
	return Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(iso) ? iso : `${iso}Z`);
}
