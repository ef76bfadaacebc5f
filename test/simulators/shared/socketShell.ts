// The WebSocket side a simulator can add next to httpShell.ts: `ws`'s WebSocketServer in noServer
// mode on the HTTP server's `upgrade` event, every upgrade in the same request log, sockets filed
// under a key the simulator picks (a clientId), JSON messages to a key, and the socket faults of the
// shared FaultList (a refused upgrade, a socket dropped mid-job). The simulator decides per upgrade
// whether to accept it and under which key; everything else is here.
import type { IncomingHttpHeaders, IncomingMessage, Server } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';

import type { WebSocket } from 'ws';
import { WebSocketServer } from 'ws';

import type { FaultList } from './faults.ts';
import type { RequestRecord, SocketFault } from './types.ts';

export interface UpgradeRequest {
	/** The request target as received, query included. */
	url: string;
	/** Without the query string, as received (not percent-decoded). */
	path: string;
	query: Map<string, string>;
	headers: IncomingHttpHeaders;
	/** This upgrade's log entry. */
	record: RequestRecord;
}

/** What to do with an upgrade: accept it, filing the socket under `key`, or refuse it. */
export type UpgradeDecision =
	| { accept: string }
	/** The connection is destroyed without an answer (the client sees a hang-up). */
	| { refuse: 'destroy' }
	| { refuse: 'answer'; status: number; headers?: Record<string, string>; body?: string };

/**
 * Which open sockets of a key get a message: 'all' of them, or only the 'last' one to connect, as a
 * server that keeps a `Map<key, socket>` does (`map.set` on connect, `map.delete(key)` when any
 * socket of that key closes, so an older socket closing leaves the newer one unreachable).
 */
export type SocketRouting = 'all' | 'last';

export interface SimSocketOptions {
	/** For log lines, e.g. "pet portrait simulator". */
	name: string;
	server: Server;
	faults: FaultList;
	requests: RequestRecord[];
	/** Default 'all'. */
	routing?: SocketRouting;
	decide(request: UpgradeRequest): UpgradeDecision;
	/** Text a client sent (most servers only log it). */
	onMessage?(key: string, text: string): void;
}

export interface SimSocketShell {
	/** Sends `message` as JSON to the key's sockets (see SocketRouting); resolves nothing, returns how many sockets it was written to. */
	send(key: string, message: unknown): number;
	/** Open sockets of a key, or of every key. */
	count(key?: string): number;
	/** Cuts the key's sockets (every socket without a key) with no close frame; returns how many. */
	drop(key?: string): number;
	/** Stops accepting upgrades and cuts every socket. */
	close(): void;
}

interface Tracked {
	socket: WebSocket;
	key: string;
	/** Messages still to send before a socket-drop fault cuts it; undefined without one. */
	dropAfter?: number;
	fault?: SocketFault & { kind: 'socket-drop' };
	timer?: NodeJS.Timeout;
}

function parseTarget(url: string): { path: string; query: Map<string, string> } {
	const queryAt = url.indexOf('?');
	const query = new Map<string, string>();
	for (const [key, value] of new URLSearchParams(queryAt >= 0 ? url.slice(queryAt + 1) : '')) query.set(key, value);
	return { path: queryAt >= 0 ? url.slice(0, queryAt) : url, query };
}

/** Writes a plain HTTP answer on a socket that asked to upgrade, then closes it. */
function answer(socket: Duplex, status: number, headers: Record<string, string> = {}, body = ''): void {
	const bytes = Buffer.from(body, 'utf8');
	const lines = [`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}`, 'Connection: close'];
	for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
	lines.push(`Content-Length: ${bytes.length}`);
	socket.end(Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), bytes]));
}

