import * as workflow from 'n8n-workflow';
import type { Logger as N8nLogger } from 'n8n-workflow';

import type { Env, Logger, OpenEventSocket, OpenSocket } from '../core/env.ts';
import type { SocketIoConnect, WebSocketConstructor } from '../core/sockets.ts';
import { socketIoOpener, socketWithFallback } from '../core/sockets.ts';
import type { N8nTransportOptions, RequestContext } from './transport.ts';
import { n8nPlainTransport, n8nTransport } from './transport.ts';

type SleepFunction = (ms: number, signal?: AbortSignal) => Promise<void>;

// n8n 2.x: sleep(ms, signal) honours the signal. n8n 1.x: sleep(ms) ignores it and the abortable
// one is called sleepWithAbort. The package runs against the host's n8n-workflow, so pick at run time.
const hostSleep: SleepFunction =
	((workflow as unknown as { sleepWithAbort?: SleepFunction }).sleepWithAbort as SleepFunction | undefined) ??
	(workflow.sleep as SleepFunction);

export interface N8nEnvOptions extends N8nTransportOptions {
	/**
	 * Headers every WebSocket to the service sends on its upgrade request: n8n's credential
	 * authentication applies to the HTTP requests only. Where the host's WebSocket cannot send
	 * headers they are not sent, and the socket's owner falls back to polling if it is refused.
	 */
	socketHeaders?: Record<string, string>;
}

export function n8nEnv(context: RequestContext, credentialType: string, options: N8nEnvOptions = {}): Env {
	const { socketHeaders, ...transportOptions } = options;
	return {
		transport: n8nTransport(context, credentialType, transportOptions),
		plainTransport: n8nPlainTransport(context),
		sleep: hostSleep,
		now: () => Date.now(),
		logger: loggerFrom(context.logger),
		openSocket: socketHeaders && Object.keys(socketHeaders).length > 0 ? withSocketHeaders(hostSocket, socketHeaders) : hostSocket,
		openEventSocket: socketHeaders && Object.keys(socketHeaders).length > 0 ? withEventSocketHeaders(hostEventSocket, socketHeaders) : hostEventSocket,
	};
}

// n8n 2.x runs on Node 22/24, whose global WebSocket is undici's; n8n 1.x on Node 20 gets undici's directly.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const hostSocket = socketWithFallback(() => (require('undici') as { WebSocket: WebSocketConstructor }).WebSocket);

// Socket.IO push channels (InvokeAI's queue events): socket.io-client (a dependency), loaded when the first one opens.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const hostEventSocket = socketIoOpener(() => (require('socket.io-client') as { io: SocketIoConnect }).io);

/** `open`, with `headers` added to every Socket.IO handshake (a caller's own headers win). */
function withEventSocketHeaders(open: OpenEventSocket, headers: Record<string, string>): OpenEventSocket {
	return (origin, options) => open(origin, { ...options, headers: { ...headers, ...options.headers } });
}

/** `open`, with `headers` added to every socket it opens (a caller's own headers win). */
function withSocketHeaders(open: OpenSocket, headers: Record<string, string>): OpenSocket {
	return (url, options = {}) => open(url, { ...options, headers: { ...headers, ...options.headers } });
}

function loggerFrom(logger: N8nLogger): Logger {
	return {
		debug: (message, meta) => logger.debug(message, meta),
		info: (message, meta) => logger.info(message, meta),
		warn: (message, meta) => logger.warn(message, meta),
	};
}

/** The cancel signal of the running execution, on hosts and contexts that have one. */
export function cancelSignalOf(context: RequestContext): AbortSignal | undefined {
	return 'getExecutionCancelSignal' in context ? context.getExecutionCancelSignal() : undefined;
}
