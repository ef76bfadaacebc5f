// A whole portrait: upload, the session's WebSocket, generate, the wait (push and polling) and the
// download, against nock and a hand-written socket, on a clock that moves only when the code sleeps.
import nock from 'nock';

import { readAll } from '../../../nodes/shared/core/files.ts';
import type { WaitProgress } from '../../../nodes/shared/core/waiter.ts';
import type { StartedPortrait } from '../../../nodes/shared/providers/petPortrait/api.ts';
import { petPortraitJobs } from '../../../nodes/shared/providers/petPortrait/job.ts';
import {
	BASE,
	client,
	completedStatus,
	failedStatus,
	FakeSocket,
	fakeSockets,
	generated,
	PNG,
	notAPhoto,
	photo,
	processingStatus,
	pushOnNaps,
	RESULT_IMAGE,
	SESSION,
	sleepUntilWoken,
	sleepUntilWokenAfterFirstNap,
	testEnv,
	uploadedAnswer,
	uploadedStatus,
	workflowInfoDoc,
} from './fakes.ts';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

interface Answer {
	code?: number;
	body: unknown;
	/** Runs once this answer is on its way (e.g. the socket speaks). */
	then?(): void;
}

/** The session's status reads, answered in turn (the last one repeats). */
function statuses(answers: Answer[], times = answers.length) {
	const seen = { reads: 0 };
	nock(BASE)
		.get(`/api/status/${SESSION}`)
		.times(times)
		.reply(() => {
			const answer = answers[Math.min(seen.reads, answers.length - 1)];
			seen.reads++;
			if (answer.then) setImmediate(answer.then);
			return [answer.code ?? 200, answer.body];
		});
	return seen;
}

function upload(events: string[] = []) {
	return nock(BASE)
		.post('/api/upload')
		.reply(() => {
			events.push('upload');
			return [200, uploadedAnswer];
		});
}

/** `POST /api/generate` (or regenerate), counting how often it is sent. */
function start(answer: () => [number, unknown], kind: 'generate' | 'regenerate' = 'generate', events: string[] = []) {
	const seen = { calls: 0, bodies: [] as unknown[] };
	nock(BASE)
		.post(`/api/${kind}`)
		.times(5)
		.reply((_uri, body) => {
			seen.calls++;
			seen.bodies.push(body);
			events.push(kind);
			return answer();
		});
	return seen;
}

function portraitDownload() {
	return nock(BASE).get('/api/images/output_00001_.png').query({ type: 'output', subfolder: '' }).reply(200, Buffer.from(PNG), { 'content-type': 'image/png' });
}

const ok = (body: unknown) => (): [number, unknown] => [200, body];

