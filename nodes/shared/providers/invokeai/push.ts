// Runtime-neutral: web-standard APIs only (no node:, Deno, process), so n8n, Node and Deno share it.
//
// InvokeAI's push channel: Socket.IO at `<base path>/ws/socket.io` (the reference's §4), one socket
// per client shared by every item it waits for, joined to the queue's rooms with `subscribe_queue`
// after each connect (a multi-user server also wants the token in the handshake's `auth`). It is a
// hint, never the truth: a `queue_item_status_changed` to a final state (or an `invocation_error`,
// or 6.14's bulk `queue_items_canceled`) wakes the waiter, which then reads the item once;
// `invocation_progress` is passed on as news, without a request. 6.12-6.13 send single-user and
// admin sockets each event twice, so events are told apart by their content and each is heard
// once; 6.14 sends other users' sockets copies with `redacted` ids, which are ignored. A host
// without a Socket.IO client, a socket that cannot connect or one that drops fails nothing: the
// items are polled meanwhile, and a socket that comes back makes every waiter read at once.
import type { Env, EventSocket } from '../../core/env.ts';
import { redactUrl, redactUrlsIn } from '../../core/redact.ts';
import { TERMINAL_STATUSES } from './queueItem.ts';

export const SOCKET_PATH = '/ws/socket.io';
/** The queue the web UI (and so this package) uses. */
export const QUEUE_ID = 'default';

/** Progress comes per sampler step: passed on at most once per this many ms per item. */
export const PROGRESS_WAKE_GAP_MS = 250;

/** How long a run waits for its socket to join the queue before enqueueing without it. */
export const SOCKET_CONNECT_WAIT_MS = 3_000;

/** Recent events remembered to tell duplicates apart, and finished items remembered for late watchers. */
const REMEMBERED = 500;

/** Where the socket connects: the server's origin, and the Socket.IO path under the address's own path. */
export function socketAddress(baseUrl: string): { origin: string; path: string } {
	const url = new URL(baseUrl);
	return { origin: `${url.protocol}//${url.host}`, path: `${url.pathname.replace(/\/+$/, '')}${SOCKET_PATH}` };
}

/** What one event says about one queue item (or several, or the whole queue). */
export type QueueEvent =
	/** The item reached a final state: read it. */
	| { kind: 'ended'; itemIds: number[]; status: string }
	/** The item changed state but goes on (pending, in_progress, waiting). */
	| { kind: 'status'; itemIds: number[]; status: string }
	/** A node failed: the item is failing; read it. */
	| { kind: 'node-error'; itemIds: number[] }
	/** A node started, or reports how far it got. */
	| { kind: 'progress'; itemIds: number[]; sourceId?: string; nodeType?: string; percentage?: number; message?: string }
	/** The queue was cleared: every item may have ended. */
	| { kind: 'cleared' };

export interface ReadEvent {
	event: QueueEvent;
	/** Equal for the copies of one event (6.12-6.13 send some twice). */
	key: string;
}

/**
 * Reads one Socket.IO event. Undefined for what carries nothing for a waiter: other event names,
 * payloads of a shape InvokeAI never sends, and 6.14's `redacted` copies of other users' events.
 */
export function readQueueEvent(name: string, payload: unknown): ReadEvent | undefined {
	if (!isRecord(payload)) return undefined;
	if (payload.queue_id !== undefined && payload.queue_id !== QUEUE_ID) return undefined;
	if (payload.user_id === 'redacted' || payload.batch_id === 'redacted' || payload.session_id === 'redacted') return undefined;
	const itemId = typeof payload.item_id === 'number' ? payload.item_id : undefined;
	const key = (...parts: unknown[]) => JSON.stringify([name, ...parts]);
	const invocation = isRecord(payload.invocation) ? payload.invocation : {};
	switch (name) {
		case 'queue_item_status_changed': {
			if (itemId === undefined || typeof payload.status !== 'string') return undefined;
			const kind = TERMINAL_STATUSES.has(payload.status) ? 'ended' : 'status';
			return { event: { kind, itemIds: [itemId], status: payload.status }, key: key(itemId, payload.status, payload.status_sequence, payload.updated_at) };
		}
		case 'invocation_started':
		case 'invocation_progress': {
			if (itemId === undefined) return undefined;
			const percentage = typeof payload.percentage === 'number' && Number.isFinite(payload.percentage) ? payload.percentage : undefined;
			const message = typeof payload.message === 'string' && payload.message.trim() ? payload.message.trim() : undefined;
			const event: QueueEvent = {
				kind: 'progress',
				itemIds: [itemId],
				...(typeof payload.invocation_source_id === 'string' ? { sourceId: payload.invocation_source_id } : {}),
				...(typeof invocation.type === 'string' ? { nodeType: invocation.type } : {}),
				...(percentage === undefined ? {} : { percentage }),
				...(message === undefined ? {} : { message }),
			};
			return { event, key: key(itemId, invocation.id, percentage, message, payload.timestamp) };
		}
		case 'invocation_error':
			if (itemId === undefined) return undefined;
			return { event: { kind: 'node-error', itemIds: [itemId] }, key: key(itemId, invocation.id) };
		case 'queue_items_canceled': {
			const ids = Array.isArray(payload.canceled_item_ids) ? payload.canceled_item_ids.filter((id): id is number => typeof id === 'number') : [];
			if (ids.length === 0) return undefined;
			return { event: { kind: 'ended', itemIds: ids, status: 'canceled' }, key: key(ids, payload.timestamp) };
		}
		case 'queue_cleared':
			return { event: { kind: 'cleared' }, key: key(payload.timestamp) };
		default:
			return undefined;
	}
}

