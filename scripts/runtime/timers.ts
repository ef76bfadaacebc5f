// Runs under Node and Deno alike: setTimeout and AbortSignal are web-standard globals in both.
import type { Env, Logger, OpenEventSocket, OpenSocket } from '../../nodes/shared/core/env.ts';
import type { Transport } from '../../nodes/shared/core/http.ts';
import { standardSocket } from '../../nodes/shared/core/sockets.ts';
import { socketIoClient } from './eventSockets.ts';

/** The `sleep` the core asks for: resolves after `ms`, rejects with the abort reason once `signal` fires. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
	return new Promise((resolve, reject) => {
		if (signal?.aborted) return reject(signal.reason);
		const onAbort = () => {
			clearTimeout(timer);
			reject(signal?.reason);
		};
		const timer = setTimeout(() => {
			signal?.removeEventListener('abort', onAbort);
			resolve();
		}, ms);
		signal?.addEventListener('abort', onAbort, { once: true });
	});
}

/**
 * `plainTransport` (no credential) is for providers whose files come from another host through
 * pre-signed links (Flowscale); without it the core refuses such downloads.
 */
export function scriptEnv(
	transport: Transport,
	logger?: Logger,
	options: { plainTransport?: Transport; openSocket?: OpenSocket; openEventSocket?: OpenEventSocket } = {},
): Env {
	// Deno's and Node 22+'s global WebSocket unless the runtime hands in its own (Node 20: undici's);
	// socket.io-client for Socket.IO channels, loaded only when one opens.
	return { transport, sleep, now: () => Date.now(), logger, openSocket: standardSocket(), openEventSocket: socketIoClient, ...options };
}