describe('Pet Portrait createPortrait', () => {
	it('uploads, opens the socket after the upload and before generate; progress pushes show without a request, a result push wakes the read', async () => {
		const events: string[] = [];
		const sockets = fakeSockets();
		const env = testEnv((url, options) => {
			events.push('socket');
			return sockets.open(url, options);
		});
		sleepUntilWokenAfterFirstNap(env);
		pushOnNaps(env, () => sockets.sockets[0], [
			undefined,
			[
				{ type: 'detailed_progress', data: { progress: 60, nodeInfo: { id: '8', type: 'VAEDecode', title: 'VAE Decode' } } },
				{ type: 'result', data: { sessionId: SESSION, status: 'completed', resultImage: RESULT_IMAGE } },
			],
		]);
		upload(events);
		const reads = statuses([{ body: uploadedStatus() }, { body: processingStatus(45) }, { body: completedStatus() }]);
		const generate = start(ok(generated()), 'generate', events);
		portraitDownload();
		const progress: WaitProgress[] = [];
		const finished = await client(env).createPortrait({ image: photo(), timeoutMs: 600_000, onProgress: (update) => progress.push(update) });
		// After the first read every nap only ends when a push cuts it short: the result push finished it.
		expect(events).toEqual(['upload', 'socket', 'generate']);
		expect(sockets.sockets[0].url).toBe(`ws://pet.test:3000/ws?clientId=pet-portrait-${SESSION}`);
		// The status before the run, the first read of the wait, the read the result woke: none for the progress push.
		expect(reads.reads).toBe(3);
		expect(generate.bodies).toEqual([{ sessionId: SESSION }]);
		expect(progress.map(({ phase, progress: percent, stage }) => ({ phase, percent, stage }))).toEqual([
			{ phase: 'running', percent: 45, stage: 'KSampler Node' },
			{ phase: 'running', percent: 60, stage: 'VAE Decode' },
			{ phase: 'succeeded', percent: 100, stage: undefined },
		]);
		expect(finished).toMatchObject({ sessionId: SESSION, promptId: 'prompt-1', job: { status: 'completed', resultImage: RESULT_IMAGE, promptId: 'prompt-1' } });
		const files = [];
		for await (const file of finished.files) files.push({ name: file.fileName, mimeType: file.mimeType, details: file.details, bytes: await readAll(file) });
		expect(files).toEqual([{ name: 'output_00001_.png', mimeType: 'image/png', details: { sessionId: SESSION, resultImage: RESULT_IMAGE, promptId: 'prompt-1' }, bytes: PNG }]);
		expect(sockets.sockets[0].closedBy).toEqual({ code: 1000, reason: 'done' });
	});

	it("takes progress from the socket where the status has none: the doc's fraction times 100", async () => {
		const sockets = fakeSockets();
		const env = testEnv(sockets.open);
		sleepUntilWokenAfterFirstNap(env);
		pushOnNaps(env, () => sockets.sockets[0], [undefined, [{ type: 'progress', data: { id: 'prompt-1', value: 0.3 } }, { type: 'result', data: { resultImage: RESULT_IMAGE } }]]);
		upload();
		statuses([{ body: uploadedStatus() }, { body: { sessionId: SESSION, status: 'processing' } }, { body: completedStatus() }]);
		start(ok(generated()));
		const percents: Array<number | undefined> = [];
		await client(env).createPortrait({ image: photo(), timeoutMs: 600_000, onProgress: (update) => percents.push(update.progress) });
		expect(percents[0]).toBeUndefined();
		expect(percents[1]).toBeCloseTo(30);
	});

	it('finishes by polling alone where the host has no WebSocket, saying so at debug level', async () => {
		const env = testEnv();
		upload();
		statuses([{ body: uploadedStatus() }, { body: processingStatus(45) }, { body: processingStatus(80) }, { body: completedStatus() }]);
		start(ok(generated()));
		portraitDownload();
		const stages: Array<string | undefined> = [];
		const finished = await client(env).createPortrait({ image: photo(), timeoutMs: 600_000, onProgress: (update) => stages.push(update.stage) });
		expect(finished.job.status).toBe('completed');
		expect(stages).toEqual(['KSampler Node', 'KSampler Node', undefined]);
		expect(env.logger.lines).toContainEqual(expect.objectContaining({ level: 'debug', message: expect.stringContaining('this host has no WebSocket') }));
		expect(env.logger.lines.filter((line) => line.level === 'warn')).toEqual([]);
	});

	it('finishes by polling when opening the socket throws, with a warning', async () => {
		const env = testEnv(() => {
			throw new Error('WebSocket is not available');
		});
		upload();
		statuses([{ body: uploadedStatus() }, { body: processingStatus(45) }, { body: completedStatus() }]);
		start(ok(generated()));
		const finished = await client(env).createPortrait({ image: photo(), timeoutMs: 600_000 });
		expect(finished.job.resultImage).toBe(RESULT_IMAGE);
		expect(env.logger.lines).toContainEqual(
			expect.objectContaining({ level: 'warn', message: expect.stringContaining('could not open the WebSocket'), meta: { reason: 'WebSocket is not available' } }),
		);
	});

	it('finishes by polling when the socket fails mid-run', async () => {
		const sockets = fakeSockets();
		const env = testEnv(sockets.open);
		upload();
		statuses([{ body: uploadedStatus() }, { body: processingStatus(45), then: () => sockets.sockets[0].fail() }, { body: processingStatus(70) }, { body: completedStatus() }]);
		start(ok(generated()));
		const finished = await client(env).createPortrait({ image: photo(), timeoutMs: 600_000 });
		expect(finished.job.status).toBe('completed');
		expect(env.logger.lines).toContainEqual(expect.objectContaining({ level: 'warn', message: expect.stringContaining('the WebSocket ws://pet.test:3000/ws') }));
	});

	it('generates anyway when the socket does not open in time, and polls', async () => {
		const sockets = fakeSockets({ autoOpen: false });
		const env = testEnv(sockets.open);
		upload();
		statuses([{ body: uploadedStatus() }, { body: completedStatus() }]);
		const generate = start(ok(generated()));
		await client(env).createPortrait({ image: photo(), timeoutMs: 600_000 });
		expect(env.sleeps[0]).toBe(3_000);
		expect(generate.calls).toBe(1);
	});

	it('finishes by polling, at most 5 s apart, when the result message never comes', async () => {
		const sockets = fakeSockets();
		const env = testEnv(sockets.open);
		upload();
		const running: Answer[] = Array.from({ length: 12 }, () => ({ body: processingStatus(45) }));
		const reads = statuses([{ body: uploadedStatus() }, ...running, { body: completedStatus() }]);
		start(ok(generated()));
		const finished = await client(env).createPortrait({ image: photo(), timeoutMs: 600_000 });
		expect(finished.job.status).toBe('completed');
		expect(reads.reads).toBe(14);
		expect(Math.max(...env.sleeps)).toBe(5_000);
	});

	it('completes on a result message while the status still names no picture', async () => {
		const sockets = fakeSockets();
		const env = testEnv(sockets.open);
		// Naps: after generate, after the first completed-without-picture read (then the result comes).
		pushOnNaps(env, () => sockets.sockets[0], [undefined, { type: 'result', data: { sessionId: SESSION, status: 'completed', resultImage: RESULT_IMAGE } }]);
		upload();
		const stages: Array<string | undefined> = [];
		const reads = statuses([{ body: uploadedStatus() }, { body: completedStatus(null) }, { body: completedStatus(null) }]);
		start(ok(generated()));
		portraitDownload();
		const finished = await client(env).createPortrait({ image: photo(), timeoutMs: 600_000, onProgress: (update) => stages.push(update.stage) });
		expect(reads.reads).toBe(3);
		expect(stages).toEqual(['waiting for the result image', undefined]);
		expect(finished.job.resultImage).toBeNull();
		expect(petPortraitJobs(client()).summary(finished.job)).toMatchObject({ resultImage: RESULT_IMAGE });
		const [file] = await collect(finished.files);
		expect(file.fileName).toBe('output_00001_.png');
	});

	it("fails with the server's words on an error message", async () => {
		const sockets = fakeSockets();
		const env = testEnv(sockets.open);
		upload();
		const error = () => sockets.sockets[0].message({ type: 'error', data: { message: 'CUDA out of memory' } });
		statuses([{ body: uploadedStatus() }, { body: processingStatus(45), then: error }, { body: processingStatus(45) }]);
		start(ok(generated()));
		await expect(client(env).createPortrait({ image: photo(), timeoutMs: 600_000 })).rejects.toMatchObject({
			kind: 'job-failed',
			jobId: SESSION,
			message: `Pet Portrait session ${SESSION} failed: CUDA out of memory (at node "KSampler Node")`,
		});
		expect(sockets.sockets[0].closedBy).toBeDefined();
	});

	it('fails on status failed', async () => {
		upload();
		statuses([{ body: uploadedStatus() }, { body: processingStatus(45) }, { body: failedStatus({ message: 'Execution error: Prompt outputs failed validation' }) }]);
		start(ok(generated()));
		await expect(client(testEnv()).createPortrait({ image: photo(), timeoutMs: 600_000 })).rejects.toMatchObject({
			kind: 'job-failed',
			message: `Pet Portrait session ${SESSION} failed: Execution error: Prompt outputs failed validation (at node "KSampler Node")`,
		});
	});

	it('says the server forgot the session when it vanishes mid-wait (restart or expiry)', async () => {
		upload();
		statuses([{ body: uploadedStatus() }, { body: processingStatus(45) }, { code: 404, body: { error: 'Session not found' } }]);
		start(ok(generated()));
		await expect(client(testEnv()).createPortrait({ image: photo(), timeoutMs: 600_000 })).rejects.toMatchObject({
			kind: 'job-failed',
			message: `Pet Portrait session ${SESSION} failed: it no longer exists on the server (Session not found; the server has forgotten this session: it was restarted, or the session expired (sessions are removed after 24 h of inactivity))`,
		});
	});

	it('says on a stop that the server finishes the portrait anyway', async () => {
		upload();
		statuses([{ body: uploadedStatus() }, { body: processingStatus(45) }], 5);
		start(ok(generated()));
		const controller = new AbortController();
		await expect(client(testEnv()).createPortrait({ image: photo(), timeoutMs: 600_000, signal: controller.signal, onProgress: () => controller.abort() })).rejects.toMatchObject({
			kind: 'job-aborted',
			message: `Stopped waiting for Pet Portrait session ${SESSION}. Pet Portrait cannot cancel a run: the server finishes the portrait of session ${SESSION} anyway, and it can be fetched later by the session id (until the session expires).`,
		});
	});

	it('says on a timeout where the run stood and that the server finishes it anyway', async () => {
		upload();
		statuses([{ body: uploadedStatus() }, { body: processingStatus(45) }], 100);
		start(ok(generated()));
		await expect(client(testEnv()).createPortrait({ image: photo(), timeoutMs: 10_000 })).rejects.toMatchObject({
			kind: 'job-timeout',
			message: `Pet Portrait session ${SESSION} did not finish within the 10 s timeout (last seen: running, 45.0 %, KSampler Node). Pet Portrait cannot cancel a run: the server finishes the portrait of session ${SESSION} anyway, and it can be fetched later by the session id (until the session expires).`,
		});
	});

	it('carries on with the run a lost generate answer made, without sending generate again', async () => {
		const env = testEnv(fakeSockets().open);
		upload();
		const landed = processingStatus(5, new Date(env.now()).toISOString());
		statuses([{ body: uploadedStatus() }, { body: landed }, { body: completedStatus() }]);
		const generate = start(() => [504, '<html><head><title>504 Gateway Time-out</title></head></html>']);
		const submitted: StartedPortrait[] = [];
		const finished = await client(env, { retry: { maxRetries: 3 } }).createPortrait({ image: photo(), timeoutMs: 600_000, onSubmitted: (started) => submitted.push(started) });
		expect(generate.calls).toBe(1);
		expect(submitted).toEqual([{ sessionId: SESSION, recovered: true }]);
		expect(finished.job.status).toBe('completed');
	});

	it('says the run may exist when a lost generate left no trace, and sends it once', async () => {
		const sockets = fakeSockets();
		const env = testEnv(sockets.open);
		upload();
		statuses([{ body: uploadedStatus() }, { body: uploadedStatus() }]);
		const generate = start(() => [502, { error: 'Bad Gateway' }]);
		await expect(client(env, { retry: { maxRetries: 3 } }).createPortrait({ image: photo(), timeoutMs: 600_000 })).rejects.toMatchObject({
			kind: 'job-uncertain',
			message: expect.stringContaining(`Pet Portrait session ${SESSION} was lost`),
		});
		expect(generate.calls).toBe(1);
		expect(sockets.sockets[0].closedBy).toBeDefined();
	});

	it('uses a session that already holds the photo, with checked user inputs', async () => {
		nock(BASE).get('/api/workflow-info').reply(200, workflowInfoDoc);
		statuses([{ body: uploadedStatus('image_uploaded') }, { body: completedStatus() }]);
		const generate = start(ok(generated()));
		await client(testEnv()).createPortrait({ sessionId: SESSION, userInputs: { '229': 'cat' }, timeoutMs: 600_000 });
		expect(generate.bodies).toEqual([{ sessionId: SESSION, userInputs: { '229': 'cat' } }]);
	});
});

