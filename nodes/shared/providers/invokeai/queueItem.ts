// Runtime-neutral: web-standard APIs only (no node:, Deno, process), so n8n, Node and Deno share it.
// A queue item read: its state for the waiter, the names of its nodes, why it failed, and the
// short form users get (without the session, whose graphs and results can be large).
import type { JobStatus } from '../../core/waiter.ts';
import type { QueueItem } from './schemas.ts';

/** The states after which an item never changes again. */
export const TERMINAL_STATUSES: ReadonlySet<string> = new Set(['completed', 'failed', 'canceled']);

/** Added to the waiter's "failed: " for an item someone else cancelled (ours are cancelled only after we stop reading them). */
export const CANCELLED_ON_SERVER = 'it was cancelled on the server (in InvokeAI\'s queue, by someone or something other than this run)';

const MAX_ERROR_LENGTH = 600;

/** Names of a run's nodes by workflow node id, e.g. from the workflow and the server's templates. */
export type NodeLabels = ReadonlyMap<string, string>;

/**
 * How the waiter sees an item: pending → queued; in progress, or waiting for a workflow it called
 * (6.14) → running; completed → succeeded; failed or canceled → failed with the server's words. A
 * status this package does not know is taken as still running (the deadline bounds it).
 */
export function itemStatus(item: QueueItem, labels?: NodeLabels): JobStatus {
	switch (item.status) {
		case 'pending':
			return { phase: 'queued' };
		case 'in_progress':
			return { phase: 'running' };
		case 'waiting':
			return { phase: 'running', stage: 'waiting for a workflow it called' };
		case 'completed':
			return { phase: 'succeeded', progress: 100 };
		case 'failed':
			return { phase: 'failed', error: failureText(item, labels) };
		case 'canceled':
			return { phase: 'failed', error: CANCELLED_ON_SERVER };
		default:
			return { phase: 'running' };
	}
}

/** "OutOfMemoryError: CUDA out of memory … (at node "Denoise - SDXL")". */
export function failureText(item: QueueItem, labels?: NodeLabels): string {
	const type = item.error_type?.trim();
	const message = item.error_message?.trim();
	let text = type && message ? (message.startsWith(type) ? message : `${type}: ${message}`) : (message ?? type ?? '');
	if (!text) text = 'the server gave no reason';
	if (text.length > MAX_ERROR_LENGTH) text = `${text.slice(0, MAX_ERROR_LENGTH)}…`;
	const node = failedNode(item);
	return node === undefined ? text : `${text} (at node "${nodeLabel(item, node, labels)}")`;
}

/** The workflow node whose prepared copy recorded an error, if the session says. */
function failedNode(item: QueueItem): string | undefined {
	const errors = item.session?.errors ?? {};
	const prepared = Object.keys(errors)[0];
	if (prepared === undefined) return undefined;
	return item.session?.prepared_source_mapping?.[prepared] ?? prepared;
}

/**
 * A node's name for messages and file details: from `labels`, else its label in the workflow the
 * item carries, else its type in the session's graph, else its id.
 */
export function nodeLabel(item: QueueItem, nodeId: string, labels?: NodeLabels): string {
	const given = labels?.get(nodeId);
	if (given) return given;
	const fromWorkflow = workflowLabels(item).get(nodeId);
	if (fromWorkflow) return fromWorkflow;
	const type = item.session?.graph?.nodes?.[nodeId]?.type;
	return typeof type === 'string' && type ? type : nodeId;
}

/** Node labels from the workflow embedded in the item (`batch.workflow`), where it has one. */
function workflowLabels(item: QueueItem): Map<string, string> {
	const labels = new Map<string, string>();
	const nodes = isRecord(item.workflow) && Array.isArray(item.workflow.nodes) ? item.workflow.nodes : [];
	for (const node of nodes) {
		if (!isRecord(node) || typeof node.id !== 'string' || !isRecord(node.data)) continue;
		const label = typeof node.data.label === 'string' ? node.data.label.trim() : '';
		if (label) labels.set(node.id, label);
	}
	return labels;
}

/** The item as JSON for items and output lines: without its session and workflow. */
export function itemSummary(item: QueueItem): Record<string, unknown> {
	const summary: Record<string, unknown> = {};
	for (const [key, value] of Object.entries(item)) {
		if (key === 'session' || key === 'workflow' || key === 'error_traceback') continue;
		summary[key] = value;
	}
	const errors = item.session?.errors;
	if (errors && Object.keys(errors).length > 0) summary.node_errors = errors;
	return summary;
}

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}
