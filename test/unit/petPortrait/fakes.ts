// What the Pet Portrait unit tests share: a hand-written WebSocket, an Env around it whose clock
// only moves when the code sleeps, a logger that keeps its lines, and the server's answers as the
// reference (pet-portrait.md) shows them.
import { recordingLogger } from '../../helpers/recordingLogger.ts';
import type { Env, OpenSocket, PushSocket } from '../../../nodes/shared/core/env.ts';
import { fetchTransport } from '../../../nodes/shared/core/fetchTransport.ts';
import { PetPortrait } from '../../../nodes/shared/providers/petPortrait/api.ts';
import { SOCKET_OPEN_WAIT_MS } from '../../../nodes/shared/providers/petPortrait/push.ts';
import { virtualEnv } from '../../helpers/virtualEnv.ts';

export const BASE = 'http://pet.test:3000';
export const SESSION = '550e8400-e29b-41d4-a716-446655440000';
export const RESULT_IMAGE = '/api/images/output_00001_.png?type=output&subfolder=';

type Listener = (event: { data: unknown }) => void;

/** A WebSocket driven by the test: it opens, speaks and fails when told to. */
export class FakeSocket implements PushSocket {
	readyState = 0;
	readonly sent: string[] = [];
	closedBy?: { code?: number; reason?: string };
	private readonly listeners = new Map<string, Listener[]>();

	constructor(readonly url: string) {}

	send(data: string): void {
		this.sent.push(data);
	}

	close(code?: number, reason?: string): void {
		this.closedBy = { code, reason };
		this.readyState = 3;
	}

	addEventListener(type: string, listener: Listener): void {
		this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
	}

	open(): void {
		this.readyState = 1;
		this.emit('open', { data: undefined });
	}

	/** A JSON message (objects are serialised), or raw data as a runtime hands it over. */
	message(payload: unknown, raw = false): void {
		this.emit('message', { data: raw || typeof payload === 'string' ? payload : JSON.stringify(payload) });
	}

	/** What a refused or dropped connection does: error, then close. */
	fail(): void {
		this.readyState = 3;
		this.emit('error', { data: undefined });
		this.emit('close', { data: undefined });
	}

	private emit(type: string, event: { data: unknown }): void {
		for (const listener of this.listeners.get(type) ?? []) listener(event);
	}
}

/** An OpenSocket that records every socket; each opens on its own right after it is made, unless `autoOpen` is false. */
export function fakeSockets(options: { autoOpen?: boolean } = {}): { open: OpenSocket; sockets: FakeSocket[] } {
	const sockets: FakeSocket[] = [];
	const open: OpenSocket = (url) => {
		const socket = new FakeSocket(url);
		sockets.push(socket);
		if (options.autoOpen !== false) queueMicrotask(() => socket.open());
		return socket;
	};
	return { open, sockets };
}

export type { LoggedLine } from '../../helpers/recordingLogger.ts';

export { recordingLogger };

export type TestEnv = ReturnType<typeof virtualEnv> & { logger: ReturnType<typeof recordingLogger> };

/** A virtual-clock Env over fetch (nock answers), with a recording logger and, if given, a socket opener. */
export function testEnv(openSocket?: OpenSocket): TestEnv {
	const env = virtualEnv(fetchTransport()) as TestEnv;
	env.logger = recordingLogger();
	if (openSocket) env.openSocket = openSocket;
	return env;
}

/** A sleep that ends only when woken (its signal aborts): time passes only through pushes. */
export function sleepUntilWoken(env: Env): void {
	env.sleep = (_ms, signal) =>
		new Promise((_resolve, reject) => {
			if (signal?.aborted) reject(new DOMException('woken', 'AbortError'));
			signal?.addEventListener('abort', () => reject(new DOMException('woken', 'AbortError')));
		});
}

/**
 * Makes the socket speak while the waiter naps: at its n-th nap (the wait for the socket to open
 * aside) the n-th message, if any, is sent before the nap starts, so it cuts it short if it says
 * the run may have ended. An array sends several messages in that nap, in order.
 */