describe('Pet Portrait createPortrait: bad input, found before anything is sent', () => {
	it('refuses a file that is not an image', async () => {
		const sockets = fakeSockets();
		const scope = upload();
		await expect(client(testEnv(sockets.open)).createPortrait({ image: notAPhoto('text/plain', 'notes.txt'), timeoutMs: 600_000 })).rejects.toMatchObject({ kind: 'input', parameter: 'image' });
		expect(scope.isDone()).toBe(false);
		expect(sockets.sockets).toEqual([]);
	});

	it('refuses an unknown node id, listing the known ones, before uploading', async () => {
		nock(BASE).get('/api/workflow-info').reply(200, workflowInfoDoc);
		const scope = upload();
		await expect(client().createPortrait({ image: photo(), userInputs: { '999': 'cat' }, timeoutMs: 600_000 })).rejects.toMatchObject({
			kind: 'input',
			parameter: 'userInputs.999',
			message: expect.stringContaining('229 ("Pet Type Input")'),
		});
		expect(scope.isDone()).toBe(false);
	});

	it('refuses an empty node id without asking the server', async () => {
		await expect(client().createPortrait({ image: photo(), userInputs: { '': 'cat' }, timeoutMs: 600_000 })).rejects.toMatchObject({ kind: 'input', parameter: 'userInputs' });
	});

	it('refuses a value for a node whose input is not text', async () => {
		nock(BASE).get('/api/workflow-info').reply(200, workflowInfoDoc);
		await expect(client().createPortrait({ image: photo(), userInputs: { '3': 'cat' }, timeoutMs: 600_000 })).rejects.toMatchObject({ kind: 'input', parameter: 'userInputs.3' });
	});

	it('asks for a photo or a session', async () => {
		await expect(client().createPortrait({ timeoutMs: 600_000 })).rejects.toMatchObject({ kind: 'input', parameter: 'image' });
	});

	it('names an unknown session, and sends no regenerate', async () => {
		nock(BASE).get('/api/status/gone').reply(404, { error: 'Session not found' });
		const regenerate = start(ok(generated()), 'regenerate');
		await expect(client().regeneratePortrait('gone', { timeoutMs: 600_000 })).rejects.toMatchObject({
			kind: 'input',
			parameter: 'sessionId',
			message:
				'Pet Portrait does not know session gone (404: Session not found): the server has forgotten it (it was restarted, or the session expired after 24 h of inactivity), or the id is wrong.',
		});
		expect(regenerate.calls).toBe(0);
	});
});

