// Runtime-neutral: web-standard APIs only (no node:, Deno, process), so n8n, Node and Deno share it.
import type { Transport } from './http.ts';

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
 * Opens a WebSocket for a push channel (Pet Portrait's WebSocket, and the Socket.IO client InvokeAI
 * needs, built on it). `headers` carry a credential where the host's WebSocket can send them.
 */
export type OpenSocket = (url: string, options?: { protocols?: string[]; headers?: Record<string, string> }) => PushSocket;

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
}

export const silentLogger: Logger = {
	debug() {},
	info() {},
	warn() {},
};