/** What a watcher of an item hears: nothing (read the item now), or news of it going on. */
export interface ItemNews {
	phase: 'queued' | 'running';
	/** Percent, 0..100, of the node running now. */
	progress?: number;
	/** The workflow node the news is about, and its type. */
	sourceId?: string;
	nodeType?: string;
	message?: string;
}

export type ItemListener = (news?: ItemNews) => void;

/** The events the channel listens to. */
const QUEUE_EVENTS = ['queue_item_status_changed', 'invocation_started', 'invocation_progress', 'invocation_error', 'queue_items_canceled', 'queue_cleared'];

type State = 'closed' | 'connecting' | 'open' | 'down';

/** A use of the channel; the socket closes when its last use is released. */
export interface ChannelLease {
	release(): void;
}

/** A client's Socket.IO channel: one socket for every item any of its users waits for. */
export class QueueEventChannel {
	private state: State = 'closed';
	private socket?: EventSocket;
	private uses = 0;
	/** Bumped on every open, so that a late answer of an earlier socket is not taken for this one's. */
	private generation = 0;
	private readonly watchers = new Map<number, Set<ItemListener>>();
	private readonly recentKeys = new Set<string>();
	private readonly endedItems = new Set<number>();
	private readonly lastProgressAt = new Map<number, number>();
	private joined?: { promise: Promise<void>; resolve(): void };

	constructor(
		private readonly baseUrl: string,
		private readonly env: Env,
		private readonly service: string,
		/** The token for the handshake, where the server wants one (fetched when the socket opens). */
		private readonly token: () => Promise<string | undefined>,
	) {}

	/** True while the socket is connected and joined to the queue: events arrive. */
	get healthy(): boolean {
		return this.state === 'open';
	}

	/** Opens the socket unless it is open; release the lease when done with it. */
	acquire(): ChannelLease {
		this.uses++;
		if (this.state === 'closed') this.open();
		let released = false;
		return {
			release: () => {
				if (released) return;
				released = true;
				if (--this.uses === 0) this.close();
			},
		};
	}

	/**
	 * Calls `listener` with what the socket says of `itemId`: without news when the item may have
	 * ended (at once when that was already heard), with news while it goes on. Returns the function that stops it.
	 */
	watch(itemId: number, listener: ItemListener): () => void {
		let set = this.watchers.get(itemId);
		if (!set) this.watchers.set(itemId, (set = new Set()));
		set.add(listener);
		if (this.endedItems.has(itemId)) listener();
		return () => {
			set.delete(listener);
			if (set.size === 0 && this.watchers.get(itemId) === set) this.watchers.delete(itemId);
		};
	}

	/** Waits until the socket has joined the queue (or cannot), at most `ms`: events before that are not heard. */
	async untilJoined(ms: number, signal?: AbortSignal): Promise<void> {
		const joined = this.joined;
		if (!joined || this.state === 'open' || this.state === 'down' || this.state === 'closed') return;
		const stop = new AbortController();
		const nap = this.env.sleep(ms, AbortSignal.any(signal ? [signal, stop.signal] : [stop.signal])).catch(() => undefined);
		await Promise.race([joined.promise, nap]);
		stop.abort();
	}

	private open(): void {
		const generation = ++this.generation;
		this.state = 'connecting';
		let resolve!: () => void;
		this.joined = { promise: new Promise<void>((done) => (resolve = done)), resolve: () => resolve() };
		void this.connect(generation);
	}