describe('Pet Portrait regeneratePortrait', () => {
	it('runs the session again with new inputs, and hands on the new portrait with its prompt id', async () => {
		const sockets = fakeSockets();
		const env = testEnv(sockets.open);
		nock(BASE).get('/api/workflow-info').reply(200, workflowInfoDoc);
		statuses([{ body: completedStatus('/api/images/old.png?type=output&subfolder=') }, { body: processingStatus(10, '2024-06-15T13:00:00.000Z') }, { body: completedStatus(RESULT_IMAGE, '2024-06-15T13:00:00.000Z') }]);
		const regenerate = start(ok(generated('prompt-2', 'Portrait regeneration started')), 'regenerate');
		portraitDownload();
		const finished = await client(env).regeneratePortrait(SESSION, { userInputs: { '229': 'bird' }, timeoutMs: 600_000 });
		expect(regenerate.bodies).toEqual([{ sessionId: SESSION, userInputs: { '229': 'bird' } }]);
		expect(finished).toMatchObject({ sessionId: SESSION, promptId: 'prompt-2' });
		const [file] = await collect(finished.files);
		expect(file.details).toEqual({ sessionId: SESSION, resultImage: RESULT_IMAGE, promptId: 'prompt-2' });
		expect(sockets.sockets).toHaveLength(1);
	});

	it('does not let a result message of the earlier run finish the new one', async () => {
		const sockets: FakeSocket[] = [];
		// The earlier run's result arrives as soon as the socket opens, before regenerate is sent.
		const env = testEnv((url) => {
			const socket = new FakeSocket(url);
			sockets.push(socket);
			queueMicrotask(() => {
				socket.open();
				socket.message({ type: 'result', data: { resultImage: '/api/images/old.png?type=output&subfolder=' } });
			});
			return socket;
		});
		const reads = statuses([{ body: completedStatus('/api/images/old.png?type=output&subfolder=') }, { body: processingStatus(10, '2024-06-15T13:00:00.000Z') }, { body: completedStatus(RESULT_IMAGE, '2024-06-15T13:00:00.000Z') }]);
		start(ok(generated('prompt-2')), 'regenerate');
		const finished = await client(env).regeneratePortrait(SESSION, { timeoutMs: 600_000 });
		expect(reads.reads).toBe(3);
		expect(finished.job.resultImage).toBe(RESULT_IMAGE);
		expect(finished.job.push?.resultImage).toBeUndefined();
	});
});

