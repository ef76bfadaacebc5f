// The Socket.IO events (events_common.py) and who gets them (sockets.py), by version:
// - before 6.12: every queue event to the queue room;
// - 6.12: invocation events once to `user:<owner>` and again to `admin` (progress there without its
//   image); status and batch events once to the queue room;
// - 6.13.x: status and batch events also twice (owner room, then admin room): a socket in both
//   rooms (single-user `system`, an admin owner) gets them twice;
// - 6.14: one emit to [owner, admin] (each socket once), progress to the owner only, and copies
//   with `redacted` ids to the rest of the queue room for status, batch and bulk-cancel events.
// Payloads keep null fields (`model_dump(mode="json")`); `timestamp` is whole seconds.
import type { Socket } from 'socket.io';

import type { SimSocketIoShell } from '../shared/socketIoShell.ts';
import type { QueueItemRecord, SessionQueue } from './queue.ts';
import { QUEUE_ID } from './queue.ts';
import type { PreparedNode } from './session.ts';
import type { SimSocketMessage } from './types.ts';
import type { VersionFeatures } from './version.ts';
import type { Viewer } from './views.ts';
import { batchStatus, queueStatus } from './views.ts';

const timestamp = (): number => Math.floor(Date.now() / 1000);

export function socketUser(socket: Socket): Viewer {
	return (socket.data as { user?: Viewer }).user ?? { userId: 'system', isAdmin: true };
}

export class EventHub {
	constructor(
		private readonly shell: SimSocketIoShell,
		private readonly queue: SessionQueue,
		private readonly features: () => VersionFeatures,
		readonly messages: SimSocketMessage[],
	) {}

	/** One emit to a room or list of rooms: each socket in any of them once, minus `skip`. */
	private emit(rooms: string[], event: string, data: Record<string, unknown>, skip?: (user: Viewer) => boolean): void {
		for (const socket of this.shell.sockets()) {
			const user = socketUser(socket);
			if (!rooms.some((room) => socket.rooms.has(room)) || skip?.(user)) continue;
			if (this.shell.send(socket, event, data)) this.messages.push({ event, data, socketId: socket.id, userId: user.userId, at: Date.now() });
		}
	}

	private itemBase(item: QueueItemRecord): Record<string, unknown> {
		return {
			timestamp: timestamp(),
			queue_id: QUEUE_ID,
			item_id: item.itemId,
			batch_id: item.batchId,
			origin: item.origin,
			destination: item.destination,
			...(this.features().users ? { user_id: item.userId } : {}),
		};
	}

	/** invocation_started / _progress / _complete / _error. */
	invocation(event: string, item: QueueItemRecord, prepared: PreparedNode, extra: Record<string, unknown> = {}): void {
		const features = this.features();
		const data = { ...this.itemBase(item), session_id: item.sessionId, invocation: prepared.node, invocation_source_id: prepared.sourceId, ...extra };
		if (!features.users) return this.emit([QUEUE_ID], event, data);
		const owner = `user:${item.userId}`;
		const progress = event === 'invocation_progress';
		if (features.v614) return this.emit(progress ? [owner] : [owner, 'admin'], event, data);
		this.emit([owner], event, data);
		this.emit(['admin'], event, progress ? { ...data, image: null } : data);
	}

	statusChanged(item: QueueItemRecord): void {
		const features = this.features();
		const data = {
			...this.itemBase(item),
			status: item.status,
			...(features.v613 ? { status_sequence: item.statusSequence } : {}),
			error_type: item.errorType,
			error_message: item.errorMessage,
			error_traceback: item.errorTraceback,
			created_at: item.createdAt,
			updated_at: item.updatedAt,
			started_at: item.startedAt,
			completed_at: item.completedAt,
			batch_status: batchStatus(this.queue, item.batchId, features),
			queue_status: queueStatus(this.queue, features, { ownerUserId: item.userId }),
			session_id: item.sessionId,
		};
		const redacted = {
			...data,
			user_id: 'redacted',
			batch_id: 'redacted',
			session_id: 'redacted',
			origin: null,
			destination: null,
			error_type: null,
			error_message: null,
			error_traceback: null,
			batch_status: { ...data.batch_status, batch_id: 'redacted', origin: null, destination: null },
			queue_status: { ...data.queue_status, item_id: null, session_id: null, batch_id: null, ...(features.userCounts ? { user_pending: null, user_in_progress: null } : {}) },
		};
		this.private('queue_item_status_changed', item.userId, data, redacted);
	}

	batchEnqueued(item: { batchId: string; origin: string | null; userId: string }, counts: { enqueued: number; requested: number; priority: number }): void {
		const data = {
			timestamp: timestamp(),
			queue_id: QUEUE_ID,
			batch_id: item.batchId,
			enqueued: counts.enqueued,
			requested: counts.requested,
			priority: counts.priority,
			origin: item.origin,
			...(this.features().users ? { user_id: item.userId } : {}),
		};
		this.private('batch_enqueued', item.userId, data, { ...data, user_id: 'redacted', batch_id: 'redacted', origin: null });
	}

	/** 6.14's `queue_items_canceled` / `queue_items_retried` for a bulk change (earlier versions send nothing). */
	bulk(event: 'queue_items_canceled' | 'queue_items_retried', itemIdsByUser: Map<string, number[]>): void {
		if (!this.features().v614 || !itemIdsByUser.size) return;
		const [idsField, byUserField] = event === 'queue_items_canceled' ? ['canceled_item_ids', 'canceled_item_ids_by_user'] : ['retried_item_ids', 'retried_item_ids_by_user'];
		const payload = (byUser: [string, number[]][]): Record<string, unknown> => ({
			timestamp: timestamp(),
			queue_id: QUEUE_ID,
			[idsField]: byUser.flatMap(([, ids]) => ids),
			user_ids: byUser.map(([userId]) => userId),
			[byUserField]: Object.fromEntries(byUser),
		});
		const owners = [...itemIdsByUser.keys()];
		for (const [userId, ids] of itemIdsByUser) this.emit([`user:${userId}`], event, payload([[userId, ids]]), (user) => user.isAdmin);
		this.emit(['admin'], event, payload([...itemIdsByUser]));
		this.emit([QUEUE_ID], event, payload([]), (user) => user.isAdmin || owners.includes(user.userId));
	}

	/** A queue item event for its owner and the admins, by version (see the header). */
	private private(event: string, ownerId: string, data: Record<string, unknown>, redacted: Record<string, unknown>): void {
		const features = this.features();
		const owner = `user:${ownerId}`;
		if (!features.users || !features.v613) return this.emit([QUEUE_ID], event, data);
		if (!features.v614) {
			this.emit([owner], event, data);
			this.emit(['admin'], event, data);
			return;
		}
		this.emit([owner, 'admin'], event, data);
		this.emit([QUEUE_ID], event, redacted, (user) => user.isAdmin || user.userId === ownerId);
	}
}
