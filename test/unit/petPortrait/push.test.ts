// The WebSocket messages of the doc and of the sibling server, and the channel that follows them.
import { PROGRESS_WAKE_GAP_MS, PushChannels, pushUrl, readPushMessage } from '../../../nodes/shared/providers/petPortrait/push.ts';
import { BASE, fakeSockets, RESULT_IMAGE, SESSION, testEnv } from './fakes.ts';

const read = (message: unknown) => readPushMessage(typeof message === 'string' ? message : JSON.stringify(message), SESSION);

describe('Pet Portrait WebSocket address', () => {
	it('is ws:// or wss:// as the base URL is http:// or https://, with the clientId the server expects', () => {
		expect(pushUrl('http://localhost:3000', 'abc')).toBe('ws://localhost:3000/ws?clientId=pet-portrait-abc');
		expect(pushUrl('https://pets.example.com/portrait/', 'abc')).toBe('wss://pets.example.com/portrait/ws?clientId=pet-portrait-abc');
		expect(pushUrl('http://user:pw@localhost:3000', 'abc')).toBe('ws://localhost:3000/ws?clientId=pet-portrait-abc');
	});
});

describe('Pet Portrait WebSocket messages', () => {
	it("reads the doc's progress as a fraction (times 100), and ComfyUI's steps out of max", () => {
		expect(read({ type: 'progress', data: { id: 'prompt-1', value: 0.5 } })).toEqual({ type: 'progress', news: { progress: 50 }, urgent: false });
		expect(read({ type: 'progress', data: { value: 5, max: 20 } })?.news).toEqual({ progress: 25 });
	});

	it("reads the doc's detailed_progress: percent, node title and counts", () => {
		const data = { progress: 45, currentNode: '3', nodeInfo: { id: '3', type: 'KSampler', title: 'KSampler Node' }, executedNodesCount: 5, totalNodes: 42 };
		expect(read({ type: 'detailed_progress', data })).toEqual({
			type: 'detailed_progress',
			news: { progress: 45, nodeTitle: 'KSampler Node', executedNodesCount: 5, totalNodes: 42 },
			urgent: false,
		});
	});

	it("reads the sibling's detailed payload sent under the type progress", () => {
		const data = { progress: 60, currentNode: '9', nodeInfo: { id: '9', type: 'VAEDecode', title: 'VAE Decode' }, executedNodesCount: 30, totalNodes: 42 };
		expect(read({ type: 'progress', data })?.news).toEqual({ progress: 60, nodeTitle: 'VAE Decode', executedNodesCount: 30, totalNodes: 42 });
	});

	it("reads executing as the doc sends it (with prompt_id) and as the sibling does (without, with node info)", () => {
		// A node starting is progress; no node means ComfyUI finished: read the status now.
		expect(read({ type: 'executing', data: { prompt_id: 'p', node: '3' } })).toEqual({ type: 'executing', news: {}, urgent: false });
		expect(read({ type: 'executing', data: { prompt_id: 'p', node: null } })?.urgent).toBe(true);
		expect(read({ type: 'executing', data: { node: '9', progress: 70, nodeInfo: { title: 'VAE Decode' }, executedNodesCount: 31, totalNodes: 42 } })?.news).toEqual({
			progress: 70,
			nodeTitle: 'VAE Decode',
			executedNodesCount: 31,
			totalNodes: 42,
		});
		expect(read({ type: 'executing', data: { prompt_id: 'p', node: null } })?.news).toEqual({ executionDone: true });
	});

	it("reads a result with its picture, and ignores another session's", () => {
		const data = { sessionId: SESSION, status: 'completed', resultImage: RESULT_IMAGE, executedNodesCount: 42, totalNodes: 42 };
		expect(read({ type: 'result', data })).toEqual({ type: 'result', news: { resultImage: RESULT_IMAGE, progress: 100 }, urgent: true });
		expect(read({ type: 'result', data: { ...data, sessionId: 'someone-else' } })).toBeUndefined();
	});

	it("reads the sibling's error with ComfyUI's message, or says there was none", () => {
		expect(read({ type: 'error', data: { message: 'CUDA out of memory' } })?.news).toEqual({ error: 'CUDA out of memory' });
		expect(read({ type: 'error', data: 'boom' })?.news).toEqual({ error: 'boom' });
		expect(read({ type: 'error', data: {} })?.news).toEqual({ error: 'ComfyUI reported an execution error without a message' });
	});

	it('ignores binary frames, text that is not JSON, unknown types, and unknown fields', () => {
		expect(readPushMessage(new Uint8Array([1, 2]), SESSION)).toBeUndefined();
		expect(read('not json')).toBeUndefined();
		expect(read({ type: 'status', data: { status: { exec_info: { queue_remaining: 0 } } } })).toBeUndefined();
		expect(read({ type: 'progress', data: { value: 1, extra: { deep: true } } })?.news).toEqual({ progress: 100 });
	});
});

