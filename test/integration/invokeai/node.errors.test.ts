// Bad input to the InvokeAI node's Run and Wait: each error names the parameter by its display
// name with the item's index, and nothing is queued.
import { loadDefaultWorkflow } from '../../helpers/invokeaiFixtures.ts';
import { failure, fileItem, runNode, runParameters } from './nodeSetup.ts';
import { closeSimulators, SDXL_MODEL, startSimulator } from './setup.ts';

afterEach(closeSimulators);

const SDXL_JSON = JSON.stringify(loadDefaultWorkflow('Text to Image - SDXL'));
const SDXL_VALUES = { Model: SDXL_MODEL, 'VAE (use the FP16 model)': 'FLUX.1-schnell_ae' };
const DENOISE = '50a36525-3c0a-4cc5-977c-e4bfc3fd6dfb';
const pasted = { workflowSource: 'json', workflowJson: SDXL_JSON };

async function refused(values: Record<string, unknown>, source: Record<string, unknown> = pasted, extra: Parameters<typeof runNode>[2] = {}) {
	const simulator = await startSimulator();
	const error = await failure(runNode(simulator, runParameters(source, { ...SDXL_VALUES, ...values } as never), { items: [{ json: {} }, { json: {} }], ...extra }));
	expect(simulator.batches()).toHaveLength(0);
	return error;
}

describe('InvokeAI node: Run and Wait refuses bad input', () => {
	it('an unknown input name, listing the inputs there are', async () => {
		const error = await refused({ 'Positve Prompt': 'a cat' });
		expect(error.message).toContain('Positve Prompt');
		expect(error.message).toContain('Positive Prompt');
		expect(error.description).toContain('Check the parameter "Input Values"');
		expect(error.context.itemIndex).toBe(0);
	});

	it('a word for an integer input', async () => {
		const error = await refused({ [`${DENOISE}.steps`]: 'many' });
		expect(error.message).toMatch(/steps|Steps/);
		expect(error.message).toMatch(/integer|whole number/i);
		expect(error.description).toContain('Check the parameter "Input Values"');
	});

	it('an option a choice input does not have', async () => {
		const error = await refused({ [`${DENOISE}.scheduler`]: 'fastest' });
		expect(error.message).toContain('fastest');
		expect(error.message).toMatch(/euler/);
		expect(error.description).toContain('Check the parameter "Input Values"');
	});

	it('a model the server does not have', async () => {
		const error = await refused({ Model: 'No Such Model XL' });
		expect(error.message).toContain('No Such Model XL');
		expect(error.description).toContain('Check the parameter "Input Values"');
	});

	it('JSON that is not a workflow', async () => {
		const error = await refused({}, { workflowSource: 'json', workflowJson: JSON.stringify({ hello: 'world' }) });
		expect(error.message).toMatch(/workflow/i);
		expect(error.description).toContain('Check the parameter "Workflow JSON"');
	});

	it('a binary field that holds no JSON, naming the file', async () => {
		const items = [fileItem('wf', new TextEncoder().encode('this is { not json'), 'notes.txt', 'text/plain')];
		const error = await refused({}, { workflowSource: 'binary', workflowBinaryProperty: 'wf' }, { items });
		expect(error.message).toContain('notes.txt');
		expect(error.description).toContain('Check the parameter "Workflow Binary Field"');
	});

	it('a binary field the item does not have, for an image input', async () => {
		const values = { 'Model (dev variant recommended for Image-to-Image)': 'FLUX Schnell (Quantized)', Image: 'binary:photo' };
		const simulator = await startSimulator();
		const error = await failure(runNode(simulator, runParameters({ workflowSource: 'json', workflowJson: JSON.stringify(loadDefaultWorkflow('FLUX Image to Image')) }, values)));
		expect(error.message).toContain('"photo"');
		expect(error.description).toContain('Check the parameter "Input Values"');
		expect(simulator.batches()).toHaveLength(0);
	});

	it('a library workflow that does not exist', async () => {
		const simulator = await startSimulator();
		const error = await failure(runNode(simulator, runParameters({ workflowSource: 'library', workflowId: { mode: 'id', value: 'nope' } }, SDXL_VALUES)));
		expect(error.message).toMatch(/nope|404|not found/i);
		expect(simulator.batches()).toHaveLength(0);
	});

	it('under Continue On Fail: one error item per input item, with pairedItem', async () => {
		const simulator = await startSimulator();
		const { output } = await runNode(simulator, runParameters(pasted, { ...SDXL_VALUES, 'Positve Prompt': 'x' }), { items: [{ json: {} }, { json: {} }], continueOnFail: true });
		expect(output).toEqual([
			{ json: { error: expect.stringContaining('Positve Prompt'), description: expect.stringContaining('Input Values') }, pairedItem: { item: 0 } },
			{ json: { error: expect.stringContaining('Positve Prompt'), description: expect.stringContaining('Input Values') }, pairedItem: { item: 1 } },
		]);
	});
});
