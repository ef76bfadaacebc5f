// Every other Pet Portrait operation through the real node class against the simulator: Regenerate
// and Wait, Generate, Image Upload and Get, Session Get Status, Server Get Workflow Info and
// Health, and the Input list of User Inputs as the editor loads it.
import { ASPECT_RATIO, KSAMPLER_NODE, PET_TYPE_NODE, STYLE_NODE, USER_INPUTS } from '../../simulators/petPortrait/index.ts';
import {
	bytesOf,
	closeSimulators,
	fileNameOf,
	loadUserInputs,
	PET_PHOTO,
	photoItem,
	runNode,
	startSimulator,
	uploadAndGenerate,
	userInputs,
} from './nodeSetup.ts';

afterEach(closeSimulators);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('Pet Portrait: Regenerate and Wait', () => {
	it("makes another portrait of the session's photo with a new seed and new inputs, and returns it", async () => {
		const simulator = await startSimulator();
		const first = await runNode(simulator, { resource: 'portrait', operation: 'createAndWait', inputBinaryField: 'data', options: {} }, { items: [photoItem()] });
		const sessionId = String(first.output[0].json.sessionId);

		const { output } = await runNode(simulator, {
			resource: 'portrait',
			operation: 'regenerateAndWait',
			sessionId: ` ${sessionId} `,
			userInputs: userInputs({ [STYLE_NODE]: 'watercolor' }),
			options: { binaryPropertyName: 'again' },
		});

		const [firstPrompt, secondPrompt] = simulator.prompts();
		expect(secondPrompt).toMatchObject({ route: 'regenerate', sessionId });
		expect(secondPrompt.texts[STYLE_NODE]).toBe('watercolor');
		expect(secondPrompt.seed).not.toBe(firstPrompt.seed);
		// The photo is uploaded once; the regenerate reuses it.
		expect(simulator.sessions.get(sessionId)!.uploads).toHaveLength(1);

		const session = simulator.sessions.get(sessionId)!;
		expect(session.resultImage).not.toBe(first.output[0].json.resultImage);
		expect(output).toHaveLength(1);
		expect(output[0].json).toMatchObject({ sessionId, promptId: secondPrompt.promptId, status: 'completed', resultImage: session.resultImage });
		expect(bytesOf(output[0], 'again').equals(Buffer.from(simulator.imageBytes(fileNameOf(session.resultImage!))!))).toBe(true);
	});

	it("returns the new run's picture, not the last one, from a server that keeps the old result image during a run (the sibling's status)", async () => {
		const simulator = await startSimulator({ statusStyle: 'sibling', resultLagMs: 300 });
		const first = await runNode(simulator, { resource: 'portrait', operation: 'createAndWait', inputBinaryField: 'data', options: {} }, { items: [photoItem()] });
		const sessionId = String(first.output[0].json.sessionId);
		const { output } = await runNode(simulator, { resource: 'portrait', operation: 'regenerateAndWait', sessionId, options: {} });
		const [, second] = simulator.prompts();
		expect(output[0].json.resultImage).not.toBe(first.output[0].json.resultImage);
		expect(fileNameOf(String(output[0].json.resultImage))).toBe(second.outputFile);
		expect(bytesOf(output[0]).equals(Buffer.from(simulator.imageBytes(second.outputFile!)!))).toBe(true);
	});
});

describe('Pet Portrait: Generate', () => {
	it('starts the portrait of an uploaded session and returns at once with the server answer', async () => {
		const simulator = await startSimulator();
		const upload = await runNode(simulator, { resource: 'image', operation: 'upload', inputBinaryField: 'photo', options: {} }, { items: [photoItem('photo')] });
		const sessionId = String(upload.output[0].json.sessionId);

		const { output } = await runNode(simulator, { resource: 'portrait', operation: 'generate', sessionId, userInputs: userInputs({ [PET_TYPE_NODE]: 'parrot' }) });
		const [prompt] = simulator.prompts();
		const session = simulator.sessions.get(sessionId)!;
		expect(output).toEqual([
			{
				json: { sessionId, promptId: prompt.promptId, message: 'Portrait generation started', wsEndpoint: `/ws?clientId=${session.clientId}`, totalNodes: session.totalNodes },
				pairedItem: { item: 0 },
			},
		]);
		expect(prompt.texts[PET_TYPE_NODE]).toBe('parrot');
		// Not waited for: nothing was read after the generate, and no socket was opened.
		expect(simulator.requests.at(-1)).toMatchObject({ method: 'POST', path: '/api/generate' });
		expect(simulator.requests.some((request) => request.path === '/ws')).toBe(false);
		await simulator.waitFor(sessionId, (entry) => entry.status === 'completed' && entry.resultImage !== null);
	});
});

