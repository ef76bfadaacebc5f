// Runtime-neutral: web-standard APIs only (no node:, Deno, process), so n8n, Node and Deno share it.
//
// Pet Portrait's push channel: the WebSocket `/ws?clientId=pet-portrait-<sessionId>`. The server
// sends a session's messages only to a socket with exactly that clientId that is connected when
// they happen, so the socket is opened after the upload and before generate. It is a hint, never
// the truth: a message that the run ended (`result`, `error`, `executing` of no node) wakes the
// waiter, which then reads `/api/status` at once; progress messages are shown as they come,
// without a request. What a message said is kept (`PushNews`) for what the status read lacks (a
// `result` whose picture the status does not name yet, the text of an `error`, progress). A socket
// that cannot be had (no WebSocket on the host, refused, dropped) fails nothing: the session is polled instead.
import type { Env, PushSocket } from '../../core/env.ts';
import { redactUrl, redactUrlsIn } from '../../core/redact.ts';
import { parseValue } from '../../core/validate.ts';
import { errorDataSchema, progressDataSchema, pushMessageSchema, resultDataSchema } from './schemas.ts';

/** The prefix of the clientId the server gives a session's socket [doc]. */
export const CLIENT_ID_PREFIX = 'pet-portrait-';

/** Progress messages come per sampler step and per node: passed on at most once per this many ms. */
export const PROGRESS_WAKE_GAP_MS = 250;

/** How long a run waits for its socket to open before generating without it. */
export const SOCKET_OPEN_WAIT_MS = 3_000;

/** What the socket said of the session's current run. */
export interface PushNews {
	/** Percent, 0..100. */
	progress?: number;
	/** The title of the node running now. */
	nodeTitle?: string;
	executedNodesCount?: number;
	totalNodes?: number;
	/** ComfyUI finished executing (`executing` with `node: null`); the picture is named later. */
	executionDone?: boolean;
	/** From a `result` message: the finished portrait. */
	resultImage?: string;
	/** From an `error` message: ComfyUI's exception message. */
	error?: string;
}

/** One message, read: what it adds to the news, and whether it must wake the waiter at once. */
export interface PushUpdate {
	type: string;
	news: PushNews;
	/** The run may have ended (`result`, `error`, `executing` of no node): read the status now. Else progress, passed on at most every PROGRESS_WAKE_GAP_MS. */
	urgent: boolean;
}

/** The WebSocket address of a session: ws:// or wss:// as the base URL is http:// or https://, under its path. */
export function pushUrl(baseUrl: string, sessionId: string): string {
	const url = new URL(baseUrl);
	url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
	url.pathname = `${url.pathname.replace(/\/+$/, '')}/ws`;
	url.search = `?clientId=${encodeURIComponent(CLIENT_ID_PREFIX + sessionId)}`;
	url.hash = '';
	// The server asks for no credential, and a socket is no place for one.
	url.username = '';
	url.password = '';
	return url.toString();
}

/**
 * Reads one WebSocket message of `sessionId`'s socket. Undefined for what carries nothing for us:
 * binary frames, text that is not JSON, unknown types, a `result` of another session.
 */
export function readPushMessage(raw: unknown, sessionId: string): PushUpdate | undefined {
	if (typeof raw !== 'string') return undefined;
	let parsed: unknown;
	try {
		parsed = JSON.parse(raw);
	} catch {
		return undefined;
	}
	const message = pushMessageSchema.safeParse(parsed);
	if (!message.success) return undefined;
	const { type, data } = message.data;
	try {
		switch (type) {
			case 'progress':
			case 'detailed_progress':
				return { type, news: progressNews(data), urgent: false };
			case 'executing': {
				const payload = parseValue(progressDataSchema, data ?? {}, 'executing');
				const news = progressNews(payload);
				if (payload.node === null) news.executionDone = true;
				return { type, news, urgent: payload.node === null };
			}
			case 'result': {
				const payload = parseValue(resultDataSchema, data ?? {}, 'result');
				if (payload.sessionId && payload.sessionId !== sessionId) return undefined;
				return { type, news: payload.resultImage ? { resultImage: payload.resultImage, progress: 100 } : {}, urgent: true };
			}
			case 'error': {
				const payload = parseValue(errorDataSchema, data ?? {}, 'error');
				const text = typeof payload === 'string' ? payload : (payload.message ?? payload.exception_message ?? payload.error ?? '');
				return { type, news: { error: text.trim() || 'ComfyUI reported an execution error without a message' }, urgent: true };
			}
			default:
				return undefined;
		}
	} catch {
		// A known type with a payload of a shape no source shows: a wake is still worth it.
		return { type, news: {}, urgent: type !== 'progress' && type !== 'detailed_progress' };
	}
}

