// The Pet Portrait client's routes, one request at a time (nock), with every variant the reference lists.
import nock from 'nock';

import { checkBaseUrl } from '../../../nodes/shared/core/urls.ts';
import { readAll } from '../../../nodes/shared/core/files.ts';
import { LOOK_AGAIN_AFTER_MS } from '../../../nodes/shared/core/lostJob.ts';
import { PET_PORTRAIT_ADDRESS_RULES } from '../../../nodes/shared/providers/petPortrait/api.ts';
import {
	BASE,
	client,
	completedStatus,
	generated,
	PNG,
	notAPhoto,
	photo,
	processingStatus,
	RESULT_IMAGE,
	SESSION,
	testEnv,
	uploadedAnswer,
	uploadedStatus,
	workflowInfoDoc,
	workflowInfoTsType,
} from './fakes.ts';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

/** nock hands over a body with binary bytes as hex. */
const formText = (body: unknown) => (typeof body === 'string' && /^([0-9a-f]{2})+$/.test(body) ? Buffer.from(body, 'hex').toString('latin1') : String(body));

const reset = () => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });

describe('Pet Portrait address', () => {
	it('takes the server root, and refuses an address that already ends in /api', () => {
		expect(checkBaseUrl('http://localhost:3000/', PET_PORTRAIT_ADDRESS_RULES).url).toBe('http://localhost:3000');
		expect(() => checkBaseUrl('http://localhost:3000/api', PET_PORTRAIT_ADDRESS_RULES)).toThrow(
			expect.objectContaining({
				parameter: 'baseUrl',
				message: 'The Pet Portrait address "http://localhost:3000/api" ends in /api, which is added to every request anyway: leave it out; expected something like http://localhost:3000.',
			}),
		);
	});
});

describe('Pet Portrait health and workflow', () => {
	it('reads the health answer', async () => {
		nock(BASE).get('/api/health').reply(200, { status: 'ok', message: 'Pet Portrait Generator API is running' });
		await expect(client().health()).resolves.toEqual({ status: 'ok', message: 'Pet Portrait Generator API is running' });
	});

	it('reads workflow-info in either documented shape', async () => {
		nock(BASE).get('/api/workflow-info').reply(200, workflowInfoDoc);
		nock(BASE).get('/api/workflow-info').reply(200, workflowInfoTsType);
		const petPortrait = client();
		await expect(petPortrait.workflowInfo()).resolves.toMatchObject({ totalNodes: 50, userInputs: [{ nodeId: '229', title: 'Pet Type Input' }], nodeTypes: [{ id: '229' }, { id: '3' }] });
		await expect(petPortrait.workflowInfo()).resolves.toMatchObject({ totalNodes: 42, userInputs: [], nodeTypes: [] });
	});

	it('says where to look when the address is not the server (404 everywhere)', async () => {
		nock(BASE).get('/api/health').reply(404, '<!DOCTYPE html><html><head><title>Error</title></head><body><pre>Cannot GET /api/health</pre></body></html>');
		await expect(client().health()).rejects.toMatchObject({ kind: 'api', status: 404, hint: expect.stringContaining("the Pet Portrait server's root") });
	});
});