describe('Pet Portrait sessions as jobs', () => {
	it('has no cancel and no listing, reads status, and yields the portrait', async () => {
		const jobs = petPortraitJobs(client());
		expect(jobs).toMatchObject({ service: 'Pet Portrait', noun: 'session', polling: { maxMs: 5_000 } });
		expect(jobs.cancel).toBeUndefined();
		expect(jobs.listJobs).toBeUndefined();
		nock(BASE).get(`/api/status/${SESSION}`).reply(200, completedStatus());
		portraitDownload();
		const session = await jobs.read(SESSION);
		expect(jobs.id(session)).toBe(SESSION);
		expect(jobs.status(session)).toEqual({ phase: 'succeeded', progress: 100 });
		const [file] = await collect(jobs.results(session));
		expect(await readAll(file)).toEqual(PNG);
	});

	it('waits for a session it did not start, on a socket it opens and closes itself', async () => {
		const sockets = fakeSockets();
		const env = testEnv(sockets.open);
		sleepUntilWoken(env);
		const finishing = () => sockets.sockets[0].message({ type: 'executing', data: { node: null } });
		const reads = statuses([{ body: processingStatus(50), then: finishing }, { body: completedStatus() }]);
		const waiting = client(env).waitForSession(SESSION, { timeoutMs: 600_000 });
		await new Promise((resolve) => setImmediate(resolve));
		// Every nap ends only when a push that the run may have ended cuts it short (the sibling's
		// status still says processing when ComfyUI's last node is done).
		sockets.sockets[0].message({ type: 'executing', data: { node: null } });
		await expect(waiting).resolves.toMatchObject({ status: 'completed', push: { executionDone: true } });
		expect(reads.reads).toBe(2);
		expect(sockets.sockets[0].closedBy).toBeDefined();
	});
});

async function collect<T>(files: AsyncIterable<T>): Promise<T[]> {
	const all: T[] = [];
	for await (const file of files) all.push(file);
	return all;
}
