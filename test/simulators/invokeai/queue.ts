// The session queue (session_queue_sqlite.py): items with their statuses and timestamps, the order
// the processor takes them in (priority, then item id), the counts of the status routes and
// events, and status changes that leave a finished item alone. Every change is announced to the
// listeners (events, waiters).
import type { QueueItemStatus } from './types.ts';

export const QUEUE_ID = 'default';
export const TERMINAL: ReadonlySet<QueueItemStatus> = new Set(['completed', 'failed', 'canceled']);
const STATUSES: QueueItemStatus[] = ['pending', 'in_progress', 'waiting', 'completed', 'failed', 'canceled'];

export interface NodeFieldValue {
	node_path: string;
	field_name: string;
	value: unknown;
}

/** A GraphExecutionState as stored (plain JSON). */
export type SessionJson = Record<string, unknown> & { id: string };

export interface QueueItemRecord {
	itemId: number;
	status: QueueItemStatus;
	statusSequence: number;
	priority: number;
	batchId: string;
	origin: string | null;
	destination: string | null;
	sessionId: string;
	errorType: string | null;
	errorMessage: string | null;
	errorTraceback: string | null;
	createdAt: string;
	updatedAt: string;
	startedAt: string | null;
	completedAt: string | null;
	fieldValues: NodeFieldValue[] | null;
	retriedFromItemId: number | null;
	userId: string;
	/** As the database holds it: the session at enqueue until the run ends, then the run's. */
	session: SessionJson;
	workflow: Record<string, unknown> | null;
	/** Created by enqueue_batch (not by a retry). */
	fromEnqueue: boolean;
}

export type StatusCounts = Record<QueueItemStatus, number> & { total: number };

export interface StatusChange {
	item: QueueItemRecord;
	previous: QueueItemStatus;
}

/** SQLite's `STRFTIME('%Y-%m-%d %H:%M:%f', 'NOW')`: `2025-01-01 12:00:00.123` (UTC). */
export function sqliteNow(): string {
	return new Date().toISOString().replace('T', ' ').slice(0, 23);
}

export class SessionQueue {
	readonly items = new Map<number, QueueItemRecord>();
	private nextId = 1;
	private readonly listeners: ((change: StatusChange) => void)[] = [];
	private readonly changeListeners: ((item: QueueItemRecord) => void)[] = [];

	/** Called after every status change (not for items already finished). */
	onStatus(listener: (change: StatusChange) => void): void {
		this.listeners.push(listener);
	}

	/** Called after any change to an item (status, session). */
	onChange(listener: (item: QueueItemRecord) => void): void {
		this.changeListeners.push(listener);
	}

	insert(fields: Omit<QueueItemRecord, 'itemId' | 'status' | 'statusSequence' | 'createdAt' | 'updatedAt' | 'startedAt' | 'completedAt' | 'errorType' | 'errorMessage' | 'errorTraceback'>): QueueItemRecord {
		const now = sqliteNow();
		const item: QueueItemRecord = {
			...fields,
			itemId: this.nextId++,
			status: 'pending',
			statusSequence: 0,
			createdAt: now,
			updatedAt: now,
			startedAt: null,
			completedAt: null,
			errorType: null,
			errorMessage: null,
			errorTraceback: null,
		};
		this.items.set(item.itemId, item);
		this.changed(item);
		return item;
	}

	get(itemId: number): QueueItemRecord | undefined {
		return this.items.get(itemId);
	}

	all(): QueueItemRecord[] {
		return [...this.items.values()];
	}

	current(): QueueItemRecord | undefined {
		return this.all().find((item) => item.status === 'in_progress');
	}

	/** The item the processor takes next: highest priority, then oldest. */
	next(): QueueItemRecord | undefined {
		return this.all()
			.filter((item) => item.status === 'pending')
			.sort((a, b) => b.priority - a.priority || a.itemId - b.itemId)[0];
	}

	pendingCount(): number {
		return this.all().filter((item) => item.status === 'pending').length;
	}

	highestPriority(): number {
		return Math.max(0, ...this.all().map((item) => item.priority));
	}

	/** `_set_queue_item_status`: no change (and no event) once an item finished. Returns whether it changed. */
	setStatus(item: QueueItemRecord, status: QueueItemStatus, error?: { type: string; message: string; traceback: string }): boolean {
		if (TERMINAL.has(item.status)) return false;
		const previous = item.status;
		const now = sqliteNow();
		item.status = status;
		item.statusSequence += 1;
		item.updatedAt = now;
		if (status === 'in_progress') item.startedAt = now;
		if (TERMINAL.has(status)) item.completedAt = now;
		item.errorType = error?.type ?? null;
		item.errorMessage = error?.message ?? null;
		item.errorTraceback = error?.traceback ?? null;
		for (const listener of this.listeners) listener({ item, previous });
		this.changed(item);
		return true;
	}

	/** A bulk cancel (`cancel_by_batch_ids` for pending items): one UPDATE, no per-item events. */
	cancelQuietly(items: QueueItemRecord[]): void {
		const now = sqliteNow();
		for (const item of items) {
			item.status = 'canceled';
			item.statusSequence += 1;
			item.updatedAt = now;
			item.completedAt = now;
			this.changed(item);
		}
	}

	setSession(item: QueueItemRecord, session: SessionJson): void {
		item.session = session;
		item.updatedAt = sqliteNow();
		this.changed(item);
	}

	counts(filter: (item: QueueItemRecord) => boolean = () => true): StatusCounts {
		const counts = Object.fromEntries(STATUSES.map((status) => [status, 0])) as StatusCounts;
		counts.total = 0;
		for (const item of this.all()) {
			if (!filter(item)) continue;
			counts[item.status] += 1;
			counts.total += 1;
		}
		return counts;
	}

	private changed(item: QueueItemRecord): void {
		for (const listener of this.changeListeners) listener(item);
	}
}
