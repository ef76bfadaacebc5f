// Headers in a simulator's request log: the shared shell logs method, path and query only, and a
// test must be able to see every header that reached a host (the API key must never reach storage).
import type { Server } from 'node:http';

import type { LoggedRequest } from './types.ts';

/**
 * Copies each request's headers into the log entry the shell has just made for it. The shell's
 * listener runs first and adds its entry synchronously, so the newest entry is this request's,
 * dropped requests included.
 */
export function logHeaders(server: Server, requests: LoggedRequest[]): void {
	server.on('request', (req) => {
		const record = requests[requests.length - 1];
		if (record && record.headers === undefined) record.headers = { ...req.headers };
	});
}
