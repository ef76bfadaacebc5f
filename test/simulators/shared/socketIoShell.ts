// The Socket.IO side a simulator can add next to httpShell.ts (socketShell.ts is the plain
// WebSocket one): the `socket.io` server package on the same HTTP server and port, at a given path,
// with every connection attempt (a handshake: an Engine.IO request or upgrade without `sid`) in the
// shared request log and the socket faults of the shared FaultList taken by handshakes: a refused
// handshake (an HTTP answer, or the connection destroyed) and a socket dropped mid-job. The
// simulator does the rest with `io` (auth middleware, rooms, handlers) and sends its events through
// `send`, which counts them toward a socket-drop fault.
import type { IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';

import type { Socket } from 'socket.io';
import { Server } from 'socket.io';

import type { FaultList } from './faults.ts';
import type { RequestRecord, SocketFault } from './types.ts';

export interface SimSocketIoOptions {
	server: HttpServer;
	faults: FaultList;
	requests: RequestRecord[];
	/** Socket.IO's `path`, e.g. `/ws/socket.io`. */
	path: string;
}

export interface SimSocketIoShell {
	io: Server;
	/** Emits one event to one socket; counts toward its socket-drop fault. False when the socket is gone. */
	send(socket: Socket, event: string, data: unknown): boolean;
	/** Connected sockets of the default namespace. */
	sockets(): Socket[];
	/**
	 * Cuts the sockets' transports with no goodbye (a WebSocket is terminated, a polling transport
	 * closed): clients see a transport close and reconnect. Returns how many.
	 */
	cut(sockets: Socket[]): number;
	/** Disconnects every socket and stops Socket.IO (and the HTTP server it is attached to). */
	close(): void;
}

type DropFault = SocketFault & { kind: 'socket-drop' };

interface Tracked {
	left?: number;
	fault: DropFault;
	timer?: NodeJS.Timeout;
}

function parseTarget(url: string): { path: string; query: Map<string, string> } {
	const queryAt = url.indexOf('?');
	const query = new Map<string, string>();
	for (const [key, value] of new URLSearchParams(queryAt >= 0 ? url.slice(queryAt + 1) : '')) query.set(key, value);
	return { path: queryAt >= 0 ? url.slice(0, queryAt) : url, query };
}

/** Writes a plain HTTP answer on a socket that asked to upgrade, then closes it. */
function answerUpgrade(socket: Duplex, status: number, body: string): void {
	const bytes = Buffer.from(body, 'utf8');
	const head = [`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}`, 'Connection: close', 'Content-Type: text/plain; charset=utf-8', `Content-Length: ${bytes.length}`];
	socket.end(Buffer.concat([Buffer.from(`${head.join('\r\n')}\r\n\r\n`, 'latin1'), bytes]));
}

function cutTransport(socket: Socket): void {
	const transport = socket.conn.transport as unknown as { name?: string; socket?: { terminate?: () => void } };
	if (transport.name === 'websocket' && typeof transport.socket?.terminate === 'function') transport.socket.terminate();
	else socket.conn.close();
}

export function createSimSocketIo(options: SimSocketIoOptions): SimSocketIoShell {
	const { server, faults, requests } = options;
	const io = new Server(server, { path: options.path, serveClient: false, cors: { origin: '*' } });
	const prefix = `${options.path.replace(/\/$/, '')}/`;
	const handshakes = new WeakMap<IncomingMessage, { record: RequestRecord; fault?: DropFault }>();
	const tracked = new Map<Socket, Tracked>();
	let closed = false;

	/** A handshake's log entry and fault; false when the fault refused it (already answered). */
	function intake(req: IncomingMessage, answer: (status: number | undefined, body: string) => void): boolean {
		const { path, query } = parseTarget(req.url ?? '/');
		if (query.has('sid')) return true;
		const record: RequestRecord = { method: (req.method ?? 'GET').toUpperCase(), path, query: Object.fromEntries(query), at: Date.now(), status: 0 };
		requests.push(record);
		if (closed) {
			answer(undefined, '');
			return false;
		}
		const fault = faults.take(record.method, path, 'socket') as SocketFault | undefined;
		if (fault) record.fault = fault.kind;
		if (fault?.kind === 'socket-refuse') {
			if (fault.status !== undefined) record.status = fault.status;
			answer(fault.status, fault.body ?? STATUS_CODES[fault.status ?? 500] ?? 'Error');
			return false;
		}
		handshakes.set(req, { record, fault: fault?.kind === 'socket-drop' ? fault : undefined });
		return true;
	}

	// Socket.IO's engine wrapped the server's listeners; wrap its wrappers to see handshakes first.
	const engineRequest = server.listeners('request').slice() as ((req: IncomingMessage, res: ServerResponse) => void)[];
	server.removeAllListeners('request');
	server.on('request', (req: IncomingMessage, res: ServerResponse) => {
		if ((req.url ?? '').startsWith(prefix)) {
			const passed = intake(req, (status, body) => {
				if (status === undefined) req.socket.destroy();
				else res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(body);
			});
			if (!passed) return;
			res.on('finish', () => {
				const entry = handshakes.get(req);
				if (entry && !entry.record.status) entry.record.status = res.statusCode;
			});
		}
		for (const listener of engineRequest) listener.call(server, req, res);
	});
	const engineUpgrade = server.listeners('upgrade').slice() as ((req: IncomingMessage, socket: Duplex, head: Buffer) => void)[];
	server.removeAllListeners('upgrade');
	server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
		socket.on('error', () => socket.destroy());
		if ((req.url ?? '').startsWith(prefix)) {
			const passed = intake(req, (status, body) => (status === undefined ? socket.destroy() : answerUpgrade(socket, status, body)));
			if (!passed) return;
		}
		for (const listener of engineUpgrade) listener.call(server, req, socket, head);
	});

	io.engine.on('connection', (connection: { request: IncomingMessage; transport: { name: string } }) => {
		const entry = handshakes.get(connection.request);
		if (entry && connection.transport.name === 'websocket') entry.record.status = 101;
	});

	io.on('connection', (socket) => {
		const entry = handshakes.get(socket.request);
		socket.on('disconnect', () => {
			clearTimeout(tracked.get(socket)?.timer);
			tracked.delete(socket);
		});
		if (!entry?.fault) return;
		const fault = entry.fault;
		const state: Tracked = { fault, left: fault.afterMessages ?? (fault.afterMs === undefined ? 1 : undefined) };
		if (fault.afterMs !== undefined) state.timer = setTimeout(() => drop(socket, fault), fault.afterMs);
		tracked.set(socket, state);
	});

	function drop(socket: Socket, fault: DropFault): void {
		if (fault.closeCode !== undefined) socket.disconnect(true);
		else cutTransport(socket);
	}

	return {
		io,
		send(socket, event, data) {
			if (!socket.connected) return false;
			socket.emit(event, data);
			const state = tracked.get(socket);
			if (state?.left !== undefined && --state.left <= 0) {
				state.left = undefined;
				// After the frame is on its way, as a proxy dying mid-stream would.
				setImmediate(() => drop(socket, state.fault));
			}
			return true;
		},
		sockets: () => [...io.of('/').sockets.values()],
		cut(sockets) {
			for (const socket of sockets) cutTransport(socket);
			return sockets.length;
		},
		close() {
			closed = true;
			for (const state of tracked.values()) clearTimeout(state.timer);
			tracked.clear();
			io.close();
		},
	};
}
