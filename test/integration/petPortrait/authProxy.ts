// An authenticating reverse proxy in front of a simulator, as a Pet Portrait server may sit behind
// one: it lets a request (or a WebSocket upgrade) through only when it carries the expected header,
// answers 401 otherwise, and records what it saw (never the header's value).
import { createServer, request as httpRequest } from 'node:http';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { connect } from 'node:net';

export interface ProxyRecord {
	method: string;
	path: string;
	upgrade: boolean;
	authorized: boolean;
}

export interface AuthProxy {
	url: string;
	seen: ProxyRecord[];
	close(): Promise<void>;
}

export async function startAuthProxy(target: string, header: { name: string; value: string }): Promise<AuthProxy> {
	const upstream = new URL(target);
	const seen: ProxyRecord[] = [];
	const sockets = new Set<Socket>();
	const authorized = (request: IncomingMessage) => request.headers[header.name.toLowerCase()] === header.value;
	const record = (request: IncomingMessage, upgrade: boolean) => {
		const entry = { method: request.method ?? 'GET', path: (request.url ?? '/').split('?')[0], upgrade, authorized: authorized(request) };
		seen.push(entry);
		return entry;
	};

	const server = createServer((request, response) => {
		if (!record(request, false).authorized) {
			response.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'Unauthorized by the proxy' }));
			return;
		}
		const forwarded = httpRequest(
			{ host: upstream.hostname, port: upstream.port, method: request.method, path: request.url, headers: { ...request.headers, host: upstream.host } },
			(answer) => {
				response.writeHead(answer.statusCode ?? 502, answer.headers);
				answer.pipe(response);
			},
		);
		forwarded.on('error', () => response.destroy());
		request.pipe(forwarded);
	});

	server.on('upgrade', (request: IncomingMessage, socket: Socket, head: Buffer) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
		if (!record(request, true).authorized) {
			socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
			return;
		}
		const onward = connect(Number(upstream.port), upstream.hostname, () => {
			const lines = [`${request.method} ${request.url} HTTP/1.1`];
			for (let index = 0; index < request.rawHeaders.length; index += 2) lines.push(`${request.rawHeaders[index]}: ${request.rawHeaders[index + 1]}`);
			onward.write(`${lines.join('\r\n')}\r\n\r\n`);
			if (head.length > 0) onward.write(head);
			socket.pipe(onward).pipe(socket);
		});
		sockets.add(onward);
		onward.on('close', () => sockets.delete(onward));
		const cut = () => {
			socket.destroy();
			onward.destroy();
		};
		onward.on('error', cut);
		socket.on('error', cut);
	});

	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		seen,
		close: async () => {
			for (const socket of sockets) socket.destroy();
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}