export function pushOnNaps(env: Env, socket: () => FakeSocket, messages: Array<unknown | undefined>): void {
	const sleep = env.sleep.bind(env);
	let nap = 0;
	env.sleep = (ms, signal) => {
		if (ms !== SOCKET_OPEN_WAIT_MS) {
			const message = messages[nap++];
			for (const one of Array.isArray(message) ? message : message === undefined ? [] : [message]) socket().message(one);
		}
		return sleep(ms, signal);
	};
}

/** Like sleepUntilWoken, except the first nap of the wait, which ends on its own (the first read of a wait). */
export function sleepUntilWokenAfterFirstNap(env: Env): void {
	let naps = 0;
	sleepUntilWoken(env);
	const untilWoken = env.sleep.bind(env);
	env.sleep = (ms, signal) => (ms !== SOCKET_OPEN_WAIT_MS && naps++ === 0 ? Promise.resolve() : untilWoken(ms, signal));
}

export function client(env: Env = testEnv(), extra: { retry?: { maxRetries: number } } = {}): PetPortrait {
	return new PetPortrait({ baseUrl: BASE, env, retry: extra.retry ?? { maxRetries: 0 } });
}

export const workflowInfoDoc = {
	totalNodes: 50,
	aspectRatio: { width: 832, height: 1216 },
	userInputs: [{ nodeId: '229', type: 'text', title: 'Pet Type Input', description: 'Enter the type of pet (e.g., dog, cat, bird)', defaultValue: 'dog' }],
	nodeTypes: [
		{ id: '229', type: 'CLIPTextEncode', title: 'Pet Type Input' },
		{ id: '3', type: 'KSampler', title: 'KSampler Node' },
	],
};

export const workflowInfoTsType = { nodeCount: 42, nodeTypes: { KSampler: 2, CLIPTextEncode: 3 }, executionOrderLength: 42 };

/** A session after upload: the doc's word, no run yet (sibling: times absent). */
export const uploadedStatus = (word = 'uploaded') => ({ sessionId: SESSION, status: word, progress: 0, currentNode: null, message: 'Initializing', resultImage: null });

export const processingStatus = (progress = 45, startTime = '2024-06-15T12:34:56.789Z') => ({
	sessionId: SESSION,
	status: 'processing',
	progress,
	currentNode: '3',
	currentNodeInfo: { id: '3', type: 'KSampler', title: 'KSampler Node' },
	message: 'Processing: KSampler',
	resultImage: null,
	startTime,
	endTime: null,
	// Consistent with the percent (the doc's own example, 45 % at 5 of 42 nodes, is not).
	executedNodesCount: (progress * 40) / 100,
	totalNodes: 40,
});

export const completedStatus = (resultImage: string | null = RESULT_IMAGE, startTime = '2024-06-15T12:34:56.789Z') => ({
	sessionId: SESSION,
	status: 'completed',
	progress: 100,
	currentNode: null,
	currentNodeInfo: null,
	message: 'Portrait completed',
	resultImage,
	startTime,
	endTime: '2024-06-15T12:35:40.789Z',
	executedNodesCount: 42,
	totalNodes: 42,
});

export const failedStatus = (extra: Record<string, unknown> = {}) => ({ ...processingStatus(60), status: 'failed', ...extra });

export const generated = (promptId = 'prompt-1', message = 'Portrait generation started') => ({
	success: true,
	sessionId: SESSION,
	promptId,
	message,
	wsEndpoint: `/ws?clientId=pet-portrait-${SESSION}`,
	totalNodes: 42,
});

export const uploadedAnswer = { success: true, sessionId: SESSION, message: 'Image uploaded successfully', imageUrl: '/api/images/1718454896-rex.jpg?type=input&subfolder=' };

export const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);

export const photo = (mimeType = 'image/jpeg', fileName = 'rex.jpg') => ({ data: new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]), fileName, mimeType });
/** A file that is no picture (its first bytes say so), under whatever name and type a test gives. */
export const notAPhoto = (mimeType: string, fileName: string) => ({ data: new TextEncoder().encode('%PDF-1.7 not a pet'), fileName, mimeType });