describe('Pet Portrait push channel', () => {
	it('passes on the end of a run at once, and progress (steps, nodes starting) at most every so often', () => {
		const sockets = fakeSockets({ autoOpen: false });
		const env = testEnv(sockets.open);
		const { channel, release } = new PushChannels(BASE, env, 'Pet Portrait').acquire(SESSION);
		const heard: string[] = [];
		channel.listen((update) => heard.push(update ? `${update.type}${update.urgent ? '!' : ''}` : 'late'));
		const [socket] = sockets.sockets;
		expect(socket.url).toBe(`ws://pet.test:3000/ws?clientId=pet-portrait-${SESSION}`);
		socket.open();
		expect(channel.healthy).toBe(true);
		socket.message({ type: 'progress', data: { value: 0.1 } });
		socket.message({ type: 'progress', data: { value: 0.2 } });
		expect(heard).toEqual(['progress']);
		env.clock.now += PROGRESS_WAKE_GAP_MS;
		socket.message({ type: 'progress', data: { value: 0.3 } });
		socket.message({ type: 'executing', data: { node: '3' } });
		socket.message({ type: 'status', data: {} });
		socket.message({ type: 'executing', data: { node: null } });
		expect(heard).toEqual(['progress', 'progress', 'executing!']);
		expect(channel.news.progress).toBeCloseTo(30);
		release();
		expect(socket.closedBy).toEqual({ code: 1000, reason: 'done' });
	});

	it('wakes a late listener at once when a result already came', () => {
		const sockets = fakeSockets({ autoOpen: false });
		const { channel } = new PushChannels(BASE, testEnv(sockets.open), 'Pet Portrait').acquire(SESSION);
		sockets.sockets[0].open();
		sockets.sockets[0].message({ type: 'result', data: { resultImage: RESULT_IMAGE } });
		let woken = false;
		channel.listen(() => (woken = true));
		expect(woken).toBe(true);
	});

	it('shares one socket per session and closes it with the last release', () => {
		const sockets = fakeSockets();
		const channels = new PushChannels(BASE, testEnv(sockets.open), 'Pet Portrait');
		const first = channels.acquire(SESSION);
		const second = channels.acquire(SESSION);
		expect(sockets.sockets).toHaveLength(1);
		first.release();
		first.release();
		expect(sockets.sockets[0].closedBy).toBeUndefined();
		expect(channels.find(SESSION)).toBe(second.channel);
		second.release();
		expect(sockets.sockets[0].closedBy).toBeDefined();
		expect(channels.find(SESSION)).toBeUndefined();
	});

	it('forgets the news of an earlier run when asked to', () => {
		const sockets = fakeSockets({ autoOpen: false });
		const { channel } = new PushChannels(BASE, testEnv(sockets.open), 'Pet Portrait').acquire(SESSION);
		sockets.sockets[0].message({ type: 'result', data: { resultImage: RESULT_IMAGE } });
		expect(channel.news.resultImage).toBe(RESULT_IMAGE);
		channel.resetRun();
		expect(channel.news).toEqual({});
	});

	it('settles without a socket where the host has none, saying so at debug level', async () => {
		const env = testEnv();
		const { channel } = new PushChannels(BASE, env, 'Pet Portrait').acquire(SESSION);
		await channel.ready;
		expect(channel.healthy).toBe(false);
		expect(env.logger.lines).toEqual([{ level: 'debug', message: `Pet Portrait: this host has no WebSocket; session ${SESSION} is followed by polling alone`, meta: undefined }]);
	});

	it('settles when opening throws, with a warning that names no credential', async () => {
		const env = testEnv(() => {
			throw new Error('connect ECONNREFUSED ws://user:secret@pet.test:3000');
		});
		const { channel } = new PushChannels('http://user:secret@pet.test:3000', env, 'Pet Portrait').acquire(SESSION);
		await channel.ready;
		expect(channel.healthy).toBe(false);
		expect(env.logger.lines.map((line) => line.level)).toEqual(['warn']);
		expect(env.logger.lines[0].message).toContain(`ws://pet.test:3000/ws?clientId=pet-portrait-${SESSION}`);
		expect(JSON.stringify(env.logger.lines)).not.toContain('secret');
	});

	it('turns unhealthy when the socket fails, warning once', () => {
		const sockets = fakeSockets({ autoOpen: false });
		const env = testEnv(sockets.open);
		const { channel } = new PushChannels(BASE, env, 'Pet Portrait').acquire(SESSION);
		sockets.sockets[0].open();
		sockets.sockets[0].fail();
		expect(channel.healthy).toBe(false);
		expect(env.logger.lines.filter((line) => line.level === 'warn')).toHaveLength(1);
	});
});
