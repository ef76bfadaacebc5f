// An authenticating reverse proxy for the CLI tests: it lets through only requests (and WebSocket
// upgrades) that carry one header with one value, answering others 401, and passes the rest to the
// Pet Portrait simulator behind it byte for byte. It logs what it saw, so a test can tell that the
// CLI's WebSocket went through it, header and all.
import type { IncomingMessage } from 'node:http';
import { createServer, request } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { connect } from 'node:net';
import type { Duplex } from 'node:stream';

export interface ProxySeen {
	method: string;
	/** As received, query included. */
	url: string;
	upgrade: boolean;
	/** Whether it carried the header with the right value. */
	authorized: boolean;
}

export interface AuthProxy {
	url: string;
	seen: ProxySeen[];
	close(): Promise<void>;
}

export const PROXY_REFUSAL = 'Proxy authentication required';

export async function startAuthProxy(target: string, header: { name: string; value: string }): Promise<AuthProxy> {
	const upstream = new URL(target);
	const port = Number(upstream.port);
	const seen: ProxySeen[] = [];
	const open = new Set<Duplex>();
	const authorized = (incoming: IncomingMessage) => incoming.headers[header.name.toLowerCase()] === header.value;

	const server = createServer((incoming, answer) => {
		const ok = authorized(incoming);
		seen.push({ method: incoming.method ?? '', url: incoming.url ?? '', upgrade: false, authorized: ok });
		if (!ok) {
			incoming.resume();
			answer.writeHead(401, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify({ error: PROXY_REFUSAL }));
			return;
		}
		// A fresh connection upstream for each request: a pooled one the simulator closes as idle just
		// as it is reused would cut a request the CLI sent whole, and fail a test for the proxy's sake.
		const forwarded = request({ host: upstream.hostname, port, method: incoming.method, path: incoming.url, headers: { ...incoming.headers, connection: 'close' }, agent: false }, (reply) => {
			answer.writeHead(reply.statusCode ?? 502, reply.headers);
			reply.pipe(answer);
		});
		forwarded.on('error', () => answer.destroy());
		incoming.pipe(forwarded);
	});

	server.on('upgrade', (incoming: IncomingMessage, client: Socket, head: Buffer) => {
		const ok = authorized(incoming);
		seen.push({ method: incoming.method ?? '', url: incoming.url ?? '', upgrade: true, authorized: ok });
		if (!ok) {
			client.end(`HTTP/1.1 401 Unauthorized\r\ncontent-type: application/json\r\ncontent-length: ${PROXY_REFUSAL.length + 12}\r\nconnection: close\r\n\r\n{"error":"${PROXY_REFUSAL}"}`);
			return;
		}
		const backend = connect(port, upstream.hostname);
		open.add(client);
		open.add(backend);
		const cut = () => {
			client.destroy();
			backend.destroy();
			open.delete(client);
			open.delete(backend);
		};
		for (const socket of [client, backend]) {
			socket.on('error', cut);
			socket.on('close', cut);
		}
		backend.on('connect', () => {
			const lines = [`${incoming.method} ${incoming.url} HTTP/${incoming.httpVersion}`];
			for (let index = 0; index < incoming.rawHeaders.length; index += 2) lines.push(`${incoming.rawHeaders[index]}: ${incoming.rawHeaders[index + 1]}`);
			backend.write(`${lines.join('\r\n')}\r\n\r\n`);
			if (head.length > 0) backend.write(head);
			backend.pipe(client);
			client.pipe(backend);
		});
	});

	// The CLI's idle connections are never closed under it (Node's default closes them after 5 s, a poll's gap).
	server.keepAliveTimeout = 120_000;
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port: own } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${own}`,
		seen,
		async close() {
			for (const socket of open) socket.destroy();
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}