export function createSimSocketShell(options: SimSocketOptions): SimSocketShell {
	const routing = options.routing ?? 'all';
	const wss = new WebSocketServer({ noServer: true });
	const open = new Set<Tracked>();
	/** For 'last' routing: the socket each key is filed under. */
	const latest = new Map<string, Tracked>();
	const pending = new Set<Duplex>();
	let closed = false;

	function cut(tracked: Tracked): void {
		if (tracked.fault?.closeCode !== undefined) tracked.socket.close(tracked.fault.closeCode);
		else tracked.socket.terminate();
	}

	function forget(tracked: Tracked): void {
		if (!open.delete(tracked)) return;
		clearTimeout(tracked.timer);
		if (routing === 'last') latest.delete(tracked.key);
	}

	function accept(request: IncomingMessage, socket: Duplex, head: Buffer, key: string, fault: SocketFault | undefined, record: RequestRecord): void {
		pending.add(socket);
		// ws answers a malformed handshake itself (400) and destroys the socket.
		socket.once('close', () => pending.delete(socket));
		wss.handleUpgrade(request, socket, head, (ws) => {
			pending.delete(socket);
			if (closed) {
				ws.terminate();
				return;
			}
			record.status = 101;
			const tracked: Tracked = { socket: ws, key };
			if (fault?.kind === 'socket-drop') {
				tracked.fault = fault;
				tracked.dropAfter = fault.afterMessages ?? (fault.afterMs === undefined ? 1 : undefined);
				if (fault.afterMs !== undefined) tracked.timer = setTimeout(() => cut(tracked), fault.afterMs);
			}
			open.add(tracked);
			if (routing === 'last') latest.set(key, tracked);
			ws.on('message', (data) => options.onMessage?.(key, Buffer.isBuffer(data) ? data.toString('utf8') : String(data)));
			ws.on('close', () => forget(tracked));
			ws.on('error', () => forget(tracked));
		});
	}

	function onUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
		socket.on('error', () => socket.destroy());
		const url = request.url ?? '/';
		const { path, query } = parseTarget(url);
		const record: RequestRecord = { method: (request.method ?? 'GET').toUpperCase(), path, query: Object.fromEntries(query), at: Date.now(), status: 0 };
		options.requests.push(record);
		if (closed) {
			socket.destroy();
			return;
		}
		const fault = options.faults.take(record.method, path, 'socket') as SocketFault | undefined;
		if (fault) record.fault = fault.kind;
		if (fault?.kind === 'socket-refuse') {
			if (fault.status === undefined) socket.destroy();
			else {
				record.status = fault.status;
				answer(socket, fault.status, { 'Content-Type': 'text/plain; charset=utf-8' }, fault.body ?? STATUS_CODES[fault.status] ?? 'Error');
			}
			return;
		}
		const decision = options.decide({ url, path, query, headers: request.headers, record });
		if ('accept' in decision) {
			accept(request, socket, head, decision.accept, fault, record);
			return;
		}
		if (decision.refuse === 'destroy') {
			socket.destroy();
			return;
		}
		record.status = decision.status;
		answer(socket, decision.status, decision.headers, decision.body);
	}

	options.server.on('upgrade', onUpgrade);

	const targets = (key: string): Tracked[] => {
		if (routing === 'last') {
			const tracked = latest.get(key);
			return tracked ? [tracked] : [];
		}
		return [...open].filter((tracked) => tracked.key === key);
	};

	return {
		send(key, message) {
			const text = JSON.stringify(message);
			let sent = 0;
			for (const tracked of targets(key)) {
				if (tracked.socket.readyState !== tracked.socket.OPEN) continue;
				tracked.socket.send(text);
				sent++;
				if (tracked.dropAfter !== undefined && --tracked.dropAfter <= 0) {
					tracked.dropAfter = undefined;
					cut(tracked);
				}
			}
			return sent;
		},
		count: (key) => [...open].filter((tracked) => key === undefined || tracked.key === key).length,
		drop(key) {
			const chosen = [...open].filter((tracked) => key === undefined || tracked.key === key);
			for (const tracked of chosen) {
				tracked.socket.terminate();
				forget(tracked);
			}
			return chosen.length;
		},
		close() {
			closed = true;
			options.server.off('upgrade', onUpgrade);
			for (const tracked of [...open]) {
				tracked.socket.terminate();
				forget(tracked);
			}
			for (const socket of pending) socket.destroy();
			pending.clear();
			wss.close();
		},
	};
}
