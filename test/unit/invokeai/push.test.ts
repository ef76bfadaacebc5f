// InvokeAI's Socket.IO channel: the events as 6.x sends them (duplicates in 6.12-6.13, redacted
// copies in 6.14), the shared socket, and the waiter it feeds: progress as news without reads, a
// final state as a wake, and polling alone when the socket cannot be had.
import nock from 'nock';

import type { WaitProgress } from '../../../nodes/shared/core/waiter.ts';
import { waitFor } from '../../../nodes/shared/core/waiter.ts';
import { invokeaiJobs } from '../../../nodes/shared/providers/invokeai/job.ts';
import type { ItemNews } from '../../../nodes/shared/providers/invokeai/push.ts';
import { PROGRESS_WAKE_GAP_MS, QueueEventChannel, readQueueEvent, socketAddress } from '../../../nodes/shared/providers/invokeai/push.ts';
import type { QueueItem } from '../../../nodes/shared/providers/invokeai/schemas.ts';
import type { TestEnv } from './fakes.ts';
import { BASE, client, fakeEventSockets, onNaps, progressEvent, QUEUE, queueItem, settle, sleepUntilWoken, statusEvent, testEnv } from './fakes.ts';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

function channel(env: TestEnv, token?: string): QueueEventChannel {
	return new QueueEventChannel(BASE, env, 'InvokeAI', async () => token);
}

/** What a watcher of `itemId` hears, as `read` (no news) or the news itself. */
function heard(channelUnderTest: QueueEventChannel, itemId: number): Array<ItemNews | 'read'> {
	const seen: Array<ItemNews | 'read'> = [];
	channelUnderTest.watch(itemId, (news) => seen.push(news ?? 'read'));
	return seen;
}

describe('InvokeAI Socket.IO events', () => {
	it('connects at the origin, under the path the address has', () => {
		expect(socketAddress('http://gpu.lan:9090')).toEqual({ origin: 'http://gpu.lan:9090', path: '/ws/socket.io' });
		expect(socketAddress('https://example.com/invoke/')).toEqual({ origin: 'https://example.com', path: '/invoke/ws/socket.io' });
	});

	it('reads a final status as the end, any other as news, progress with the workflow node, and a node error as a reason to read', () => {
		expect(readQueueEvent('queue_item_status_changed', statusEvent(3, 'completed'))?.event).toEqual({ kind: 'ended', itemIds: [3], status: 'completed' });
		expect(readQueueEvent('queue_item_status_changed', statusEvent(3, 'waiting'))?.event).toEqual({ kind: 'status', itemIds: [3], status: 'waiting' });
		expect(readQueueEvent('invocation_progress', progressEvent(3, 0.4))?.event).toEqual({
			kind: 'progress',
			itemIds: [3],
			sourceId: 'denoise',
			nodeType: 'denoise_latents',
			percentage: 0.4,
			message: 'Denoising',
		});
		expect(readQueueEvent('invocation_progress', progressEvent(3, null))?.event).not.toHaveProperty('percentage');
		expect(readQueueEvent('invocation_error', { ...progressEvent(3, null), error_type: 'OutOfMemoryError' })?.event).toEqual({ kind: 'node-error', itemIds: [3] });
		expect(readQueueEvent('queue_items_canceled', { queue_id: 'default', canceled_item_ids: [4, 5], user_ids: ['system'] })?.event).toEqual({
			kind: 'ended',
			itemIds: [4, 5],
			status: 'canceled',
		});
	});

	it("ignores 6.14's redacted copies, other queues, unknown events and payloads of no known shape", () => {
		const redacted = statusEvent(3, 'completed', { user_id: 'redacted', batch_id: 'redacted', session_id: 'redacted', origin: null, destination: null });
		expect(readQueueEvent('queue_item_status_changed', redacted)).toBeUndefined();
		expect(readQueueEvent('queue_item_status_changed', statusEvent(3, 'completed', { queue_id: 'other' }))).toBeUndefined();
		expect(readQueueEvent('model_load_started', statusEvent(3, 'completed'))).toBeUndefined();
		expect(readQueueEvent('queue_item_status_changed', 'completed')).toBeUndefined();
		expect(readQueueEvent('queue_item_status_changed', { ...statusEvent(3, 'completed'), item_id: '3' })).toBeUndefined();
	});

	it('gives the two copies of a 6.13 event one key, and different events different keys', () => {
		const key = (name: string, payload: unknown) => readQueueEvent(name, payload)?.key;
		expect(key('queue_item_status_changed', statusEvent(3, 'completed'))).toBe(key('queue_item_status_changed', structuredClone(statusEvent(3, 'completed'))));
		expect(key('queue_item_status_changed', statusEvent(3, 'in_progress'))).not.toBe(key('queue_item_status_changed', statusEvent(3, 'completed')));
		expect(key('invocation_progress', progressEvent(3, 0.1))).not.toBe(key('invocation_progress', progressEvent(3, 0.2)));
	});
});

