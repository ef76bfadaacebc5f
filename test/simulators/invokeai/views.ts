// The JSON the queue routes and events send: SessionQueueItem (fields by version, sanitized for a
// non-admin looking at someone else's item), BatchStatus, SessionQueueStatus, counts by destination,
// and FastAPI's `response_model_exclude_none` (nulls left out, at every depth).
import type { QueueItemRecord, SessionQueue, StatusCounts } from './queue.ts';
import { QUEUE_ID } from './queue.ts';
import type { VersionFeatures } from './version.ts';

export interface Viewer {
	userId: string;
	isAdmin: boolean;
}

export interface UserLookup {
	displayName(userId: string): string | null;
	email(userId: string): string | null;
}

/** pydantic's `exclude_none`, all the way down. */
export function stripNulls(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(stripNulls);
	if (typeof value === 'object' && value !== null) {
		const result: Record<string, unknown> = {};
		for (const [key, item] of Object.entries(value)) if (item !== null && item !== undefined) result[key] = stripNulls(item);
		return result;
	}
	return value;
}

function countFields(counts: StatusCounts, features: VersionFeatures): Record<string, number> {
	return {
		pending: counts.pending,
		in_progress: counts.in_progress,
		...(features.v614 ? { waiting: counts.waiting } : {}),
		completed: counts.completed,
		failed: counts.failed,
		canceled: counts.canceled,
		total: counts.total,
	};
}

/** A SessionQueueItem as an admin (or the owner) sees it, null fields kept. */
export function renderItem(item: QueueItemRecord, features: VersionFeatures, users: UserLookup, viewer?: Viewer): Record<string, unknown> {
	if (viewer && !viewer.isAdmin && viewer.userId !== item.userId) return sanitized(item, features);
	return {
		item_id: item.itemId,
		status: item.status,
		...(features.v613 ? { status_sequence: item.statusSequence } : {}),
		priority: item.priority,
		batch_id: item.batchId,
		origin: item.origin,
		destination: item.destination,
		session_id: item.sessionId,
		error_type: item.errorType,
		error_message: item.errorMessage,
		error_traceback: item.errorTraceback,
		created_at: item.createdAt,
		updated_at: item.updatedAt,
		started_at: item.startedAt,
		completed_at: item.completedAt,
		queue_id: QUEUE_ID,
		...(features.users ? { user_id: item.userId, user_display_name: users.displayName(item.userId), user_email: users.email(item.userId) } : {}),
		field_values: item.fieldValues,
		...(features.retry ? { retried_from_item_id: item.retriedFromItemId } : {}),
		...(features.v614
			? { device: null, workflow_call_id: null, parent_item_id: null, parent_session_id: null, root_item_id: null, workflow_call_depth: 0 }
			: {}),
		session: item.session,
		workflow: item.workflow,
	};
}

/** `sanitize_queue_item_for_user`: only ids, status, timestamps. */
function sanitized(item: QueueItemRecord, features: VersionFeatures): Record<string, unknown> {
	return {
		item_id: item.itemId,
		status: item.status,
		...(features.v613 ? { status_sequence: item.statusSequence } : {}),
		priority: 0,
		batch_id: 'redacted',
		origin: null,
		destination: null,
		session_id: 'redacted',
		error_type: null,
		error_message: null,
		error_traceback: null,
		created_at: item.createdAt,
		updated_at: item.updatedAt,
		started_at: item.startedAt,
		completed_at: item.completedAt,
		queue_id: QUEUE_ID,
		user_id: 'redacted',
		user_display_name: null,
		user_email: null,
		field_values: null,
		retried_from_item_id: null,
		session: { id: 'redacted', graph: { id: 'redacted', nodes: {}, edges: [] }, execution_graph: { id: 'redacted', nodes: {}, edges: [] }, executed: [], executed_history: [], results: {}, errors: {}, prepared_source_mapping: {}, source_prepared_mapping: {} },
		workflow: null,
	};
}

export function batchStatus(queue: SessionQueue, batchId: string, features: VersionFeatures, userId?: string): Record<string, unknown> {
	const items = queue.all().filter((item) => item.batchId === batchId && (userId === undefined || item.userId === userId));
	const first = items[0];
	return {
		queue_id: QUEUE_ID,
		batch_id: batchId,
		origin: first?.origin ?? null,
		destination: first?.destination ?? null,
		...countFields(queue.counts((item) => items.includes(item)), features),
	};
}

/**
 * SessionQueueStatus. `countsUserId` adds that user's pending/in-progress counts (6.13.5+, the
 * HTTP route for a non-admin); `ownerUserId` hides the current item unless that user owns it.
 */
export function queueStatus(queue: SessionQueue, features: VersionFeatures, options: { ownerUserId?: string; countsUserId?: string } = {}): Record<string, unknown> {
	const current = queue.current();
	const show = current && (options.ownerUserId === undefined || current.userId === options.ownerUserId);
	const mine = options.countsUserId === undefined ? undefined : queue.counts((item) => item.userId === options.countsUserId);
	return {
		queue_id: QUEUE_ID,
		item_id: show ? current.itemId : null,
		batch_id: show ? current.batchId : null,
		session_id: show ? current.sessionId : null,
		...countFields(queue.counts(), features),
		...(features.userCounts ? { user_pending: mine?.pending ?? null, user_in_progress: mine?.in_progress ?? null } : {}),
	};
}

export function countsByDestination(queue: SessionQueue, destination: string, features: VersionFeatures, userId?: string): Record<string, unknown> {
	return {
		queue_id: QUEUE_ID,
		destination,
		...countFields(queue.counts((item) => item.destination === destination && (userId === undefined || item.userId === userId)), features),
	};
}