describe('Pet Portrait upload', () => {
	it('sends the photo as the multipart field "image" and returns the new session', async () => {
		let body = '';
		nock(BASE)
			.post('/api/upload')
			.reply(function (_uri, requestBody) {
				body = formText(requestBody);
				expect(String(this.req.headers['content-type'])).toMatch(/^multipart\/form-data; boundary=/);
				return [200, uploadedAnswer];
			});
		await expect(client().upload(photo())).resolves.toEqual(uploadedAnswer);
		expect(body).toMatch(/name="image"; filename="rex\.jpg"\r\nContent-Type: image\/jpeg\r\n/);
		expect(body).not.toContain('name="sessionId"');
	});

	it('sends a session to reuse before the file, and a streamed photo whole', async () => {
		let body = '';
		nock(BASE)
			.post('/api/upload')
			.reply((_uri, requestBody) => {
				body = formText(requestBody);
				return [200, uploadedAnswer];
			});
		async function* chunks() {
			yield new Uint8Array([0x89, 0x50]);
			yield new Uint8Array([0x4e, 0x47]);
		}
		await client().upload({ data: chunks(), fileName: 'rex.png', mimeType: 'image/png' }, { sessionId: SESSION });
		expect(body.indexOf('name="sessionId"')).toBeGreaterThan(-1);
		expect(body.indexOf('name="sessionId"')).toBeLessThan(body.indexOf('name="image"'));
		expect(body).toContain(`\r\n\r\n${SESSION}\r\n`);
		expect(body).toContain('\x89PNG');
	});

	it('refuses a file that is not an image before sending anything', async () => {
		const scope = nock(BASE).post('/api/upload').reply(200, uploadedAnswer);
		await expect(client().upload(notAPhoto('application/pdf', 'rex.pdf'))).rejects.toMatchObject({ kind: 'input', parameter: 'image', message: expect.stringContaining('"rex.pdf" (application/pdf) is not an image') });
		expect(scope.isDone()).toBe(false);
	});

	it('reads a rejected upload as JSON 400 [doc] as a refused image', async () => {
		nock(BASE).post('/api/upload').reply(400, { error: 'Only image files are allowed' });
		await expect(client().upload(photo())).rejects.toMatchObject({ kind: 'input', parameter: 'image', message: 'Pet Portrait refused the image "rex.jpg" (400: Only image files are allowed).' });
	});

	it("reads a rejected upload as Express's HTML 500 page [sibling] as a refused image", async () => {
		nock(BASE)
			.post('/api/upload')
			.reply(500, '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Error</title></head><body><pre>Error: Only images are allowed<br> &nbsp; &nbsp;at fileFilter</pre></body></html>', { 'content-type': 'text/html' });
		await expect(client().upload(photo())).rejects.toMatchObject({ kind: 'input', parameter: 'image', message: expect.stringContaining('refused the image "rex.jpg" with its error page (500: Error)') });
	});

	it("keeps the server's own 500 as a server error", async () => {
		nock(BASE).post('/api/upload').reply(500, { error: 'Failed to upload image to ComfyUI' });
		await expect(client().upload(photo())).rejects.toMatchObject({ kind: 'api', status: 500, serverMessage: 'Failed to upload image to ComfyUI' });
	});

	it('names the session when the one to reuse is unknown', async () => {
		nock(BASE).post('/api/upload').reply(400, { error: 'Invalid session ID' });
		await expect(client().upload(photo(), { sessionId: 'gone' })).rejects.toMatchObject({ kind: 'input', parameter: 'sessionId', message: expect.stringContaining('does not know session gone (400: Invalid session ID)') });
	});

	it('sends an upload again after a lost answer: at worst the server keeps a spare session', async () => {
		nock(BASE).post('/api/upload').replyWithError(reset());
		nock(BASE).post('/api/upload').reply(200, uploadedAnswer);
		await expect(client(testEnv(), { retry: { maxRetries: 1 } }).upload(photo())).resolves.toMatchObject({ sessionId: SESSION });
	});
});

describe('Pet Portrait generate and regenerate', () => {
	it('sends the session and the user inputs in the scalar form', async () => {
		let sent: unknown;
		nock(BASE)
			.post('/api/generate')
			.reply((_uri, body) => {
				sent = body;
				return [200, generated()];
			});
		await expect(client().generate(SESSION, { '229': 'cat', '': undefined } as Record<string, string | undefined>).catch((error) => error)).resolves.toMatchObject({ kind: 'input', parameter: 'userInputs' });
		await expect(client().generate(SESSION, { '229': 'cat' })).resolves.toEqual({
			sessionId: SESSION,
			promptId: 'prompt-1',
			message: 'Portrait generation started',
			wsEndpoint: `/ws?clientId=pet-portrait-${SESSION}`,
			totalNodes: 42,
		});
		expect(sent).toEqual({ sessionId: SESSION, userInputs: { '229': 'cat' } });
	});

	it('leaves userInputs out when no value is set, as the doc\'s own clients do', async () => {
		let sent: unknown;
		nock(BASE)
			.post('/api/regenerate')
			.reply((_uri, body) => {
				sent = body;
				return [200, generated('prompt-2', 'Portrait regeneration started')];
			});
		await expect(client().regenerate(SESSION, { '229': '' })).resolves.toMatchObject({ promptId: 'prompt-2', message: 'Portrait regeneration started' });
		expect(sent).toEqual({ sessionId: SESSION });
	});

	it.each(['generate', 'regenerate'] as const)('names the session when %s finds it expired (400)', async (kind) => {
		nock(BASE).post(`/api/${kind}`).reply(400, { error: 'Invalid or expired session' });
		await expect(client()[kind]('old-session')).rejects.toMatchObject({
			kind: 'input',
			parameter: 'sessionId',
			message:
				'Pet Portrait does not know session old-session (400: Invalid or expired session): the server has forgotten it (it was restarted, or the session expired after 24 h of inactivity), or the id is wrong.',
		});
	});

	it('sends generate again only when it certainly never arrived', async () => {
		nock(BASE).post('/api/generate').replyWithError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
		nock(BASE).post('/api/generate').reply(200, generated('prompt-9'));
		await expect(client(testEnv(), { retry: { maxRetries: 2 } }).generate(SESSION)).resolves.toMatchObject({ promptId: 'prompt-9' });
	});

	it("does not send generate again after the server's own 500", async () => {
		let calls = 0;
		nock(BASE)
			.post('/api/generate')
			.times(3)
			.reply(() => {
				calls++;
				return [500, { error: 'Failed to queue prompt: Bad Request' }];
			});
		await expect(client(testEnv(), { retry: { maxRetries: 2 } }).generate(SESSION)).rejects.toMatchObject({ kind: 'api', status: 500, hint: expect.stringContaining('Failed to queue prompt') });
		expect(calls).toBe(1);
	});

	it('refuses an empty session id before sending', async () => {
		await expect(client().generate('  ')).rejects.toMatchObject({ kind: 'input', parameter: 'sessionId' });
	});
});