describe('InvokeAI Socket.IO channel', () => {
	it('opens one socket for all its users, with the token in the handshake, joins the queue, and closes with the last release', async () => {
		const sockets = fakeEventSockets();
		const env = testEnv(sockets.open);
		const events = channel(env, 'secret-token');
		const first = events.acquire();
		const second = events.acquire();
		await settle();
		expect(sockets.sockets).toHaveLength(1);
		const [socket] = sockets.sockets;
		expect(socket.origin).toBe(BASE);
		expect(socket.options).toEqual({ path: '/ws/socket.io', auth: { token: 'secret-token' } });
		expect(socket.emitted.map(({ event, args }) => [event, args[0]])).toEqual([['subscribe_queue', { queue_id: 'default' }]]);
		expect(events.healthy).toBe(true);
		first.release();
		first.release();
		expect(socket.disconnected).toBe(false);
		second.release();
		expect(socket.disconnected).toBe(true);
		expect(events.healthy).toBe(false);
	});

	it('wakes the watchers of an item that ended, passes news of the others, and ignores other items', async () => {
		const sockets = fakeEventSockets();
		const env = testEnv(sockets.open);
		const events = channel(env);
		events.acquire();
		await settle();
		const mine = heard(events, 3);
		const socket = sockets.sockets[0];
		socket.send('queue_item_status_changed', statusEvent(3, 'in_progress'));
		socket.send('queue_item_status_changed', statusEvent(9, 'completed'));
		socket.send('invocation_progress', progressEvent(3, 0.25));
		socket.send('queue_item_status_changed', statusEvent(3, 'completed'));
		expect(mine).toEqual([{ phase: 'running' }, { phase: 'running', progress: 25, sourceId: 'denoise', nodeType: 'denoise_latents', message: 'Denoising' }, 'read']);
	});

	it('passes on progress at most every so often, and each event of 6.13 once though it comes twice', async () => {
		const sockets = fakeEventSockets();
		const env = testEnv(sockets.open);
		const events = channel(env);
		events.acquire();
		await settle();
		const mine = heard(events, 3);
		const socket = sockets.sockets[0];
		const twice = (name: string, payload: Record<string, unknown>) => {
			socket.send(name, payload);
			socket.send(name, { ...structuredClone(payload), image: null });
		};
		twice('invocation_progress', progressEvent(3, 0.1));
		twice('invocation_progress', progressEvent(3, 0.2));
		env.clock.now += PROGRESS_WAKE_GAP_MS;
		twice('invocation_progress', progressEvent(3, 0.3));
		twice('queue_item_status_changed', statusEvent(3, 'completed'));
		expect(mine.map((news) => (news === 'read' ? news : news.progress))).toEqual([10, 30, 'read']);
	});

	it("ignores 6.14's redacted copies, even one with the id of an item it watches", async () => {
		const sockets = fakeEventSockets();
		const events = channel(testEnv(sockets.open));
		events.acquire();
		await settle();
		const mine = heard(events, 3);
		sockets.sockets[0].send('queue_item_status_changed', statusEvent(3, 'completed', { user_id: 'redacted', batch_id: 'redacted', session_id: 'redacted' }));
		expect(mine).toEqual([]);
	});

	it('wakes a watcher at once when its item already ended, and each item of a bulk cancel', async () => {
		const sockets = fakeEventSockets();
		const events = channel(testEnv(sockets.open));
		events.acquire();
		await settle();
		sockets.sockets[0].send('queue_item_status_changed', statusEvent(3, 'failed'));
		expect(heard(events, 3)).toEqual(['read']);
		const four = heard(events, 4);
		const five = heard(events, 5);
		sockets.sockets[0].send('queue_items_canceled', { timestamp: 1, queue_id: 'default', canceled_item_ids: [4, 5], user_ids: ['system'] });
		expect([four, five]).toEqual([['read'], ['read']]);
	});

	it('joins the queue again after a drop, and has every watcher read what it missed', async () => {
		const sockets = fakeEventSockets();
		const env = testEnv(sockets.open);
		const events = channel(env);
		events.acquire();
		await settle();
		const mine = heard(events, 3);
		const socket = sockets.sockets[0];
		socket.drop();
		expect(events.healthy).toBe(false);
		socket.connect();
		await settle();
		expect(events.healthy).toBe(true);
		expect(socket.emitted.filter(({ event }) => event === 'subscribe_queue')).toHaveLength(2);
		expect(mine).toEqual(['read']);
	});

	it('stays down when the handshake is refused, warning once without the token', async () => {
		const sockets = fakeEventSockets({ autoConnect: false });
		const env = testEnv(sockets.open);
		const events = channel(env, 'secret-token');
		events.acquire();
		await settle();
		sockets.sockets[0].refuse();
		sockets.sockets[0].refuse('websocket error');
		await events.untilJoined(1_000);
		expect(events.healthy).toBe(false);
		const warnings = env.logger.lines.filter((line) => line.level === 'warn');
		expect(warnings).toHaveLength(1);
		expect(warnings[0].message).toBe(
			'InvokeAI: the Socket.IO channel http://invoke.test:9090/ws/socket.io could not connect (Connection rejected by server); queue items are followed by polling alone',
		);
		expect(JSON.stringify(env.logger.lines)).not.toContain('secret-token');
	});

	it('settles without a socket where the host has no Socket.IO client, saying so at debug level', async () => {
		const env = testEnv();
		const events = channel(env);
		events.acquire();
		await settle();
		await events.untilJoined(1_000);
		expect(env.sleeps).toEqual([]);
		expect(env.logger.lines).toEqual([{ level: 'debug', message: 'InvokeAI: this host has no Socket.IO client; queue items are followed by polling alone', meta: undefined }]);
	});

	it('waits a while for a socket that neither connects nor fails, then goes on', async () => {
		const sockets = fakeEventSockets({ autoConnect: false });
		const env = testEnv(sockets.open);
		const events = channel(env);
		events.acquire();
		await settle();
		await events.untilJoined(3_000);
		expect(env.sleeps).toEqual([3_000]);
		expect(events.healthy).toBe(false);
	});
});

