// The HTTP side every simulator shares: real sockets on 127.0.0.1 (port 0), a log of every request,
// and the fault switches (an error status, a rate limit, a dropped connection before or after the
// server acted, a slow answer, cut-off JSON). A simulator supplies only its routes, as `handle`.
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { FaultList } from './faults.ts';
import { faultReply } from './faults.ts';
import type { RequestRecord } from './types.ts';

export interface Reply {
	status: number;
	headers: Record<string, string>;
	body: Buffer | string | null;
}

export interface SimRequest {
	method: string;
	/** Without the query string, as received (not percent-decoded). */
	path: string;
	query: Map<string, string>;
	/** The raw query string (no `?`), for repeated keys. */
	search: string;
	headers: IncomingHttpHeaders;
	body: Buffer;
	/** This request's log entry, for the handler to note the authenticated user. */
	record: RequestRecord;
}

export interface SimHttpOptions {
	/** For log lines, e.g. "visionatrix simulator". */
	name: string;
	/** The `server` header the real server sends, e.g. "uvicorn". */
	serverHeader?: string;
	faults: FaultList;
	requests: RequestRecord[];
	handle(request: SimRequest): Promise<Reply>;
}

export interface SimHttpServer {
	server: Server;
	/** Listens on 127.0.0.1 at a free port; resolves with the base URL. */
	listen(): Promise<string>;
	/** Stops pending slow answers, closes every connection and the server. */
	close(): Promise<void>;
}

export function createSimHttpServer(options: SimHttpOptions): SimHttpServer {
	const delays = new Set<NodeJS.Timeout>();

	const server = createServer((req, res) => {
		void (async () => {
			const method = (req.method ?? 'GET').toUpperCase();
			const url = req.url ?? '/';
			const queryAt = url.indexOf('?');
			const path = queryAt >= 0 ? url.slice(0, queryAt) : url;
			const query = new Map<string, string>();
			for (const [key, value] of new URLSearchParams(queryAt >= 0 ? url.slice(queryAt + 1) : '')) query.set(key, value);
			const record: RequestRecord = { method, path, query: Object.fromEntries(query), at: Date.now(), status: 0 };
			options.requests.push(record);

			const fault = options.faults.take(method, path);
			if (fault) record.fault = fault.kind;
			if (fault?.kind === 'drop-before') {
				req.socket.destroy();
				return;
			}
			let body: Buffer;
			try {
				body = await readBody(req);
			} catch {
				return;
			}
			const replaced = fault ? faultReply(fault) : undefined;
			if (replaced) {
				send(res, record, replaced, options.serverHeader);
				return;
			}
			if (fault?.kind === 'slow') await pause(fault.delayMs, delays);
			const search = queryAt >= 0 ? url.slice(queryAt + 1) : '';
			const reply = await options.handle({ method, path, query, search, headers: req.headers, body, record });
			if (fault?.kind === 'drop-after') {
				req.socket.destroy();
				return;
			}
			send(res, record, reply, options.serverHeader);
		})().catch((error: unknown) => {
			console.error(`[${options.name}] request failed:`, error);
			if (!res.headersSent && !res.destroyed) {
				res.statusCode = 500;
				res.end('Internal Server Error');
			}
		});
	});

	let closing: Promise<void> | undefined;
	return {
		server,
		listen: () =>
			new Promise<string>((resolve, reject) => {
				server.once('error', reject);
				server.listen(0, '127.0.0.1', () => {
					server.off('error', reject);
					resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
				});
			}),
		close() {
			closing ??= new Promise<void>((resolve) => {
				for (const timer of delays) clearTimeout(timer);
				delays.clear();
				server.close(() => resolve());
				server.closeAllConnections();
			});
			return closing;
		},
	};
}

function pause(ms: number, timers: Set<NodeJS.Timeout>): Promise<void> {
	return new Promise((resolve) => {
		const timer = setTimeout(() => {
			timers.delete(timer);
			resolve();
		}, ms);
		timers.add(timer);
	});
}

function readBody(req: IncomingMessage): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => resolve(Buffer.concat(chunks)));
		req.on('error', reject);
		req.on('close', () => {
			if (!req.complete) reject(new Error('request aborted'));
		});
	});
}

function send(res: ServerResponse, record: RequestRecord, reply: Reply, serverHeader?: string): void {
	if (res.writableEnded || res.destroyed) return;
	res.statusCode = reply.status;
	if (serverHeader) res.setHeader('server', serverHeader);
	for (const [name, value] of Object.entries(reply.headers)) res.setHeader(name, value);
	record.status = reply.status;
	if (reply.body === null) {
		res.end();
		return;
	}
	const bytes = typeof reply.body === 'string' ? Buffer.from(reply.body, 'utf8') : reply.body;
	if (!res.hasHeader('content-length')) res.setHeader('content-length', String(bytes.length));
	res.end(bytes);
}