describe('Pet Portrait: a lost generate or regenerate answer', () => {
	it('is found in the session when a run began since (504 from a proxy), and generate is sent once', async () => {
		const env = testEnv();
		let generates = 0;
		nock(BASE)
			.post('/api/generate')
			.times(3)
			.reply(() => {
				generates++;
				return [504, '<html><head><title>504 Gateway Time-out</title></head></html>'];
			});
		nock(BASE).get(`/api/status/${SESSION}`).reply(200, processingStatus(5, new Date(env.now()).toISOString()));
		await expect(client(env, { retry: { maxRetries: 2 } }).generate(SESSION, undefined, { before: uploadedStatus() })).resolves.toEqual({ sessionId: SESSION, recovered: true });
		expect(generates).toBe(1);
		expect(env.logger.lines.some((line) => line.level === 'info' && line.message.includes('was lost; the session shows the run'))).toBe(true);
	});

	it('is found, without a look before, by a start time at or after the send', async () => {
		const env = testEnv();
		nock(BASE).post('/api/generate').replyWithError(reset());
		nock(BASE).get(`/api/status/${SESSION}`).reply(200, { ...processingStatus(5, new Date(env.now() + 200).toISOString()), promptId: 'p-new' });
		await expect(client(env).generate(SESSION)).resolves.toEqual({ sessionId: SESSION, promptId: 'p-new', recovered: true });
	});

	it('says the run may exist, and is not sent again, when the session shows none', async () => {
		const scope = nock(BASE).post('/api/generate').replyWithError(reset());
		let generates = 0;
		scope.on('request', () => generates++);
		// Read once, and again after each pause (the server may still be starting it): no run each time.
		const reads = nock(BASE).get(`/api/status/${SESSION}`).times(1 + LOOK_AGAIN_AFTER_MS.length).reply(200, uploadedStatus());
		await expect(client(testEnv(), { retry: { maxRetries: 3 } }).generate(SESSION, undefined, { before: uploadedStatus() })).rejects.toMatchObject({
			kind: 'job-uncertain',
			message: `The answer to generating the portrait of Pet Portrait session ${SESSION} was lost (the connection was reset) after the request may have reached the server, and the session shows no run started since (status "uploaded"). The portrait may be generating on the server: it was not requested again.`,
			hint: expect.stringContaining(`Read the status of session ${SESSION}`),
		});
		expect(reads.isDone()).toBe(true);
		expect(generates).toBe(1);
	});

	it('says so too when the session cannot be read', async () => {
		nock(BASE).post('/api/generate').replyWithError(reset());
		nock(BASE).get(`/api/status/${SESSION}`).reply(404, { error: 'Session not found' });
		await expect(client().generate(SESSION)).rejects.toMatchObject({ kind: 'job-uncertain', message: expect.stringContaining('reading the session failed too') });
	});

	it('takes a regenerate as landed when the start time changed since the look before', async () => {
		nock(BASE).post('/api/regenerate').replyWithError(reset());
		nock(BASE).get(`/api/status/${SESSION}`).reply(200, processingStatus(3, '2024-06-15T13:00:00.000Z'));
		const before = completedStatus(RESULT_IMAGE, '2024-06-15T12:34:56.789Z');
		await expect(client().regenerate(SESSION, undefined, { before })).resolves.toMatchObject({ recovered: true });
	});

	it('takes a regenerate as landed when the prompt id changed, the start time aside', async () => {
		nock(BASE).post('/api/regenerate').replyWithError(reset());
		nock(BASE).get(`/api/status/${SESSION}`).reply(200, { ...processingStatus(3, '2024-06-15T12:34:56.789Z'), promptId: 'p2' });
		const before = { ...completedStatus(RESULT_IMAGE, '2024-06-15T12:34:56.789Z'), promptId: 'p1' };
		await expect(client().regenerate(SESSION, undefined, { before })).resolves.toEqual({ sessionId: SESSION, promptId: 'p2', recovered: true });
	});

	it('does not take the earlier run of a regenerate for the new one', async () => {
		nock(BASE).post('/api/regenerate').replyWithError(reset());
		nock(BASE).get(`/api/status/${SESSION}`).reply(200, completedStatus(RESULT_IMAGE, '2024-06-15T12:34:56.789Z'));
		const before = completedStatus(RESULT_IMAGE, '2024-06-15T12:34:56.789Z');
		await expect(client().regenerate(SESSION, undefined, { before })).rejects.toMatchObject({ kind: 'job-uncertain', message: expect.stringContaining('regenerating the portrait') });
	});
});

