// What the InvokeAI API unit tests share: a hand-written Socket.IO socket, an Env around it whose
// clock only moves when the code sleeps, a logger that keeps its lines, the client, and queue items
// and events shaped as the reference (invokeai.md) shows them.
import { recordingLogger } from '../../helpers/recordingLogger.ts';
import type { Env, EventSocket, EventSocketOptions, OpenEventSocket } from '../../../nodes/shared/core/env.ts';
import { fetchTransport } from '../../../nodes/shared/core/fetchTransport.ts';
import type { InvokeAIAuth } from '../../../nodes/shared/providers/invokeai/auth.ts';
import { InvokeAI } from '../../../nodes/shared/providers/invokeai/api.ts';
import type { QueueItem } from '../../../nodes/shared/providers/invokeai/schemas.ts';
import { virtualEnv } from '../../helpers/virtualEnv.ts';

export const BASE = 'http://invoke.test:9090';
export const QUEUE = '/api/v1/queue/default';

type Listener = (...args: unknown[]) => void;

/** A Socket.IO socket driven by the test: it connects, joins, speaks and fails when told to. */
export class FakeEventSocket implements EventSocket {
	connected = false;
	disconnected = false;
	readonly emitted: Array<{ event: string; args: unknown[] }> = [];
	private readonly listeners = new Map<string, Listener[]>();

	constructor(
		readonly origin: string,
		readonly options: EventSocketOptions,
		private readonly autoAck: boolean,
	) {}

	on(event: string, listener: Listener): void {
		this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
	}

	emit(event: string, ...args: unknown[]): void {
		this.emitted.push({ event, args });
		const ack = args.at(-1);
		// python-socketio acknowledges `subscribe_queue` with the handler's None.
		if (this.autoAck && event === 'subscribe_queue' && typeof ack === 'function') queueMicrotask(() => (ack as () => void)());
	}

	disconnect(): void {
		this.disconnected = true;
		this.connected = false;
	}

	/** The handshake succeeds. */
	connect(): void {
		this.connected = true;
		this.fire('connect');
	}

	/** The handshake is refused (a multi-user server without a token, a proxy that blocks upgrades). */
	refuse(message = 'Connection rejected by server'): void {
		this.fire('connect_error', new Error(message));
	}

	/** The connection drops; socket.io-client would try to reconnect. */
	drop(reason = 'transport close'): void {
		this.connected = false;
		this.fire('disconnect', reason);
	}

	/** The server sends an event. */
	send(event: string, payload: unknown): void {
		this.fire(event, payload);
	}

	private fire(event: string, ...args: unknown[]): void {
		for (const listener of this.listeners.get(event) ?? []) listener(...args);
	}
}

/** An OpenEventSocket that records every socket; each connects on its own right after it is made unless `autoConnect` is false. */
export function fakeEventSockets(options: { autoConnect?: boolean; autoAck?: boolean } = {}): { open: OpenEventSocket; sockets: FakeEventSocket[] } {
	const sockets: FakeEventSocket[] = [];
	const open: OpenEventSocket = (origin, socketOptions) => {
		const socket = new FakeEventSocket(origin, socketOptions, options.autoAck !== false);
		sockets.push(socket);
		if (options.autoConnect !== false) queueMicrotask(() => socket.connect());
		return socket;
	};
	return { open, sockets };
}

export type { LoggedLine } from '../../helpers/recordingLogger.ts';

export { recordingLogger };

export type TestEnv = ReturnType<typeof virtualEnv> & { logger: ReturnType<typeof recordingLogger> };

/** A virtual-clock Env over fetch (nock answers), with a recording logger and, if given, a Socket.IO opener. */
export function testEnv(openEventSocket?: OpenEventSocket): TestEnv {
	const env = virtualEnv(fetchTransport()) as TestEnv;
	env.logger = recordingLogger();
	if (openEventSocket) env.openEventSocket = openEventSocket;
	return env;
}

export function client(env: Env = testEnv(), extra: { auth?: InvokeAIAuth; baseUrl?: string; origin?: string } = {}): InvokeAI {
	return new InvokeAI({ baseUrl: extra.baseUrl ?? BASE, env, auth: extra.auth, retry: { maxRetries: 0 }, origin: extra.origin });
}

