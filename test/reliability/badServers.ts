// Servers that are not the API a node or `genflows` expects, shared by the reliability tests: one
// that answers every request with an HTML page (a login page, a web UI on the wrong port), one
// that answers with cut-off JSON, one that redirects every request to another host (which logs
// what reaches it), and an address where nothing listens. Each keeps a log of what it received,
// headers included, so a test can check that nothing was submitted and no credential went there.
import type { IncomingHttpHeaders, Server } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createServer as createTcpServer } from 'node:net';

export interface SeenRequest {
	method: string;
	path: string;
	headers: IncomingHttpHeaders;
}

export interface BadServer {
	url: string;
	requests: SeenRequest[];
	/** Requests that would change something on a real server (anything but GET and HEAD). */
	writes(): SeenRequest[];
	close(): Promise<void>;
}

export type BadServerKind = 'html' | 'malformed-json' | 'redirect';

const HTML_PAGE = '<!DOCTYPE html>\n<html><head><title>Sign in</title></head><body><form method="post"><input name="password"></form></body></html>\n';

async function listen(server: Server, sockets: Set<Socket>, requests: SeenRequest[]): Promise<BadServer> {
	server.on('connection', (socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		requests,
		writes: () => requests.filter((request) => request.method !== 'GET' && request.method !== 'HEAD'),
		close: () =>
			new Promise((resolve) => {
				for (const socket of sockets) socket.destroy();
				server.close(() => resolve());
			}),
	};
}

/** `redirectTo`: the origin a 'redirect' server sends every request to (default: an unreachable test host). */
export async function startBadServer(kind: BadServerKind, redirectTo = 'http://login.example.test'): Promise<BadServer> {
	const requests: SeenRequest[] = [];
	const server = createServer((request, response) => {
		requests.push({ method: request.method ?? 'GET', path: request.url ?? '/', headers: request.headers });
		request.resume();
		if (kind === 'html') {
			response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(HTML_PAGE);
		} else if (kind === 'malformed-json') {
			response.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok","items":[{"id":1,"na');
		} else {
			response.writeHead(302, { location: `${redirectTo}${request.url ?? '/'}` }).end();
		}
	});
	return await listen(server, new Set(), requests);
}

/** A server that logs what it receives and answers 200 `{}`: the target of a redirect, or a foreign host. */
export async function startCaptureServer(): Promise<BadServer> {
	const requests: SeenRequest[] = [];
	const server = createServer((request, response) => {
		requests.push({ method: request.method ?? 'GET', path: request.url ?? '/', headers: request.headers });
		request.resume();
		response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
	});
	return await listen(server, new Set(), requests);
}

/** http://127.0.0.1:PORT where nothing listens (a port that was just free). */
export async function closedPortUrl(): Promise<string> {
	const server = createTcpServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	await new Promise((resolve) => server.close(resolve));
	return `http://127.0.0.1:${port}`;
}

/** The same address over TLS: a client speaking https:// to a plain-HTTP port. */
export const asHttps = (url: string) => url.replace(/^http:\/\//, 'https://');
