// Runtime-neutral: web-standard APIs only (no node:, Deno, process), so n8n, Node and Deno share it.
import type { Transport } from './http.ts';
import type { RunTimeHistory } from './runTimes.ts';

export interface Logger {
	debug(message: string, meta?: Record<string, unknown>): void;
	info(message: string, meta?: Record<string, unknown>): void;
	warn(message: string, meta?: Record<string, unknown>): void;
}

/**
 * The part of the standard WebSocket a push channel uses. Every runtime's own WebSocket (browsers,
 * Deno, Node 22+, undici's on Node 20) fits it.
 */
export interface PushSocket {
	readonly readyState: number;
	send(data: string): void;
	close(code?: number, reason?: string): void;
	addEventListener(type: 'open' | 'close' | 'error', listener: (event: unknown) => void): void;
	addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
}

/**
 * Opens a WebSocket for a push channel (Pet Portrait's; InvokeAI's Socket.IO channel uses
 * `OpenEventSocket`). `headers` carry a credential where the host's WebSocket can send them.
 */
export type OpenSocket = (url: string, options?: { protocols?: string[]; headers?: Record<string, string> }) => PushSocket;

/**
 * The part of a Socket.IO client socket a push channel uses (`socket.io-client`'s Socket fits it).
 * Besides the server's own events it hears `connect`, `connect_error` and `disconnect`; emits made
 * before `connect` are sent once connected.
 */
export interface EventSocket {
	readonly connected: boolean;
	on(event: string, listener: (...args: unknown[]) => void): void;
	emit(event: string, ...args: unknown[]): void;
	disconnect(): void;
}

export interface EventSocketOptions {
	/** The Socket.IO path on the server, e.g. `/ws/socket.io`. */
	path: string;
	/** The Socket.IO `auth` payload of the handshake, e.g. `{ token }` for a server that asks for one. */
	auth?: Record<string, unknown>;
	/** Headers of the handshake request, where the host's socket can send them (an authenticating proxy). */
	headers?: Record<string, string>;
}

/**
 * Opens a Socket.IO connection to `origin` (scheme, host and port) for a push channel (InvokeAI's
 * queue events). Hosts build it on the maintained `socket.io-client` (see `socketIoOpener`).
 */
export type OpenEventSocket = (origin: string, options: EventSocketOptions) => EventSocket;

/**
 * Everything the core needs from the world it runs in. The core owns no timers and no sockets:
 * n8n hands in its request helper and `sleep`, the scripts hand in fetch and their own sleep, and
 * each hands in how to open a WebSocket where it has one.
 */
export interface Env {
	transport: Transport;
	/**
	 * Sends to another host (a pre-signed download link) without the credential: no auth, no API
	 * key, none of the service's headers. Absent where the host has none, and then such requests
	 * are refused rather than sent through `transport`, which would add the credential.
	 */
	plainTransport?: Transport;
	/** Resolves after `ms`, or early (resolve or reject, either is fine) once `signal` aborts. */
	sleep(ms: number, signal?: AbortSignal): Promise<void>;
	/** Milliseconds since the epoch. */
	now(): number;
	/** A number in [0, 1) for retry jitter; defaults to Math.random. */
	random?(): number;
	logger?: Logger;
	/** How to open a push channel; absent where the host has no WebSocket, and then jobs are polled. */
	openSocket?: OpenSocket;
	/** How to open a Socket.IO push channel; absent where the host has no Socket.IO client, and then jobs are polled. */
	openEventSocket?: OpenEventSocket;
	/** Where waiters learn how long jobs run; absent: the one history of this process (runTimes.ts). */
	runTimeHistory?: RunTimeHistory;
}

export const silentLogger: Logger = {
	debug() {},
	info() {},
	warn() {},
};
