import { isInputError } from '../../../nodes/shared/core/errors';
import { discoverInputs, findInput, isFormEmpty, requireInput } from '../../../nodes/shared/providers/invokeai/workflow/inputs';
import { parseWorkflow } from '../../../nodes/shared/providers/invokeai/workflow/workflowSchema';
import { loadDefaultWorkflow, templatesFor, workflow } from './setup';

const templates = templatesFor('6.14.0-alpha');

function summary(file: Parameters<typeof workflow>[0], version: Parameters<typeof templatesFor>[0] = '6.14.0-alpha') {
	return discoverInputs(workflow(file), templatesFor(version)).map((input) => [input.position, input.label, input.type.kind]);
}

describe('the inputs a workflow offers, as the UI shows them', () => {
	it('CogView4: the form tree, past its heading, text and divider', () => {
		expect(summary('CogView4_TextToImage')).toEqual([
			[1, 'Positive Prompt', 'string'],
			[2, 'Negative Prompt', 'string'],
			[3, 'Model', 'model'],
		]);
		const [positive, , model] = discoverInputs(workflow('CogView4_TextToImage'), templates);
		expect(positive).toEqual(
			expect.objectContaining({
				nodeId: 'a4569d8b-6a43-44b9-8919-4ceec6682904',
				fieldName: 'prompt',
				nodeType: 'cogview4_text_encoder',
				nodeLabel: 'Prompt - CogView4',
				settings: { type: 'string-field-config', component: 'textarea' },
				required: true,
				connected: false,
				input: 'any',
			}),
		);
		expect(positive.value).toMatch(/^A whimsical stuffed gnome/);
		expect(model).toEqual(expect.objectContaining({ value: undefined, nullable: false, description: 'CogView4 model (Transformer) to load' }));
		expect(model.type).toEqual({ kind: 'model', name: 'ModelIdentifierField', bases: ['cogview4'], types: ['main'] });
	});

	it('Wan 2.2 (format 4.0.0): nested rows and columns depth-first, clashing labels told apart by their node', () => {
		expect(summary('Text to Video - Wan 2.2 Lightning')).toEqual([
			[1, 'Prompt', 'string'],
			[2, 'Width', 'integer'],
			[3, 'Height', 'integer'],
			[4, 'Steps', 'integer'],
			[5, 'Frames', 'integer'],
			[6, 'FPS', 'integer'],
			[7, 'Transformer (High Noise)', 'model'],
			[8, 'CFG (High Noise)', 'float'],
			[9, 'Transformer (Low Noise)', 'model'],
			[10, 'CFG (Low Noise)', 'float'],
			[11, 'Lightning LoRA (High Noise)', 'model'],
			[12, 'Weight (Apply Lightning LoRA (High Noise))', 'float'],
			[13, 'Lightning LoRA (Low Noise)', 'model'],
			[14, 'Weight (Apply LoRA - Wan 2.2)', 'float'],
			[15, 'Wan T5 Encoder', 'model'],
			[16, 'VAE', 'model'],
			[17, 'Component Source (Diffusers)', 'model'],
		]);
		const inputs = discoverInputs(workflow('Text to Video - Wan 2.2 Lightning'), templates);
		expect(inputs[6].value).toBeNull();
		expect(inputs[11]).toEqual(expect.objectContaining({ fieldLabel: 'Weight', nodeLabel: 'Apply Lightning LoRA (High Noise)' }));
	});

	it('Wan 2.2 without its form: the exposed fields, the stale ones (nodes that are gone) left out', () => {
		const raw = loadDefaultWorkflow('Text to Video - Wan 2.2 Lightning');
		delete raw.form;
		const parsed = parseWorkflow(raw);
		expect(parsed.exposedFields).toHaveLength(20);
		expect(discoverInputs(parsed, templates).map((input) => input.label)).toEqual([
			'Transformer (High Noise)',
			'Transformer (Low Noise)',
			'Component Source (Diffusers)',
			'VAE',
			'Wan T5 Encoder',
			'Prompt (Positive Prompt)',
			'Prompt (Negative Prompt (unused at CFG=1.0))',
			'Steps',
			'CFG (High Noise)',
			'CFG (Low Noise)',
			'Width',
			'Height',
			'Frames',
			'FPS',
		]);
		// The UI builds a form from exposed fields only for fields whose template it has.
		expect(discoverInputs(parsed, templatesFor('v6.13.8'))).toEqual([]);
	});

	it('Wan 2.2 on 6.13.8, whose server has no Wan nodes: the form still shows the fields, of unknown type', () => {
		const inputs = discoverInputs(workflow('Text to Video - Wan 2.2 Lightning'), templatesFor('v6.13.8'));
		expect(inputs).toHaveLength(17);
		expect(inputs[0]).toEqual(expect.objectContaining({ label: 'Prompt', type: { kind: 'other', name: 'Unknown' }, nodeLabel: 'Positive Prompt' }));
		expect(inputs[0].template).toBeUndefined();
		// Without the template the title is the field name in Start Case, as the UI shows it.
		expect(inputs.map((input) => input.label)).toContain('Wan T 5 Encoder Model');
		expect(inputs.map((input) => input.label)).toContain('Weight (wan_lora_loader)');
	});

	it('FLUX Image to Image: exposed fields, among them an image input', () => {
		expect(summary('FLUX Image to Image')).toEqual([
			[1, 'Model (dev variant recommended for Image-to-Image)', 'model'],
			[2, 'T5 Encoder', 'model'],
			[3, 'CLIP Embed', 'model'],
			[4, 'VAE', 'model'],
			[5, 'Prompt', 'string'],
			[6, 'Image', 'image'],
		]);
		const image = discoverInputs(workflow('FLUX Image to Image'), templates)[5];
		expect(image).toEqual(expect.objectContaining({ nodeType: 'flux_vae_encode', fieldName: 'image', required: true, nullable: true, description: 'The image to encode.' }));
	});

	it('Flux Text to Image, SDXL and Prompt from File: their exposed fields in order', () => {
		expect(summary('Flux Text to Image').map(([, label]) => label)).toEqual(['Model', 'T5 Encoder', 'CLIP Embed', 'VAE', 'Prompt']);
		expect(summary('Text to Image - SDXL')).toEqual([
			[1, 'Positive Prompt', 'string'],
			[2, 'Negative Prompt', 'string'],
			[3, 'Model', 'model'],
			[4, 'VAE (use the FP16 model)', 'model'],
			[5, 'Board', 'board'],
		]);
		expect(summary('Prompt from File')).toEqual([
			[1, 'Model', 'model'],
			[2, 'Prompts File Path', 'string'],
			[3, 'Pre Prompt', 'string'],
			[4, 'Post Prompt', 'string'],
			[5, 'Width', 'integer'],
			[6, 'Height', 'integer'],
			[7, 'Board', 'board'],
		]);
		expect(discoverInputs(workflow('Prompt from File'), templates)[4]).toEqual(
			expect.objectContaining({ value: 512, type: { kind: 'integer', name: 'IntegerField', exclusiveMinimum: 0, multipleOf: 8 } }),
		);
	});

	it('uses the exposed fields when the form is only an empty root', () => {
		const raw = loadDefaultWorkflow('CogView4_TextToImage');
		raw.form = { rootElementId: 'root', elements: { root: { id: 'root', type: 'container', data: { layout: 'column', children: [] } } } };
		raw.exposedFields = [
			{ nodeId: 'e75e2ced-284e-4135-81dc-cdf06c7a409d', fieldName: 'steps' },
			{ nodeId: 'a4569d8b-6a43-44b9-8919-4ceec6682904', fieldName: 'prompt' },
		];
		const parsed = parseWorkflow(raw);
		expect(parsed.form && isFormEmpty(parsed.form)).toBe(true);
		expect(discoverInputs(parsed, templates).map((input) => input.label)).toEqual(['Steps', 'Positive Prompt']);
	});

	it('leaves out form fields whose node or input is gone, and survives a form that loops', () => {
		const raw = loadDefaultWorkflow('CogView4_TextToImage');
		const form = raw.form as { rootElementId: string; elements: Record<string, { data: { children: string[] } }> };
		const root = form.elements[form.rootElementId];
		form.elements['node-field-gone'] = { id: 'node-field-gone', type: 'node-field', parentId: form.rootElementId, data: { fieldIdentifier: { nodeId: 'gone', fieldName: 'prompt' } } } as never;
		form.elements['node-field-nofield'] = {
			id: 'node-field-nofield',
			type: 'node-field',
			parentId: form.rootElementId,
			data: { fieldIdentifier: { nodeId: 'a4569d8b-6a43-44b9-8919-4ceec6682904', fieldName: 'nope' } },
		} as never;
		root.data.children.unshift('node-field-gone', 'node-field-nofield', form.rootElementId);
		expect(discoverInputs(parseWorkflow(raw), templates).map((input) => input.label)).toEqual(['Positive Prompt', 'Negative Prompt', 'Model']);
	});

	it('numbers labels that stay alike after adding the node name', () => {
		const raw = loadDefaultWorkflow('Flux Text to Image');
		raw.exposedFields = [
			{ nodeId: '01f674f8-b3d1-4df1-acac-6cb8e0bfb63c', fieldName: 'prompt' },
			{ nodeId: 'f8d9d7c8-9ed7-4bd7-9e42-ab0e89bfac90', fieldName: 'model' },
			{ nodeId: 'f8d9d7c8-9ed7-4bd7-9e42-ab0e89bfac90', fieldName: 'vae_model' },
		];
		const nodes = raw.nodes as Array<{ id: string; data: { inputs: Record<string, { label: string }> } }>;
		const loader = nodes.find((node) => node.id === 'f8d9d7c8-9ed7-4bd7-9e42-ab0e89bfac90');
		if (!loader) throw new Error('no loader');
		loader.data.inputs.model.label = 'prompt';
		loader.data.inputs.vae_model.label = 'Prompt';
		expect(discoverInputs(parseWorkflow(raw), templates).map((input) => input.label)).toEqual([
			'Prompt (Prompt - FLUX)',
			'prompt (Main Model - FLUX) #1',
			'Prompt (Main Model - FLUX) #2',
		]);
	});

	describe('finding the input a name means', () => {
		const cogview = workflow('CogView4_TextToImage');
		const inputs = discoverInputs(cogview, templates);

		it('by label, whatever the case', () => {
			expect(findInput(inputs, ' negative PROMPT ', cogview, templates)?.nodeId).toBe('acb26944-1208-4016-9929-ab8dd0860573');
		});

		it('by <node id>.<field>, also one the form does not show', () => {
			expect(findInput(inputs, 'acb26944-1208-4016-9929-ab8dd0860573.prompt', cogview, templates)?.label).toBe('Negative Prompt');
			const steps = findInput(inputs, 'e75e2ced-284e-4135-81dc-cdf06c7a409d.steps', cogview, templates);
			expect(steps).toEqual(expect.objectContaining({ position: 0, label: 'e75e2ced-284e-4135-81dc-cdf06c7a409d.steps', value: 30, connected: false }));
			expect(steps?.type).toEqual({ kind: 'integer', name: 'IntegerField', exclusiveMinimum: 0 });
			const fed = findInput(inputs, 'e75e2ced-284e-4135-81dc-cdf06c7a409d.positive_conditioning', cogview, templates);
			expect(fed).toEqual(expect.objectContaining({ connected: true, input: 'connection' }));
		});

		it('not at all: an InputError on inputs.<name> that lists the inputs there are', () => {
			expect(findInput(inputs, 'Seed', cogview, templates)).toBeUndefined();
			expect(findInput(inputs, 'nobody.prompt', cogview, templates)).toBeUndefined();
			expect(findInput(inputs, 'e75e2ced-284e-4135-81dc-cdf06c7a409d.nope', cogview, templates)).toBeUndefined();
			try {
				requireInput(inputs, 'Seed', cogview, templates);
				throw new Error('no error');
			} catch (error) {
				expect(isInputError(error)).toBe(true);
				expect(error).toEqual(
					expect.objectContaining({
						parameter: 'inputs.Seed',
						message: 'The workflow has no input "Seed". Its inputs: "Positive Prompt", "Negative Prompt", "Model".',
						hint: 'Set an input by its label, or any node input as <node id>.<field name>.',
					}),
				);
			}
		});
	});
});