/** Progress of either payload: the overall percent where given, else ComfyUI's step fraction. */
function progressNews(data: unknown): PushNews {
	const payload = parseValue(progressDataSchema, data ?? {}, 'progress');
	const news: PushNews = {};
	if (typeof payload.progress === 'number') news.progress = payload.progress;
	else if (typeof payload.value === 'number') {
		const percent = payload.max && payload.max > 0 ? (payload.value / payload.max) * 100 : payload.value <= 1 ? payload.value * 100 : payload.value;
		news.progress = percent;
	}
	if (news.progress !== undefined) news.progress = Math.min(100, Math.max(0, news.progress));
	if (payload.nodeInfo?.title) news.nodeTitle = payload.nodeInfo.title;
	if (typeof payload.executedNodesCount === 'number') news.executedNodesCount = payload.executedNodesCount;
	if (typeof payload.totalNodes === 'number') news.totalNodes = payload.totalNodes;
	return news;
}

type ChannelState = 'connecting' | 'open' | 'down';

/** Hears a channel's messages; without an update when news that came before it listened matters. */
export type PushListener = (update?: PushUpdate) => void;

/** One session's socket: what it said so far, and who to wake when it says more. */
export class PushChannel {
	readonly sessionId: string;
	readonly url: string;
	news: PushNews = {};
	/** Settles once the socket opened, or could not be had. */
	readonly ready: Promise<void>;
	private state: ChannelState = 'connecting';
	private socket?: PushSocket;
	private readonly listeners = new Set<PushListener>();
	private lastSoftWakeAt = -Infinity;
	private closedByUs = false;
	private settled = false;
	private resolveReady!: () => void;

	constructor(
		baseUrl: string,
		sessionId: string,
		private readonly env: Env,
		private readonly service: string,
	) {
		this.sessionId = sessionId;
		let url = '';
		try {
			url = pushUrl(baseUrl, sessionId);
		} catch {
			// Not a URL: the HTTP requests say so; the session is polled.
		}
		this.url = url;
		this.ready = new Promise((resolve) => (this.resolveReady = resolve));
		this.connect();
	}

	/** True once the socket opened or could not be had: nothing more to wait for. */
	get isSettled(): boolean {
		return this.settled;
	}

	/** True while the socket is open: messages arrive, so polling is only a safety net. */
	get healthy(): boolean {
		return this.state === 'open';
	}

	/** Calls `wake` with each message that matters (progress at most every PROGRESS_WAKE_GAP_MS); returns the unsubscribe function. */
	listen(wake: PushListener): () => void {
		this.listeners.add(wake);
		// A result or error that came before anyone listened must not wait for the next poll.
		if (this.news.resultImage !== undefined || this.news.error !== undefined) wake();
		return () => this.listeners.delete(wake);
	}

	/** Forgets what the socket said of an earlier run: called just before a new generate or regenerate is sent. */
	resetRun(): void {
		this.news = {};
	}

	close(): void {
		this.closedByUs = true;
		this.listeners.clear();
		if (this.state === 'down') return;
		this.state = 'down';
		this.settle();
		try {
			this.socket?.close(1000, 'done');
		} catch {
			// Closing a socket that never opened may throw in some runtimes; nothing depends on it.
		}
	}