describe('Pet Portrait: Image', () => {
	it('Upload: a new session holding the photo, with its image URL', async () => {
		const simulator = await startSimulator();
		const { output } = await runNode(simulator, { resource: 'image', operation: 'upload', inputBinaryField: 'photo', options: {} }, { items: [photoItem('photo')] });
		const [session] = simulator.sessions.all();
		expect(output[0].json).toMatchObject({ success: true, sessionId: session.id, message: 'Image uploaded successfully' });
		expect(output[0].json.sessionId).toMatch(UUID);
		expect(output[0].json.imageUrl).toBe(`/api/images/${session.upload!.storedName}?type=input&subfolder=`);
		expect(Buffer.from(session.upload!.bytes).equals(PET_PHOTO)).toBe(true);
		expect(session.upload).toMatchObject({ originalName: 'rex.png', contentType: 'image/png' });
	});

	it('Upload into an existing session: the same session, holding the new photo', async () => {
		const simulator = await startSimulator();
		const first = await runNode(simulator, { resource: 'image', operation: 'upload', inputBinaryField: 'data', options: {} }, { items: [photoItem()] });
		const sessionId = String(first.output[0].json.sessionId);
		const { output } = await runNode(simulator, { resource: 'image', operation: 'upload', inputBinaryField: 'data', options: { sessionId } }, { items: [photoItem('data', undefined, 'bella.png')] });
		expect(output[0].json.sessionId).toBe(sessionId);
		expect(simulator.sessions.all()).toHaveLength(1);
		expect(simulator.sessions.get(sessionId)!.uploads.map((upload) => upload.originalName)).toEqual(['rex.png', 'bella.png']);
	});

	it('Upload sends a photo with a generic type as the type its bytes show', async () => {
		const simulator = await startSimulator();
		await runNode(simulator, { resource: 'image', operation: 'upload', inputBinaryField: 'data', options: {} }, { items: [photoItem('data', PET_PHOTO, 'download', 'application/octet-stream')] });
		expect(simulator.sessions.all()[0].upload).toMatchObject({ contentType: 'image/png' });
	});

	it('Get: a portrait by the resultImage path, as binary named by its file name', async () => {
		const simulator = await startSimulator();
		const sessionId = await uploadAndGenerate(simulator);
		const { resultImage } = await simulator.waitFor(sessionId, (entry) => entry.resultImage !== null);
		const fileName = fileNameOf(resultImage!);
		const { output } = await runNode(simulator, { resource: 'image', operation: 'get', imagePath: resultImage, options: { binaryPropertyName: 'portrait' } });
		expect(output[0].json).toEqual({ imagePath: resultImage, type: 'output', subfolder: '', file: { fileName, mimeType: 'image/png', fileSize: simulator.imageBytes(fileName)!.length } });
		expect(output[0].binary!.portrait).toMatchObject({ fileName, mimeType: 'image/png' });
		expect(bytesOf(output[0], 'portrait').equals(Buffer.from(simulator.imageBytes(fileName)!))).toBe(true);
		expect(simulator.requests.at(-1)).toMatchObject({ path: `/api/images/${encodeURIComponent(fileName)}`, query: { type: 'output', subfolder: '' } });
	});

	it('Get: the uploaded photo by a bare file name and the Input type', async () => {
		const simulator = await startSimulator();
		await runNode(simulator, { resource: 'image', operation: 'upload', inputBinaryField: 'data', options: {} }, { items: [photoItem()] });
		const { storedName } = simulator.sessions.all()[0].upload!;
		const { output } = await runNode(simulator, { resource: 'image', operation: 'get', imagePath: storedName, options: { imageType: 'input' } });
		expect(output[0].json).toMatchObject({ imagePath: storedName, type: 'input', file: { fileName: storedName, mimeType: 'image/png' } });
		expect(bytesOf(output[0]).equals(PET_PHOTO)).toBe(true);
	});

	it("Get: an upload's imageUrl as the path, its type=input read from it", async () => {
		const simulator = await startSimulator();
		const upload = await runNode(simulator, { resource: 'image', operation: 'upload', inputBinaryField: 'data', options: {} }, { items: [photoItem()] });
		const { output } = await runNode(simulator, { resource: 'image', operation: 'get', imagePath: upload.output[0].json.imageUrl, options: {} });
		expect(output[0].json).toMatchObject({ type: 'input' });
		expect(bytesOf(output[0]).equals(PET_PHOTO)).toBe(true);
	});
});

