// Bad input to the Pet Portrait node fails the item before anything is generated, with a message
// that says what is wrong and a description that names the parameter by its display name.
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { KSAMPLER_NODE, PET_TYPE_NODE } from '../../simulators/petPortrait/index.ts';
import { binaryOf, closeSimulators, credentialsFor, failure, PET_PHOTO, photoItem, runNode, startSimulator, userInputs } from './nodeSetup.ts';

afterEach(closeSimulators);

const createAndWait = (extra: Record<string, unknown> = {}) => ({ resource: 'portrait', operation: 'createAndWait', inputBinaryField: 'data', userInputs: {}, options: {}, ...extra });
const TEXT_INPUTS = `The workflow's text inputs: 229 ("Pet Type Input"), 230 ("Style").`;
const UNKNOWN = '6fa459ea-ee8a-4ca4-894e-db77e160355e';

describe('Pet Portrait, bad input', () => {
	it('a binary field the item does not have: which one, which there are, and Input Binary Field', async () => {
		const simulator = await startSimulator();
		const error = await failure(runNode(simulator, createAndWait({ inputBinaryField: 'photo' }), { items: [photoItem('data')] }));
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe('The input item has no binary field "photo" for the pet photo. Its binary fields are: data.');
		expect(error.description).toBe('Check the parameter "Input Binary Field".');
		expect(simulator.requests).toHaveLength(0);
		expect(simulator.generateCount()).toBe(0);
	});

	it('an item without binary data, for Image → Upload', async () => {
		const simulator = await startSimulator();
		const error = await failure(runNode(simulator, { resource: 'image', operation: 'upload', inputBinaryField: 'data', options: {} }, { items: [{ json: {} }] }));
		expect(error.message).toBe('The input item has no binary field "data" for the pet photo. It has no binary data at all.');
		expect(error.description).toBe('Check the parameter "Input Binary Field".');
		expect(simulator.sessions.all()).toHaveLength(0);
	});

	it('a file that is no picture, whatever its name and type say: refused by its bytes before the upload', async () => {
		const simulator = await startSimulator();
		const pdf = { json: {}, binary: { data: binaryOf(Buffer.from('%PDF-1.7 not a pet'), 'rex.png', 'image/png') } };
		const error = await failure(runNode(simulator, createAndWait(), { items: [pdf] }));
		expect(error.message).toBe('"rex.png" (image/png) is not an image: expected a PNG, JPEG, WebP, GIF, BMP or TIFF picture.');
		expect(error.description).toBe('Check the parameter "Input Binary Field".');
		expect(simulator.requests).toHaveLength(0);
		expect(simulator.sessions.all()).toHaveLength(0);
		expect(simulator.generateCount()).toBe(0);
	});

	it('an empty file', async () => {
		const simulator = await startSimulator();
		const empty = { json: {}, binary: { data: binaryOf(Buffer.alloc(0), 'rex.png', 'image/png') } };
		const error = await failure(runNode(simulator, { resource: 'image', operation: 'upload', inputBinaryField: 'data', options: {} }, { items: [empty] }));
		expect(error.message).toBe('The image "rex.png" is empty (0 bytes).');
		expect(error.description).toBe('Check the parameter "Input Binary Field".');
		expect(simulator.requests).toHaveLength(0);
	});

	it('a user input for a node the workflow lacks: the known inputs, and User Inputs; nothing uploaded or generated', async () => {
		const simulator = await startSimulator();
		const error = await failure(runNode(simulator, createAndWait({ userInputs: userInputs({ '999': 'cat' }) }), { items: [photoItem()] }));
		expect(error.message).toBe(`The workflow has no node "999"; expected the id of a text input. ${TEXT_INPUTS}`);
		expect(error.description).toBe('Check the parameter "User Inputs".');
		expect(simulator.sessions.all()).toHaveLength(0);
		expect(simulator.generateCount()).toBe(0);
	});

	it('a user input for a node that takes no text (the KSampler)', async () => {
		const simulator = await startSimulator();
		const error = await failure(runNode(simulator, createAndWait({ userInputs: userInputs({ [KSAMPLER_NODE]: '42' }) }), { items: [photoItem()] }));
		expect(error.message).toBe(`Node 3 ("KSampler", KSampler) takes no user input; expected the id of a text input. ${TEXT_INPUTS}`);
		expect(error.description).toBe('Check the parameter "User Inputs".');
		expect(simulator.generateCount()).toBe(0);
	});

	it('Generate checks the user inputs against the workflow too, before it starts anything', async () => {
		const simulator = await startSimulator();
		const upload = await runNode(simulator, { resource: 'image', operation: 'upload', inputBinaryField: 'data', options: {} }, { items: [photoItem()] });
		const error = await failure(runNode(simulator, { resource: 'portrait', operation: 'generate', sessionId: upload.output[0].json.sessionId, userInputs: userInputs({ [KSAMPLER_NODE]: '42' }) }));
		expect(error.message).toBe(`Node 3 ("KSampler", KSampler) takes no user input; expected the id of a text input. ${TEXT_INPUTS}`);
		expect(error.description).toBe('Check the parameter "User Inputs".');
		expect(simulator.generateCount()).toBe(0);
	});

	it('a user input given twice, or with no input chosen', async () => {
		const simulator = await startSimulator();
		const twice = await failure(
			runNode(simulator, createAndWait({ userInputs: { input: [{ nodeId: PET_TYPE_NODE, value: 'cat' }, { nodeId: PET_TYPE_NODE, value: 'dog' }] } }), { items: [photoItem()] }),
		);
		expect(twice.message).toBe('The input 229 is given twice; give each input once.');
		expect(twice.description).toBe('Check the parameter "User Inputs".');
		const unnamed = await failure(runNode(simulator, createAndWait({ userInputs: { input: [{ nodeId: '', value: 'cat' }] } }), { items: [photoItem()] }));
		expect(unnamed.message).toBe('User input 1 names no input: choose one from the list, or give its node id (such as 229).');
		expect(unnamed.description).toBe('Check the parameter "User Inputs".');
		expect(simulator.requests).toHaveLength(0);
	});

	it('an unknown session id: what the server said, what may have happened, and Session ID', async () => {
		const simulator = await startSimulator();
		const regenerate = await failure(runNode(simulator, { resource: 'portrait', operation: 'regenerateAndWait', sessionId: UNKNOWN, options: {} }));
		expect(regenerate.message).toBe(
			`Pet Portrait does not know session ${UNKNOWN} (404: Session not found): the server has forgotten it (it was restarted, or the session expired after 24 h of inactivity), or the id is wrong.`,
		);
		expect(regenerate.description).toBe('Check the parameter "Session ID". Upload the photo again to start a new session.');

		const generate = await failure(runNode(simulator, { resource: 'portrait', operation: 'generate', sessionId: UNKNOWN }));
		expect(generate.message).toContain(`Pet Portrait does not know session ${UNKNOWN} (400: Invalid or expired session)`);
		expect(generate.description).toBe('Check the parameter "Session ID". Upload the photo again to start a new session.');

		const status = await failure(runNode(simulator, { resource: 'session', operation: 'getStatus', sessionId: UNKNOWN }));
		expect(status.message).toContain(`404 to GET /api/status/${UNKNOWN}: Session not found; the server has forgotten this session`);
		expect(status.description).toBe('Check the parameter "Session ID". Upload the photo again to start a new session.');

		const upload = await failure(runNode(simulator, { resource: 'image', operation: 'upload', inputBinaryField: 'data', options: { sessionId: UNKNOWN } }, { items: [photoItem()] }));
		expect(upload.message).toContain(`Pet Portrait does not know session ${UNKNOWN}`);
		expect(upload.description).toContain('Check the parameter "Session ID".');
		expect(simulator.generateCount()).toBe(0);
	});

	it('an expired session, for Regenerate and Wait', async () => {
		const simulator = await startSimulator();
		const upload = await runNode(simulator, { resource: 'image', operation: 'upload', inputBinaryField: 'data', options: {} }, { items: [photoItem()] });
		const sessionId = String(upload.output[0].json.sessionId);
		simulator.expire(sessionId);
		const error = await failure(runNode(simulator, { resource: 'portrait', operation: 'regenerateAndWait', sessionId, options: {} }));
		expect(error.message).toContain(`Pet Portrait does not know session ${sessionId}`);
		expect(error.description).toContain('Check the parameter "Session ID".');
		expect(simulator.generateCount()).toBe(0);
	});

	it('an empty session id', async () => {
		const simulator = await startSimulator();
		const error = await failure(runNode(simulator, { resource: 'session', operation: 'getStatus', sessionId: '   ' }));
		expect(error.message).toBe('No session id was given: use the sessionId the upload returned.');
		expect(error.description).toBe('Check the parameter "Session ID".');
		expect(simulator.requests).toHaveLength(0);
	});

	it('Image → Get with a path of another kind, or an image type the server has not', async () => {
		const simulator = await startSimulator();
		const path = await failure(runNode(simulator, { resource: 'image', operation: 'get', imagePath: '/api/status/abc', options: {} }));
		expect(path.message).toBe('"/api/status/abc" is neither an image path of this server (/api/images/<file name>?type=output&subfolder=) nor a file name.');
		expect(path.description).toBe('Check the parameter "Image".');
		const type = await failure(runNode(simulator, { resource: 'image', operation: 'get', imagePath: 'x.png', options: { imageType: 'temp' } }));
		expect(type.message).toBe('The image type must be output or input; got "temp".');
		expect(type.description).toBe('Check the parameter "Image Type".');
		expect(simulator.requests).toHaveLength(0);
	});

	it('a file the server does not hold: its answer', async () => {
		const simulator = await startSimulator();
		const error = await failure(runNode(simulator, { resource: 'image', operation: 'get', imagePath: 'nobody.png', options: {} }));
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toContain('Failed to fetch image from ComfyUI');
	});

	it('a timeout of 0', async () => {
		const simulator = await startSimulator();
		const error = await failure(runNode(simulator, createAndWait({ options: { timeout: 0 } }), { items: [photoItem()] }));
		expect(error.message).toBe('The timeout must be more than 0 seconds; got 0.');
		expect(error.description).toBe('Check the parameter "Timeout (Seconds)".');
		expect(simulator.requests).toHaveLength(0);
	});

	it("the credential's address with /api on the end, or a header name no request can carry: the credential's field", async () => {
		const simulator = await startSimulator();
		const api = await failure(runNode(simulator, { resource: 'server', operation: 'health' }, { credentials: credentialsFor(`${simulator.url}/api`) }));
		expect(api.message).toContain('/api');
		expect(api.description).toContain('Check the parameter "Credential: Base URL".');

		const header = await failure(
			runNode(simulator, { resource: 'server', operation: 'health' }, { credentials: credentialsFor(simulator.url, { authentication: 'header', headerName: 'X Token', headerSecret: 'hush-7781' }) }),
		);
		expect(header.message).toBe(`The credential's header name "X Token" is not a valid HTTP header name (letters, digits and !#$%&'*+-.^_\`|~ only, no spaces or colons).`);
		expect(header.description).toBe('Check the parameter "Credential: Header Name".');
		expect(JSON.stringify(header)).not.toContain('hush-7781');
		expect(simulator.requests).toHaveLength(0);
	});

	it('a server without its workflow: the 500 and what it means', async () => {
		const simulator = await startSimulator({ workflowLoaded: false });
		const upload = await runNode(simulator, { resource: 'image', operation: 'upload', inputBinaryField: 'data', options: {} }, { items: [photoItem()] });
		const error = await failure(runNode(simulator, { resource: 'portrait', operation: 'generate', sessionId: upload.output[0].json.sessionId }));
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toContain('Workflow data not loaded');
		expect(error.description).toContain('"Workflow data not loaded" means the server started without its workflow');
		expect(simulator.generateCount()).toBe(0);
	});

	it('with Continue On Fail, the failed item carries the error and the others their results, each paired', async () => {
		const simulator = await startSimulator();
		const items = [{ json: {} }, photoItem(), { json: {}, binary: { data: binaryOf(PET_PHOTO.subarray(0, 2), 'x.png', 'image/png') } }];
		const { output } = await runNode(simulator, { resource: 'image', operation: 'upload', inputBinaryField: 'data', options: {} }, { items, continueOnFail: true });
		expect(output).toHaveLength(3);
		expect(output[0]).toEqual({
			json: { error: 'The input item has no binary field "data" for the pet photo. It has no binary data at all.', description: 'Check the parameter "Input Binary Field".' },
			pairedItem: { item: 0 },
		});
		expect(output[1]).toMatchObject({ json: { success: true, sessionId: simulator.sessions.all()[0].id }, pairedItem: { item: 1 } });
		expect(output[2]).toMatchObject({ json: { error: expect.stringContaining('is not an image') }, pairedItem: { item: 2 } });
		expect(simulator.sessions.all()).toHaveLength(1);
	});
});