	private connect(): void {
		const { env } = this;
		const where = redactUrl(this.url);
		if (!env.openSocket || !this.url) {
			env.logger?.debug(`${this.service}: this host has no WebSocket; session ${this.sessionId} is followed by polling alone`);
			this.down();
			return;
		}
		let socket: PushSocket;
		try {
			socket = env.openSocket(this.url);
		} catch (error) {
			env.logger?.warn(`${this.service}: could not open the WebSocket ${where}; session ${this.sessionId} is followed by polling alone`, {
				reason: redactUrlsIn(error instanceof Error ? error.message : String(error)),
			});
			this.down();
			return;
		}
		this.socket = socket;
		socket.addEventListener('open', () => {
			if (this.state !== 'connecting') return;
			this.state = 'open';
			env.logger?.debug(`${this.service}: WebSocket open for session ${this.sessionId}`);
			this.settle();
		});
		socket.addEventListener('error', () => {
			if (this.closedByUs || this.state === 'down') return;
			env.logger?.warn(`${this.service}: the WebSocket ${where} failed; session ${this.sessionId} is followed by polling alone`);
			this.down();
		});
		socket.addEventListener('close', () => {
			if (this.closedByUs || this.state === 'down') return;
			env.logger?.debug(`${this.service}: the WebSocket ${where} closed; session ${this.sessionId} is followed by polling alone`);
			this.down();
		});
		socket.addEventListener('message', (event) => this.receive(event.data));
	}

	private settle(): void {
		this.settled = true;
		this.resolveReady();
	}

	private down(): void {
		this.state = 'down';
		this.settle();
	}

	private receive(data: unknown): void {
		if (this.closedByUs) return;
		const update = readPushMessage(data, this.sessionId);
		if (!update) return;
		this.news = { ...this.news, ...update.news };
		const now = this.env.now();
		if (!update.urgent) {
			if (now - this.lastSoftWakeAt < PROGRESS_WAKE_GAP_MS) return;
			this.lastSoftWakeAt = now;
		}
		for (const wake of [...this.listeners]) wake(update);
	}
}

/** A use of a channel; the socket closes when its last use is released. */
export interface PushLease {
	channel: PushChannel;
	release(): void;
}

/** The open channels of one client, one per session, shared by everyone following that session. */
export class PushChannels {
	private readonly open = new Map<string, { channel: PushChannel; uses: number }>();

	constructor(
		private readonly baseUrl: string,
		private readonly env: Env,
		private readonly service: string,
	) {}

	/** The session's channel, opened now if nobody holds it yet. */
	acquire(sessionId: string): PushLease {
		let entry = this.open.get(sessionId);
		if (!entry) {
			entry = { channel: new PushChannel(this.baseUrl, sessionId, this.env, this.service), uses: 0 };
			this.open.set(sessionId, entry);
		}
		entry.uses++;
		const held = entry;
		let released = false;
		return {
			channel: held.channel,
			release: () => {
				if (released) return;
				released = true;
				held.uses--;
				if (held.uses > 0 || this.open.get(sessionId) !== held) return;
				this.open.delete(sessionId);
				held.channel.close();
			},
		};
	}

	/** The session's channel if one is open; never opens one. */
	find(sessionId: string): PushChannel | undefined {
		return this.open.get(sessionId)?.channel;
	}
}

/**
 * Waits until the channel's socket is open (or cannot be had), at most `ms`: the server sends a
 * session's messages only to a socket connected when they happen.
 */
export async function untilOpen(channel: PushChannel, env: Env, ms: number, signal?: AbortSignal): Promise<void> {
	if (channel.isSettled) return;
	const stop = new AbortController();
	const signals = signal ? [signal, stop.signal] : [stop.signal];
	const nap = env.sleep(ms, AbortSignal.any(signals)).catch(() => undefined);
	await Promise.race([channel.ready, nap]);
	stop.abort();
}
