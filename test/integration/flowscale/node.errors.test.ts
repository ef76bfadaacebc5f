// Bad input to Flowscale Run fails the item with a message that names the parameter to check.
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { closeSimulators, startSimulator, TEXT_WORKFLOW } from './setup.ts';
import { credentialsFor, inputs, runNode, workflow } from './nodeSetup.ts';

afterEach(closeSimulators);

const runAndWait = (parameters: Record<string, unknown>) => ({ resource: 'run', operation: 'runAndWait', workflowId: workflow(TEXT_WORKFLOW), options: {}, ...parameters });

async function failure(promise: Promise<unknown>): Promise<NodeOperationError | NodeApiError> {
	const error = await promise.then(
		() => undefined,
		(caught: unknown) => caught,
	);
	if (!(error instanceof NodeOperationError || error instanceof NodeApiError)) throw new Error(`expected a node error, got ${String(error)}`);
	return error;
}

describe('Flowscale Run, bad input', () => {
	it('an unknown workflow id: the server text, and the Workflow parameter', async () => {
		const simulator = await startSimulator();
		const error = await failure(runNode(simulator, runAndWait({ workflowId: { __rl: true, mode: 'id', value: 'no-such-flow' }, inputs: inputs({ text_51536: 'x' }) })));
		expect(error.message).toBe('Flowscale has no workflow "no-such-flow" on this deployment (404: Workflow not found: no-such-flow).');
		expect(error.description).toBe('Check the parameter "Workflow".');
		expect(simulator.createdCount()).toBe(0);
	});

	it('a binary field the item does not have: which one, which fields there are, and File Inputs', async () => {
		const simulator = await startSimulator();
		const items = [{ json: {}, binary: { data: { data: Buffer.from([1]).toString('base64'), mimeType: 'image/png', fileName: 'a.png' } } }];
		const error = await failure(runNode(simulator, runAndWait({ files: { file: [{ name: 'image_35728', binaryProperties: 'photo' }] } }), { items }));
		expect(error.message).toBe('The input item has no binary field "photo" for "image_35728". Its binary fields are: data.');
		expect(error.description).toBe('Check the parameter "File Inputs".');
		expect(simulator.createdCount()).toBe(0);
	});

	it('a file that is no picture for an image input: the file, what was expected, and File Inputs', async () => {
		const simulator = await startSimulator();
		const items = [{ json: {}, binary: { data: { data: Buffer.from('%PDF-1.7 not a photo').toString('base64'), mimeType: 'application/pdf', fileName: 'invoice.pdf' } } }];
		const error = await failure(runNode(simulator, runAndWait({ files: { file: [{ name: 'image_35728', binaryProperties: 'data' }] } }), { items }));
		expect(error.message).toBe('"invoice.pdf" (application/pdf) is not an image: expected a PNG, JPEG, WebP, GIF, BMP or TIFF picture.');
		expect(error.description).toBe('Check the parameter "File Inputs".');
		expect(simulator.createdCount()).toBe(0);
	});

	it('an input or a file input without a name: Inputs or File Inputs', async () => {
		const simulator = await startSimulator();
		const unnamed = await failure(runNode(simulator, runAndWait({ inputs: { input: [{ name: ' ', value: 'x' }] } })));
		expect(unnamed.message).toBe("Input 1 has no name: give the deployment's own input name, such as text_51536.");
		expect(unnamed.description).toBe('Check the parameter "Inputs".');

		const items = [{ json: {}, binary: { data: { data: Buffer.from([1]).toString('base64'), mimeType: 'image/png', fileName: 'a.png' } } }];
		const unnamedFile = await failure(runNode(simulator, runAndWait({ files: { file: [{ name: '', binaryProperties: 'data' }] } }), { items }));
		expect(unnamedFile.message).toBe("File input 1 has no name: give the deployment's own input name, such as text_51536.");
		expect(unnamedFile.description).toBe('Check the parameter "File Inputs".');
		expect(simulator.createdCount()).toBe(0);
	});

	it('a credential URL without a scheme: the credential field', async () => {
		const simulator = await startSimulator();
		const host = simulator.url.replace(/^http:\/\//, '');
		const error = await failure(runNode(simulator, { resource: 'system', operation: 'health' }, { credentials: credentialsFor(simulator, { baseUrl: host }) }));
		expect(error.message).toBe(`The Flowscale address "${host}" has no scheme (add http:// or https://); expected something like https://my-deployment.pod.flowscale.ai.`);
		expect(error.description).toBe('Check the parameter "Credential: Deployment URL".');
		expect(simulator.requests).toHaveLength(0);
	});

	it('a wrong API key: the server answer and what to check', async () => {
		const simulator = await startSimulator();
		const error = await failure(runNode(simulator, { resource: 'system', operation: 'health' }, { credentials: credentialsFor(simulator, { apiKey: 'wrong' }) }));
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toMatch(/^Flowscale answered 401 to GET \/api\/v1\/comfy\/health/);
		expect(error.description).toContain('X-API-KEY');
	});

	it('a run id left empty: Run ID', async () => {
		const simulator = await startSimulator();
		const error = await failure(runNode(simulator, { resource: 'run', operation: 'get', runId: '  ' }));
		expect(error.message).toBe('No run id was given.');
		expect(error.description).toBe('Check the parameter "Run ID".');
	});

	it('with Continue On Fail, the failed item carries the error and the others their results', async () => {
		const simulator = await startSimulator();
		const { output } = await runNode(simulator, { resource: 'run', operation: 'get', runId: (index: number) => (index === 0 ? '' : 'missing-run') }, { continueOnFail: true, items: [{ json: {} }, { json: {} }] });
		expect(output[0]).toEqual({ json: { error: 'No run id was given.', description: 'Check the parameter "Run ID".' }, pairedItem: { item: 0 } });
		expect(output[1]).toMatchObject({ json: { error: expect.stringContaining('404') }, pairedItem: { item: 1 } });
	});
});