describe('Pet Portrait: Session', () => {
	it('Get Status: progress while it runs, then completed with the result image and timings', async () => {
		const simulator = await startSimulator({ nodeMs: 30 });
		const sessionId = await uploadAndGenerate(simulator);
		await simulator.waitFor(sessionId, (entry) => entry.status === 'processing' && entry.executedNodesCount > 0);
		const running = await runNode(simulator, { resource: 'session', operation: 'getStatus', sessionId });
		expect(running.output[0].json).toMatchObject({ sessionId, status: 'processing', resultImage: null, endTime: null });
		expect(running.output[0].json.progress).toEqual(expect.any(Number));
		expect(running.output[0].json.currentNodeTitle).toEqual(expect.any(String));

		const done = await simulator.waitFor(sessionId, (entry) => entry.status === 'completed' && entry.resultImage !== null);
		const { output } = await runNode(simulator, { resource: 'session', operation: 'getStatus', sessionId });
		expect(output[0].json).toMatchObject({
			sessionId,
			status: 'completed',
			progress: 100,
			message: 'Portrait completed',
			resultImage: done.resultImage,
			executedNodesCount: done.totalNodes,
			totalNodes: done.totalNodes,
			durationMs: done.endTime! - done.startTime!,
		});
	});

	it('Get Status of a session with a photo and no run yet: uploaded', async () => {
		const simulator = await startSimulator();
		const upload = await runNode(simulator, { resource: 'image', operation: 'upload', inputBinaryField: 'data', options: {} }, { items: [photoItem()] });
		const { output } = await runNode(simulator, { resource: 'session', operation: 'getStatus', sessionId: upload.output[0].json.sessionId });
		expect(output[0].json).toMatchObject({ status: 'uploaded', resultImage: null, startTime: null });
	});
});

describe('Pet Portrait: Server', () => {
	it('Health', async () => {
		const simulator = await startSimulator();
		const { output } = await runNode(simulator, { resource: 'server', operation: 'health' });
		expect(output).toEqual([{ json: { status: 'ok', message: 'Pet Portrait Generator API is running' }, pairedItem: { item: 0 } }]);
	});

	it('Get Workflow Info: node count, aspect ratio, the user inputs with their defaults, the nodes', async () => {
		const simulator = await startSimulator({ nodeCount: 20 });
		const { output } = await runNode(simulator, { resource: 'server', operation: 'getWorkflowInfo' });
		const { json } = output[0];
		expect(json).toMatchObject({ totalNodes: 20, aspectRatio: ASPECT_RATIO, executionOrderLength: 20, userInputs: USER_INPUTS });
		expect(json.nodeTypes).toHaveLength(20);
		expect(json.nodeTypes).toContainEqual({ id: KSAMPLER_NODE, type: 'KSampler', title: 'KSampler' });
		expect(json).not.toHaveProperty('raw');
	});

	it("Get Workflow Info from a server in the API document's TypeScript shape: the counts, and no list of inputs", async () => {
		const simulator = await startSimulator({ workflowInfoShape: 'typescript' });
		const { output } = await runNode(simulator, { resource: 'server', operation: 'getWorkflowInfo' });
		expect(output[0].json).toMatchObject({ totalNodes: 46, userInputs: null, nodeTypes: [], executionOrderLength: 46 });
		expect(output[0].json.nodeTypeCounts).toMatchObject({ KSampler: 1, CLIPTextEncode: 4 });
	});
});

describe('Pet Portrait: the Input list of User Inputs', () => {
	it("lists the workflow's text inputs with their title, description and default", async () => {
		const simulator = await startSimulator();
		expect(await loadUserInputs(simulator)).toEqual([
			{ name: 'Pet Type Input (229)', value: '229', description: 'Enter the type of pet (e.g., dog, cat, bird). Default: "dog"' },
			{ name: 'Style (230)', value: '230', description: 'Enter the art style (e.g., oil painting, watercolor). Default: "oil painting"' },
		]);
	});

	it('is empty for a server that lists no inputs', async () => {
		const simulator = await startSimulator({ workflowInfoShape: 'typescript' });
		expect(await loadUserInputs(simulator)).toEqual([]);
	});
});
