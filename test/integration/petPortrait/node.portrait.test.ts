// Pet Portrait, Portrait → Create and Wait, through the real node class against the simulator: the
// portrait as one item with the session JSON and the picture, followed over the WebSocket or by
// polling when the socket is refused or its result message is lost; a restart, Stop and the timeout
// end it with what happened and that the server finishes anyway; faults never start a second run.
import { DEFAULT_FAILURE_TEXT, PET_TYPE_NODE, STYLE_NODE } from '../../simulators/petPortrait/index.ts';
import { bytesOf, closeSimulators, failure, fileNameOf, onlySession, photoItem, runNode, startSimulator, userInputs } from './nodeSetup.ts';

afterEach(closeSimulators);

const createAndWait = (extra: Record<string, unknown> = {}) => ({ resource: 'portrait', operation: 'createAndWait', inputBinaryField: 'data', userInputs: {}, options: {}, ...extra });

describe('Pet Portrait: Create and Wait', () => {
	it('returns the portrait as one item: the session JSON, and the picture with its file name and type, byte for byte', async () => {
		const simulator = await startSimulator();
		const { output } = await runNode(simulator, createAndWait({ userInputs: userInputs({ [PET_TYPE_NODE]: 'cat' }), options: { binaryPropertyName: 'portrait' } }), { items: [photoItem()] });

		const [session] = simulator.sessions.all();
		const [prompt] = simulator.prompts();
		expect(simulator.generateCount()).toBe(1);
		expect(prompt.texts[PET_TYPE_NODE]).toBe('cat');
		// Left out: the workflow's own default stays.
		expect(prompt.texts[STYLE_NODE]).toBe('oil painting');
		expect(session.uploads.map((upload) => upload.originalName)).toEqual(['rex.png']);

		expect(output).toHaveLength(1);
		const [item] = output;
		const fileName = fileNameOf(session.resultImage!);
		expect(item.json).toMatchObject({
			sessionId: session.id,
			promptId: prompt.promptId,
			status: 'completed',
			resultImage: session.resultImage,
			executedNodesCount: session.totalNodes,
			totalNodes: session.totalNodes,
			startTime: new Date(session.startTime!).toISOString(),
			endTime: new Date(session.endTime!).toISOString(),
			durationMs: session.endTime! - session.startTime!,
			file: { fileName, mimeType: 'image/png', sessionId: session.id, resultImage: session.resultImage, promptId: prompt.promptId },
		});
		expect(item.binary!.portrait).toMatchObject({ fileName, mimeType: 'image/png' });
		expect(bytesOf(item, 'portrait').equals(Buffer.from(simulator.imageBytes(fileName)!))).toBe(true);
		expect(item.pairedItem).toEqual({ item: 0 });
	});

	it('follows the run over the WebSocket of its session', async () => {
		const simulator = await startSimulator();
		await runNode(simulator, createAndWait(), { items: [photoItem()] });
		const [session] = simulator.sessions.all();
		const upgrades = simulator.requests.filter((request) => request.path === '/ws');
		expect(upgrades).toHaveLength(1);
		expect(upgrades[0].query.clientId).toBe(session.clientId);
		const result = simulator.ws.messages.find((message) => message.type === 'result');
		expect(result).toMatchObject({ clientId: session.clientId, delivered: 1 });
	});

	it('one item per input item, each paired with its own', async () => {
		const simulator = await startSimulator();
		const { output } = await runNode(simulator, createAndWait(), { items: [photoItem(), photoItem('data', undefined, 'bella.png')] });
		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(new Set(output.map((item) => item.json.sessionId)).size).toBe(2);
		expect(simulator.generateCount()).toBe(2);
	});

	it('finishes by polling when the server refuses the WebSocket', async () => {
		const simulator = await startSimulator({ wsEnabled: false });
		const { output } = await runNode(simulator, createAndWait(), { items: [photoItem()] });
		const [session] = simulator.sessions.all();
		expect(simulator.requests.find((request) => request.path === '/ws')).toMatchObject({ status: 404 });
		expect(simulator.ws.messages.every((message) => message.delivered === 0)).toBe(true);
		expect(output[0].json).toMatchObject({ sessionId: session.id, status: 'completed', resultImage: session.resultImage });
		expect(bytesOf(output[0]).equals(Buffer.from(simulator.imageBytes(fileNameOf(session.resultImage!))!))).toBe(true);
		expect(simulator.generateCount()).toBe(1);
	});

	it('finishes by polling when the result message is lost', async () => {
		const simulator = await startSimulator();
		simulator.ws.dropNextResult();
		const { output } = await runNode(simulator, createAndWait(), { items: [photoItem()] });
		const [session] = simulator.sessions.all();
		expect(simulator.ws.messages.filter((message) => message.type === 'result')).toEqual([expect.objectContaining({ dropped: true, delivered: 0 })]);
		expect(output[0].json).toMatchObject({ status: 'completed', resultImage: session.resultImage });
		expect(bytesOf(output[0]).equals(Buffer.from(simulator.imageBytes(fileNameOf(session.resultImage!))!))).toBe(true);
	});

	it('finishes by polling when the socket drops mid-run', async () => {
		const simulator = await startSimulator({ nodeMs: 20 });
		simulator.faults.add({ pathPrefix: '/ws', fault: { kind: 'socket-drop', afterMessages: 3 } });
		const { output } = await runNode(simulator, createAndWait(), { items: [photoItem()] });
		const [session] = simulator.sessions.all();
		expect(simulator.requests.find((request) => request.path === '/ws')).toMatchObject({ fault: 'socket-drop' });
		expect(output[0].json).toMatchObject({ status: 'completed', resultImage: session.resultImage });
		expect(simulator.generateCount()).toBe(1);
	});

	it('fails the item with the server text when the portrait fails', async () => {
		const simulator = await startSimulator();
		const error = await failure(runNode(simulator, createAndWait({ userInputs: userInputs({ [PET_TYPE_NODE]: 'FAIL' }) }), { items: [photoItem()] }));
		const [session] = simulator.sessions.all();
		expect(error.message).toContain(`Pet Portrait session ${session.id} failed`);
		expect(error.message).toContain(DEFAULT_FAILURE_TEXT);
		expect(simulator.generateCount()).toBe(1);
	});

	it('says the server forgot the session when it restarts mid-run', async () => {
		const simulator = await startSimulator({ nodeMs: 50 });
		const running = runNode(simulator, createAndWait(), { items: [photoItem()] });
		const session = await onlySession(simulator, (entry) => entry.status === 'processing');
		simulator.restart();
		const error = await failure(running);
		expect(error.message).toContain(session.id);
		expect(error.message).toContain('the server has forgotten this session: it was restarted, or the session expired');
		expect(simulator.generateCount()).toBe(1);
	});

	it('on Stop, says the server finishes the portrait anyway, and it does', async () => {
		const simulator = await startSimulator({ nodeMs: 40 });
		const stop = new AbortController();
		const running = runNode(simulator, createAndWait(), { items: [photoItem()], signal: stop.signal });
		const session = await onlySession(simulator, (entry) => entry.status === 'processing');
		stop.abort();
		const error = await failure(running);
		expect(error.message).toBe(
			`Stopped waiting for Pet Portrait session ${session.id}. Pet Portrait cannot cancel a run: the server finishes the portrait of session ${session.id} anyway, and it can be fetched later by the session id (until the session expires).`,
		);
		const finished = await simulator.waitFor(session.id, (entry) => entry.status === 'completed' && entry.resultImage !== null);
		expect(finished.resultImage).toMatch(/^\/api\/images\//);
		expect(simulator.generateCount()).toBe(1);
	});

	it('on the timeout, names the limit and says the server finishes the portrait anyway', async () => {
		const simulator = await startSimulator({ nodeMs: 100 });
		const error = await failure(runNode(simulator, createAndWait({ options: { timeout: 1 } }), { items: [photoItem()] }));
		const [session] = simulator.sessions.all();
		expect(error.message).toContain(`Pet Portrait session ${session.id} did not finish within the 1 s timeout`);
		expect(error.message).toContain(`Pet Portrait cannot cancel a run: the server finishes the portrait of session ${session.id} anyway`);
		expect(simulator.generateCount()).toBe(1);
	});

	it('does not generate twice when the answer to generate is lost after the server queued it', async () => {
		const simulator = await startSimulator();
		simulator.faults.add({ method: 'POST', pathPrefix: '/api/generate', fault: { kind: 'drop-after' } });
		const { output } = await runNode(simulator, createAndWait(), { items: [photoItem()] });
		const [session] = simulator.sessions.all();
		expect(simulator.requests.filter((request) => request.path === '/api/generate')).toHaveLength(1);
		expect(simulator.generateCount()).toBe(1);
		expect(output[0].json).toMatchObject({ sessionId: session.id, status: 'completed', resultImage: session.resultImage });
	});

	it('does not generate at all when the connection drops before the server reads generate, and says so', async () => {
		const simulator = await startSimulator();
		simulator.faults.add({ method: 'POST', pathPrefix: '/api/generate', fault: { kind: 'drop-before' } });
		const error = await failure(runNode(simulator, createAndWait(), { items: [photoItem()] }));
		const [session] = simulator.sessions.all();
		expect(simulator.generateCount()).toBe(0);
		expect(simulator.requests.filter((request) => request.path === '/api/generate')).toHaveLength(1);
		expect(error.message).toContain(`The answer to generating the portrait of Pet Portrait session ${session.id} was lost`);
		expect(error.message).toContain('it was not requested again');
	});

	it('retries the upload and the status reads through dropped connections without a second run', async () => {
		const simulator = await startSimulator();
		simulator.faults.add({ method: 'POST', pathPrefix: '/api/upload', fault: { kind: 'drop-after' } });
		simulator.faults.add({ method: 'GET', pathPrefix: '/api/status/', times: 2, fault: { kind: 'drop-before' } });
		const { output } = await runNode(simulator, createAndWait(), { items: [photoItem()] });
		expect(output[0].json).toMatchObject({ status: 'completed' });
		expect(simulator.generateCount()).toBe(1);
	});
});