describe('Pet Portrait status', () => {
	it("reads the doc's status with the session id always set", async () => {
		nock(BASE).get(`/api/status/${SESSION}`).reply(200, processingStatus());
		await expect(client().status(SESSION)).resolves.toMatchObject({ sessionId: SESSION, status: 'processing', progress: 45, currentNodeInfo: { title: 'KSampler Node' } });
	});

	it("reads the sibling's status, without times or session id", async () => {
		nock(BASE).get('/api/status/abc').reply(200, { status: 'image_uploaded', progress: 0, currentNode: null, message: 'Initializing', resultImage: null, executedNodesCount: 0, totalNodes: 42 });
		const session = await client().status('abc');
		expect(session).toMatchObject({ sessionId: 'abc', status: 'image_uploaded' });
		expect(session.startTime).toBeUndefined();
	});

	it('says the server forgot an unknown session (404), never a bare 404', async () => {
		nock(BASE).get('/api/status/gone').reply(404, { error: 'Session not found' });
		await expect(client().status('gone')).rejects.toMatchObject({
			kind: 'api',
			status: 404,
			message:
				'Pet Portrait answered 404 to GET /api/status/gone: Session not found; the server has forgotten this session: it was restarted, or the session expired (sessions are removed after 24 h of inactivity)',
			hint: 'Upload the photo again to start a new session.',
		});
	});

	it('gives the prompt id of the run this client started, which the status does not carry', async () => {
		nock(BASE).post('/api/generate').reply(200, generated('prompt-7'));
		nock(BASE).get(`/api/status/${SESSION}`).reply(200, processingStatus());
		const petPortrait = client();
		await petPortrait.generate(SESSION);
		await expect(petPortrait.status(SESSION)).resolves.toMatchObject({ promptId: 'prompt-7' });
	});
});

describe('Pet Portrait images', () => {
	it('fetches the resultImage path, named by its file and typed by its extension', async () => {
		nock(BASE).get('/api/images/output_00001_.png').query({ type: 'output', subfolder: '' }).reply(200, Buffer.from(PNG), { 'content-type': 'image/png', 'content-length': String(PNG.length) });
		const file = await client().image(RESULT_IMAGE);
		expect(file).toMatchObject({ fileName: 'output_00001_.png', mimeType: 'image/png', size: PNG.length });
		expect(await readAll(file)).toEqual(PNG);
	});

	it('fetches a bare file name as an output, and an input picture when asked', async () => {
		nock(BASE).get('/api/images/portrait.webp').query({ type: 'output', subfolder: '' }).reply(200, Buffer.from(PNG), { 'content-type': 'application/octet-stream' });
		nock(BASE).get('/api/images/1718454896-rex.jpg').query({ type: 'input', subfolder: '' }).reply(200, Buffer.from(PNG), { 'content-type': 'image/jpeg' });
		const petPortrait = client();
		await expect(petPortrait.image('portrait.webp')).resolves.toMatchObject({ fileName: 'portrait.webp', mimeType: 'image/webp' });
		await expect(petPortrait.image(uploadedAnswer.imageUrl)).resolves.toMatchObject({ fileName: '1718454896-rex.jpg', mimeType: 'image/jpeg' });
	});

	it("passes on the server's failure to fetch from ComfyUI", async () => {
		nock(BASE).get('/api/images/missing.png').query(true).reply(500, { error: 'Failed to fetch image from ComfyUI: Not Found' });
		await expect(client().image('missing.png')).rejects.toMatchObject({ kind: 'api', status: 500, serverMessage: 'Failed to fetch image from ComfyUI: Not Found' });
	});
});