/** Lets promise chains and queued microtasks run (a socket opening, an ack). */
export async function settle(): Promise<void> {
	for (let i = 0; i < 10; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** A sleep that ends only when woken (its signal aborts): time passes only through pushes. */
export function sleepUntilWoken(env: Env): void {
	env.sleep = (_ms, signal) =>
		new Promise((_resolve, reject) => {
			if (signal?.aborted) reject(new DOMException('woken', 'AbortError'));
			signal?.addEventListener('abort', () => reject(new DOMException('woken', 'AbortError')));
		});
}

/**
 * Runs `act(n)` as the code starts its n-th sleep, before the sleep: what it sends wakes a waiter's
 * nap if it says the item may have ended.
 */
export function onNaps(env: Env, act: (nap: number) => void): void {
	const sleep = env.sleep.bind(env);
	let nap = 0;
	env.sleep = (ms, signal) => {
		act(nap++);
		return sleep(ms, signal);
	};
}

/** A session that made one image at `nodeId` (through a fresh prepared id), from a graph of `nodes`. */
export function sessionWith(options: {
	nodes: Record<string, { type: string; is_intermediate?: boolean }>;
	results?: Array<{ prepared: string; source: string; output: Record<string, unknown> }>;
	errors?: Record<string, string>;
}): NonNullable<QueueItem['session']> {
	const graphNodes = Object.fromEntries(Object.entries(options.nodes).map(([id, node]) => [id, { id, ...node }]));
	return {
		id: 'session-1',
		graph: { id: 'graph-1', nodes: graphNodes, edges: [] },
		execution_graph: { id: 'exec-1', nodes: {}, edges: [] },
		results: Object.fromEntries((options.results ?? []).map(({ prepared, output }) => [prepared, output])),
		errors: options.errors ?? {},
		prepared_source_mapping: Object.fromEntries((options.results ?? []).map(({ prepared, source }) => [prepared, source])),
	};
}

export const imageOutput = (name: string, width = 1024, height = 1024) => ({ type: 'image_output', image: { image_name: name }, width, height });

/** A queue item as `GET /queue/default/i/{id}` sends it (null fields left out). */
export function queueItem(itemId: number, status: string, extra: Partial<QueueItem> & Record<string, unknown> = {}): QueueItem {
	return {
		item_id: itemId,
		status,
		priority: 0,
		batch_id: 'batch-1',
		origin: 'genflows',
		destination: 'gallery',
		session_id: `session-${itemId}`,
		queue_id: 'default',
		created_at: '2025-01-01 12:00:00.000',
		updated_at: '2025-01-01 12:00:01.000',
		user_id: 'system',
		session: sessionWith({ nodes: {} }),
		...extra,
	} as QueueItem;
}

/** A `queue_item_status_changed` payload, as 6.13 sends it. */
export function statusEvent(itemId: number, status: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
	return {
		timestamp: 1735732800,
		queue_id: 'default',
		item_id: itemId,
		batch_id: 'batch-1',
		origin: 'genflows',
		destination: 'gallery',
		user_id: 'system',
		status,
		status_sequence: 2,
		error_type: null,
		error_message: null,
		error_traceback: null,
		created_at: '2025-01-01 12:00:00.000',
		updated_at: `2025-01-01 12:00:0${status.length % 10}.000`,
		started_at: null,
		completed_at: null,
		batch_status: {},
		queue_status: {},
		session_id: `session-${itemId}`,
		...extra,
	};
}

/** An `invocation_progress` payload of a node of the workflow (`sourceId`). */
export function progressEvent(itemId: number, percentage: number | null, extra: Record<string, unknown> = {}): Record<string, unknown> {
	return {
		timestamp: 1735732800,
		queue_id: 'default',
		item_id: itemId,
		batch_id: 'batch-1',
		origin: 'genflows',
		destination: 'gallery',
		user_id: 'system',
		session_id: `session-${itemId}`,
		invocation: { id: 'prepared-denoise', type: 'denoise_latents', is_intermediate: true },
		invocation_source_id: 'denoise',
		message: 'Denoising',
		percentage,
		image: null,
		...extra,
	};
}

export const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
