// Runtime-neutral: web-standard APIs only (no node:, Deno, process), so n8n, Node and Deno share it.
import type { Transport } from './http.ts';

export interface Logger {
	debug(message: string, meta?: Record<string, unknown>): void;
	info(message: string, meta?: Record<string, unknown>): void;
	warn(message: string, meta?: Record<string, unknown>): void;
}

/**
 * Everything the core needs from the world it runs in. The core owns no timers and no sockets:
 * n8n hands in its request helper and `sleep`, the scripts hand in fetch and their own sleep.
 */
export interface Env {
	transport: Transport;
	/** Resolves after `ms`, or early (resolve or reject, either is fine) once `signal` aborts. */
	sleep(ms: number, signal?: AbortSignal): Promise<void>;
	/** Milliseconds since the epoch. */
	now(): number;
	/** A number in [0, 1) for retry jitter; defaults to Math.random. */
	random?(): number;
	logger?: Logger;
}

export const silentLogger: Logger = {
	debug() {},
	info() {},
	warn() {},
};
