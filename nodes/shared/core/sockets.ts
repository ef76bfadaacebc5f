// Runtime-neutral: web-standard APIs only (no node:, Deno, process), so n8n, Node and Deno share it.
import type { EventSocket, OpenEventSocket, OpenSocket } from './env.ts';

export type WebSocketConstructor = new (url: string, protocols?: string | string[] | Record<string, unknown>) => ReturnType<OpenSocket>;

/**
 * An OpenSocket over a standard WebSocket class. Headers go
 * in undici's (Node) and Deno's second-argument form; a browser-style WebSocket cannot send them,
 * and a provider that needs them authenticates in its first message instead.
 */
export function socketOpener(WebSocketClass: WebSocketConstructor | undefined): OpenSocket | undefined {
	if (!WebSocketClass) return undefined;
	return (url, options = {}) =>
		options.headers ? new WebSocketClass(url, { protocols: options.protocols, headers: options.headers }) : new WebSocketClass(url, options.protocols);
}

/** The runtime's own WebSocket (Deno, Node 22+ and so n8n 2.x); none on Node 20. */
export function standardSocket(): OpenSocket | undefined {
	return socketOpener((globalThis as { WebSocket?: WebSocketConstructor }).WebSocket);
}

/**
 * The runtime's own WebSocket, else the class `loadFallback` gives, loaded only when the first
 * socket opens: Node 20 has no global WebSocket, and its hosts hand in undici's.
 */
export function socketWithFallback(loadFallback: () => WebSocketConstructor): OpenSocket {
	const standard = standardSocket();
	if (standard) return standard;
	let fallback: OpenSocket | undefined;
	return (url, options) => {
		fallback ??= socketOpener(loadFallback()) as OpenSocket;
		return fallback(url, options);
	};
}

/** The part of `socket.io-client`'s `io` (its `lookup`) that `socketIoOpener` calls. */
export type SocketIoConnect = (uri: string, options: Record<string, unknown>) => EventSocket;

/**
 * How push channels connect: WebSocket only (no long-polling fallback, whose requests would
 * compete with the API's own), a fresh connection per socket (`socket.io-client` otherwise shares
 * one per origin, with the first socket's credential), and a few reconnection attempts after a
 * drop before the channel stays down and jobs are polled.
 */
export const SOCKET_IO_CLIENT_OPTIONS: Readonly<Record<string, unknown>> = {
	transports: ['websocket'],
	forceNew: true,
	reconnection: true,
	reconnectionAttempts: 3,
	reconnectionDelay: 1_000,
	reconnectionDelayMax: 5_000,
	timeout: 10_000,
};

/**
 * An OpenEventSocket over `socket.io-client`, which `load` hands in (`require` or a dynamic
 * import): called when the first socket opens, so a host pays for the package only when a push
 * channel is used. While an asynchronous load is under way, the socket returned records its
 * listeners and emits and passes them on once the package is there; a load that fails reaches its
 * `connect_error` listeners, and the channel's owner polls instead.
 */
export function socketIoOpener(load: () => SocketIoConnect | Promise<SocketIoConnect>): OpenEventSocket {
	let loaded: SocketIoConnect | Promise<SocketIoConnect> | undefined;
	const loadOnce = (): SocketIoConnect | Promise<SocketIoConnect> => {
		if (loaded) return loaded;
		try {
			const io = load();
			loaded = typeof io === 'function' ? io : io.then((ready) => (loaded = ready));
		} catch (error) {
			loaded = Promise.reject(error);
		}
		return loaded;
	};
	return (origin, options) => {
		const ioOptions: Record<string, unknown> = {
			...SOCKET_IO_CLIENT_OPTIONS,
			path: options.path,
			...(options.auth ? { auth: options.auth } : {}),
			...(options.headers && Object.keys(options.headers).length > 0 ? { extraHeaders: options.headers } : {}),
		};
		const io = loadOnce();
		if (typeof io === 'function') return io(origin, ioOptions);
		return new DeferredEventSocket(io.then((ready) => () => ready(origin, ioOptions)));
	};
}

/** A socket whose client is still being loaded: it connects once it is, unless it was closed meanwhile. */
class DeferredEventSocket implements EventSocket {
	private socket?: EventSocket;
	private closed = false;
	private readonly listeners: Array<[string, (...args: unknown[]) => void]> = [];
	private readonly emits: unknown[][] = [];

	constructor(opening: Promise<() => EventSocket>) {
		opening.then(
			(open) => {
				if (this.closed) return;
				let socket: EventSocket;
				try {
					socket = open();
				} catch (error) {
					this.fail(error);
					return;
				}
				this.socket = socket;
				for (const [event, listener] of this.listeners) socket.on(event, listener);
				for (const [event, ...args] of this.emits.splice(0)) socket.emit(event as string, ...args);
			},
			(error: unknown) => this.fail(error),
		);
	}

	get connected(): boolean {
		return this.socket?.connected ?? false;
	}

	on(event: string, listener: (...args: unknown[]) => void): void {
		this.listeners.push([event, listener]);
		this.socket?.on(event, listener);
	}

	emit(event: string, ...args: unknown[]): void {
		if (this.socket) this.socket.emit(event, ...args);
		else if (!this.closed) this.emits.push([event, ...args]);
	}

	disconnect(): void {
		this.closed = true;
		this.emits.length = 0;
		this.socket?.disconnect();
	}

	private fail(error: unknown): void {
		if (this.closed) return;
		const reason = error instanceof Error ? error : new Error(String(error));
		for (const [event, listener] of this.listeners) if (event === 'connect_error') listener(reason);
	}
}