	private async connect(generation: number): Promise<void> {
		const { env } = this;
		let address: { origin: string; path: string };
		try {
			address = socketAddress(this.baseUrl);
		} catch {
			// Not a URL: the HTTP requests say so.
			return this.down(generation);
		}
		if (!env.openEventSocket) {
			env.logger?.debug(`${this.service}: this host has no Socket.IO client; queue items are followed by polling alone`);
			return this.down(generation);
		}
		let token: string | undefined;
		try {
			token = await this.token();
		} catch (error) {
			// The HTTP requests report a login that fails; the items are polled.
			env.logger?.debug(`${this.service}: no token for the Socket.IO channel (${describe(error)}); queue items are followed by polling alone`);
			return this.down(generation);
		}
		if (generation !== this.generation) return;
		const where = redactUrl(`${address.origin}${address.path}`);
		let socket: EventSocket;
		try {
			socket = env.openEventSocket(address.origin, { path: address.path, ...(token ? { auth: { token } } : {}) });
		} catch (error) {
			env.logger?.warn(`${this.service}: could not open the Socket.IO channel ${where}; queue items are followed by polling alone`, { reason: describe(error) });
			return this.down(generation);
		}
		this.socket = socket;
		const current = () => generation === this.generation;
		socket.on('connect', () => {
			if (!current()) return;
			// Each connection starts outside the queue's rooms: join them again, then say so.
			socket.emit('subscribe_queue', { queue_id: QUEUE_ID }, () => current() && this.onJoined());
		});
		socket.on('connect_error', (error: unknown) => {
			if (!current() || this.state === 'open') return;
			if (this.state === 'connecting') {
				env.logger?.warn(`${this.service}: the Socket.IO channel ${where} could not connect (${describe(error)}); queue items are followed by polling alone`);
			}
			this.down(generation);
		});
		socket.on('disconnect', (reason: unknown) => {
			if (!current() || this.state !== 'open') return;
			env.logger?.debug(`${this.service}: the Socket.IO channel ${where} dropped (${describe(reason)}); queue items are polled until it is back`);
			this.state = 'down';
		});
		for (const name of QUEUE_EVENTS) socket.on(name, (payload: unknown) => current() && this.receive(name, payload));
	}

	private onJoined(): void {
		this.state = 'open';
		this.joined?.resolve();
		// What happened before (or while the socket was down) was not heard: every waiter reads now.
		for (const set of [...this.watchers.values()]) for (const listener of [...set]) listener();
	}

	private down(generation: number): void {
		if (generation !== this.generation) return;
		this.state = 'down';
		this.joined?.resolve();
	}

	private close(): void {
		this.generation++;
		this.state = 'closed';
		this.joined?.resolve();
		this.joined = undefined;
		const socket = this.socket;
		this.socket = undefined;
		try {
			socket?.disconnect();
		} catch {
			// Nothing depends on a clean goodbye.
		}
	}

	private receive(name: string, payload: unknown): void {
		const read = readQueueEvent(name, payload);
		if (!read) return;
		if (this.recentKeys.has(read.key)) return;
		remember(this.recentKeys, read.key);
		const { event } = read;
		switch (event.kind) {
			case 'cleared':
				for (const [itemId] of this.watchers) this.notify(itemId);
				return;
			case 'ended':
				for (const itemId of event.itemIds) {
					remember(this.endedItems, itemId);
					this.notify(itemId);
				}
				return;
			case 'node-error':
				return this.notify(event.itemIds[0]);
			case 'status':
				return this.notify(event.itemIds[0], { phase: event.status === 'pending' ? 'queued' : 'running' });
			case 'progress': {
				const [itemId] = event.itemIds;
				if (!this.watchers.has(itemId)) return;
				const now = this.env.now();
				if (now - (this.lastProgressAt.get(itemId) ?? -Infinity) < PROGRESS_WAKE_GAP_MS) return;
				this.lastProgressAt.set(itemId, now);
				const progress = event.percentage === undefined ? undefined : Math.min(100, Math.max(0, event.percentage * 100));
				return this.notify(itemId, {
					phase: 'running',
					...(progress === undefined ? {} : { progress }),
					...(event.sourceId === undefined ? {} : { sourceId: event.sourceId }),
					...(event.nodeType === undefined ? {} : { nodeType: event.nodeType }),
					...(event.message === undefined ? {} : { message: event.message }),
				});
			}
		}
	}

	private notify(itemId: number, news?: ItemNews): void {
		for (const listener of [...(this.watchers.get(itemId) ?? [])]) listener(news);
	}
}

function remember<T>(set: Set<T>, value: T): void {
	set.add(value);
	if (set.size > REMEMBERED) set.delete(set.values().next().value as T);
}

function describe(value: unknown): string {
	return redactUrlsIn(value instanceof Error ? value.message : String(value));
}

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}