describe('InvokeAI waits fed by the channel', () => {
	/** Reads of item 5, answered in turn (the last one repeats). */
	function reads(answers: QueueItem[]): { count: number } {
		const seen = { count: 0 };
		nock(BASE)
			.get(`${QUEUE}/i/5`)
			.times(20)
			.reply(() => [200, answers[Math.min(seen.count++, answers.length - 1)]]);
		return seen;
	}

	it('reports progress as it comes, without reads, and reads once more when the item ends', async () => {
		const sockets = fakeEventSockets();
		const env = testEnv(sockets.open);
		// The clock moves only through what the test does, and a nap ends only when the socket wakes it.
		sleepUntilWoken(env);
		const seen = reads([queueItem(5, 'in_progress'), queueItem(5, 'completed')]);
		onNaps(env, (nap) => {
			if (nap !== 1) return;
			const socket = sockets.sockets[0];
			for (const percentage of [0.25, 0.5]) {
				// 6.13 sends single-user sockets every event twice.
				socket.send('invocation_progress', progressEvent(5, percentage));
				socket.send('invocation_progress', progressEvent(5, percentage));
				env.clock.now += PROGRESS_WAKE_GAP_MS;
			}
			socket.send('queue_item_status_changed', statusEvent(5, 'completed'));
			socket.send('queue_item_status_changed', statusEvent(5, 'completed'));
		});
		const progress: string[] = [];
		const adapter = invokeaiJobs(client(env), { labels: new Map([['denoise', 'Denoise - SDXL']]) });
		const item = await waitFor(adapter, '5', {
			env,
			timeoutMs: 60_000,
			onProgress: (update: WaitProgress) => progress.push(`${update.phase} ${update.progress ?? '-'} ${update.stage ?? '-'}`),
		});
		expect(item.status).toBe('completed');
		expect(seen.count).toBe(2);
		expect(progress).toEqual(['running - -', 'running 25 Denoise - SDXL', 'running 50 Denoise - SDXL', 'succeeded 100 -']);
		expect(sockets.sockets[0].disconnected).toBe(true);
	});

	it('polls the item to its end when the socket is refused', async () => {
		const sockets = fakeEventSockets({ autoConnect: false });
		const env = testEnv(sockets.open);
		onNaps(env, (nap) => nap === 1 && sockets.sockets[0].refuse());
		const seen = reads([queueItem(5, 'pending'), queueItem(5, 'in_progress'), queueItem(5, 'completed')]);
		const item = await waitFor(invokeaiJobs(client(env)), '5', { env, timeoutMs: 60_000 });
		expect(item.status).toBe('completed');
		expect(seen.count).toBe(3);
		expect(env.sleeps.length).toBe(3);
		expect(env.logger.lines.filter((line) => line.level === 'warn')).toHaveLength(1);
	});

	it('polls the item to its end when the socket drops mid-way', async () => {
		const sockets = fakeEventSockets();
		const env = testEnv(sockets.open);
		onNaps(env, (nap) => nap === 1 && sockets.sockets[0].drop('io server disconnect'));
		const seen = reads([queueItem(5, 'in_progress'), queueItem(5, 'in_progress'), queueItem(5, 'completed')]);
		const item = await waitFor(invokeaiJobs(client(env)), '5', { env, timeoutMs: 60_000 });
		expect(item.status).toBe('completed');
		expect(seen.count).toBe(3);
	});

	it("fails an item someone else cancelled with a message that says so, after the socket's word", async () => {
		const sockets = fakeEventSockets();
		const env = testEnv(sockets.open);
		sleepUntilWoken(env);
		onNaps(env, (nap) => nap === 1 && sockets.sockets[0].send('queue_item_status_changed', statusEvent(5, 'canceled')));
		reads([queueItem(5, 'in_progress'), queueItem(5, 'canceled')]);
		await expect(waitFor(invokeaiJobs(client(env)), '5', { env, timeoutMs: 60_000 })).rejects.toMatchObject({
			kind: 'job-failed',
			message: "InvokeAI queue item 5 failed: it was cancelled on the server (in InvokeAI's queue, by someone or something other than this run)",
		});
	});
});
