// Runtime-neutral: web-standard APIs only (no node:, Deno, process), so n8n, Node and Deno share it.
import type { OpenSocket } from './env.ts';

export type WebSocketConstructor = new (url: string, protocols?: string | string[] | Record<string, unknown>) => ReturnType<OpenSocket>;

/**
 * An OpenSocket over a standard WebSocket class. Headers go
 * in undici's (Node) and Deno's second-argument form; a browser-style WebSocket cannot send them,
 * and a provider that needs them authenticates in its first message instead.
 */
export function socketOpener(WebSocketClass: WebSocketConstructor | undefined): OpenSocket | undefined {
	if (!WebSocketClass) return undefined;
	return (url, options = {}) =>
		options.headers ? new WebSocketClass(url, { protocols: options.protocols, headers: options.headers }) : new WebSocketClass(url, options.protocols);
}

/** The runtime's own WebSocket (Deno, Node 22+ and so n8n 2.x); none on Node 20. */
export function standardSocket(): OpenSocket | undefined {
	return socketOpener((globalThis as { WebSocket?: WebSocketConstructor }).WebSocket);
}

/**
 * The runtime's own WebSocket, else the class `loadFallback` gives, loaded only when the first
 * socket opens: Node 20 has no global WebSocket, and its hosts hand in undici's.
 */
export function socketWithFallback(loadFallback: () => WebSocketConstructor): OpenSocket {
	const standard = standardSocket();
	if (standard) return standard;
	let fallback: OpenSocket | undefined;
	return (url, options) => {
		fallback ??= socketOpener(loadFallback()) as OpenSocket;
		return fallback(url, options);
	};
}
