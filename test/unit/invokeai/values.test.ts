import type { WorkflowInput } from '../../../nodes/shared/providers/invokeai/workflow/inputs';
import { discoverInputs } from '../../../nodes/shared/providers/invokeai/workflow/inputs';
import type { InputFieldTemplate } from '../../../nodes/shared/providers/invokeai/workflow/templates';
import {
	type ValueResolver,
	checkInputValue,
	expected,
	needsResolution,
	planInputValues,
	readyInputValues,
	resolveInputValues,
	withInputValues,
} from '../../../nodes/shared/providers/invokeai/workflow/values';
import { isInvocationNode } from '../../../nodes/shared/providers/invokeai/workflow/workflowSchema';
import { PNG, templatesFor, workflow } from './setup';

const templates = templatesFor('6.14.0-alpha');
const sdxl = workflow('Text to Image - SDXL');
const DENOISE = '50a36525-3c0a-4cc5-977c-e4bfc3fd6dfb';
const NOISE = '55705012-79b9-4aac-9f26-c0b10309785b';

/** The plan of one value for one input of the SDXL workflow. */
function plan(name: string, value: unknown, flow = sdxl) {
	return planInputValues(flow, templates, { [name]: value })[0].planned;
}

function refusal(run: () => unknown): { parameter: string; message: string } {
	try {
		run();
	} catch (error) {
		const { parameter, message } = error as { parameter: string; message: string };
		return { parameter, message };
	}
	throw new Error('no error was thrown');
}

/** An input of a node type's field, for types no default workflow exposes. */
function inputOf(type: string, field: string): WorkflowInput {
	const template = templates.get(type)?.inputs[field] as InputFieldTemplate;
	return {
		position: 1,
		label: template.title,
		nodeId: 'n',
		fieldName: field,
		nodeType: type,
		nodeLabel: type,
		fieldLabel: template.title,
		type: template.type,
		template,
		value: undefined,
		description: '',
		required: template.required,
		nullable: template.nullable,
		input: template.input,
		connected: false,
	};
}

describe('values given to a workflow\'s inputs', () => {
	describe('are checked against the input\'s type', () => {
		it('text', () => {
			expect(plan('Positive Prompt', 'a fox')).toEqual({ kind: 'ready', value: 'a fox' });
			expect(refusal(() => plan('Positive Prompt', 7))).toEqual({ parameter: 'inputs.Positive Prompt', message: 'Input "Positive Prompt" takes text; got 7.' });
		});

		it('whole numbers, with their bounds; text or a fraction is refused', () => {
			const width = `${NOISE}.width`;
			expect(plan(width, 768)).toEqual({ kind: 'ready', value: 768 });
			expect(refusal(() => plan(width, '768'))).toEqual({ parameter: `inputs.${width}`, message: `Input "${width}" takes a whole number; got the text "768".` });
			expect(refusal(() => plan(width, 767.5)).message).toBe(`Input "${width}" takes a whole number; got 767.5.`);
			expect(refusal(() => plan(width, 770)).message).toBe(`Input "${width}" takes a whole number, a multiple of 8; got 770.`);
			expect(refusal(() => plan(width, 0)).message).toBe(`Input "${width}" takes a whole number, more than 0; got 0.`);
			expect(refusal(() => plan(`${DENOISE}.steps`, Number.NaN)).message).toMatch(/takes a whole number; got NaN\.$/);
		});

		it('numbers, with their bounds', () => {
			expect(plan(`${DENOISE}.denoising_start`, 0.25)).toEqual({ kind: 'ready', value: 0.25 });
			expect(plan(`${DENOISE}.denoising_start`, 1)).toEqual({ kind: 'ready', value: 1 });
			expect(refusal(() => plan(`${DENOISE}.denoising_start`, 1.5)).message).toMatch(/takes a number, 1 or less; got 1\.5\.$/);
			expect(refusal(() => plan(`${DENOISE}.denoising_start`, '0.5')).message).toMatch(/takes a number; got the text "0\.5"\.$/);
		});

		it('true or false', () => {
			expect(plan(`${NOISE}.use_cpu`, false)).toEqual({ kind: 'ready', value: false });
			expect(refusal(() => plan(`${NOISE}.use_cpu`, 'false')).message).toMatch(/takes true or false; got the text "false"\.$/);
		});

		it('one of an enum\'s options', () => {
			expect(plan(`${DENOISE}.scheduler`, 'dpmpp_2m_k')).toEqual({ kind: 'ready', value: 'dpmpp_2m_k' });
			const { message } = refusal(() => plan(`${DENOISE}.scheduler`, 'Euler A'));
			expect(message).toMatch(new RegExp(`^Input "${DENOISE}.scheduler" takes one of: ddim, ddpm, deis, .*, euler_a, .*, tcd; got the text "Euler A"\\.$`));
		});

		it('an option by the label the UI shows for it', () => {
			const scheduler = inputOf('flux_denoise', 'scheduler');
			expect(scheduler.type).toEqual(expect.objectContaining({ options: ['euler', 'heun', 'lcm'], optionLabels: { euler: 'Euler', heun: 'Heun (2nd order)', lcm: 'LCM' } }));
			expect(checkInputValue(scheduler, 'heun (2nd ORDER)')).toEqual({ kind: 'ready', value: 'heun' });
			expect(refusal(() => checkInputValue(scheduler, 'Heun')).message).toBe('Input "Scheduler" takes one of: euler, heun, lcm; got the text "Heun".');
		});

		it('a list, or one item where the type takes either', () => {
			const cfg = inputOf('cogview4_denoise', 'cfg_scale');
			expect(checkInputValue(cfg, 4)).toEqual({ kind: 'ready', value: 4 });
			expect(checkInputValue(cfg, [4, 3.5])).toEqual({ kind: 'ready', value: [4, 3.5] });
			expect(refusal(() => checkInputValue(cfg, [4, 'x']))).toEqual({ parameter: 'inputs.CFG Scale', message: 'Input "CFG Scale", item 2, takes a number; got the text "x".' });
			const images = inputOf('image_batch', 'images');
			expect(refusal(() => checkInputValue(images, [])).message).toBe(
				'Input "Images" takes a list whose items are each an image: a file, or the name of an image on the server ({"image_name": "…"}), at least 1 items; got a list of 0.',
			);
			expect(refusal(() => checkInputValue(images, { image_name: 'a.png' })).message).toMatch(/^Input "Images" takes a list whose items/);
		});

		it('a color, as hex or as channels', () => {
			const color = inputOf('blank_image', 'color');
			expect(checkInputValue(color, '#ff8000')).toEqual({ kind: 'ready', value: { r: 255, g: 128, b: 0, a: 255 } });
			expect(checkInputValue(color, '#0f08')).toEqual({ kind: 'ready', value: { r: 0, g: 255, b: 0, a: 136 } });
			expect(checkInputValue(color, { r: 1, g: 2, b: 3 })).toEqual({ kind: 'ready', value: { r: 1, g: 2, b: 3, a: 255 } });
			expect(refusal(() => checkInputValue(color, { r: 256, g: 0, b: 0 })).message).toMatch(/^Input "Color" takes a color/);
		});

		it('null only where the schema takes it', () => {
			const wan = workflow('Text to Video - Wan 2.2 Lightning');
			expect(plan('Transformer (Low Noise)', null, wan)).toEqual({ kind: 'ready', value: null });
			expect(refusal(() => plan('Transformer (High Noise)', null, wan)).message).toMatch(/^Input "Transformer \(High Noise\)" cannot be left empty \(null\); it takes a model of base wan and type main/);
		});

		it('anything for an input the server has no template for', () => {
			const wan = workflow('Text to Video - Wan 2.2 Lightning');
			expect(planInputValues(wan, templatesFor('v6.13.8'), { Steps: 'lots' })[0].planned).toEqual({ kind: 'ready', value: 'lots' });
		});
	});

	describe('name what the server must find or take first', () => {
		it('an image: a file to upload (a picture, judged by its bytes), or an image on the server', () => {
			const flux = workflow('FLUX Image to Image');
			const file = { data: PNG, fileName: 'cat.png', mimeType: 'image/png' };
			expect(plan('Image', file, flux)).toEqual({ kind: 'upload-image', file });
			expect(plan('Image', { image_name: 'abc.png', width: 5 }, flux)).toEqual({ kind: 'ready', value: { image_name: 'abc.png' } });
			expect(plan('Image', 'abc.png', flux)).toEqual({ kind: 'ready', value: { image_name: 'abc.png' } });
			expect(refusal(() => plan('Image', { data: new TextEncoder().encode('%PDF-1.4'), fileName: 'cat.pdf' }, flux))).toEqual({
				parameter: 'inputs.Image',
				message: '"cat.pdf" is not an image: expected a PNG, JPEG, WebP, GIF, BMP or TIFF picture.',
			});
			expect(refusal(() => plan('Image', 12, flux)).message).toMatch(/^Input "Image" takes an image: a file, or the name of an image on the server/);
		});

		it('a board: by name or id, or the UI\'s own values', () => {
			expect(plan('Board', 'Cats')).toEqual({ kind: 'find-board', ref: 'Cats' });
			expect(plan('Board', 'auto')).toEqual({ kind: 'ready', value: 'auto' });
			expect(plan('Board', 'none')).toEqual({ kind: 'ready', value: 'none' });
			expect(plan('Board', { board_id: 'b-1' })).toEqual({ kind: 'ready', value: { board_id: 'b-1' } });
			expect(refusal(() => plan('Board', 3)).message).toMatch(/^Input "Board" takes a board: its id or name/);
		});

		it('a model: by key or name among those the input takes, or a whole identifier', () => {
			const filter = { bases: ['sdxl'], types: ['main'] };
			expect(plan('Model', 'Juggernaut XL')).toEqual({ kind: 'find-model', ref: { keyOrName: 'Juggernaut XL' }, filter });
			expect(plan('Model', { key: 'k1' })).toEqual({ kind: 'find-model', ref: { key: 'k1' }, filter });
			expect(plan('Model', { name: 'Juggernaut XL', base: 'sdxl' })).toEqual({ kind: 'find-model', ref: { name: 'Juggernaut XL', base: 'sdxl' }, filter });
			const config = { key: 'k1', hash: 'blake3:1', name: 'Juggernaut XL', base: 'sdxl', type: 'main', path: '/models/j.safetensors', format: 'checkpoint' };
			expect(plan('Model', config)).toEqual({ kind: 'ready', value: { key: 'k1', hash: 'blake3:1', name: 'Juggernaut XL', base: 'sdxl', type: 'main' } });
			expect(refusal(() => plan('Model', { ...config, base: 'sd-1', name: 'DreamShaper' })).message).toBe('Input "Model" takes a model of base sdxl; "DreamShaper" is a sd-1 model.');
			expect(refusal(() => plan('Model', { ...config, type: 'lora' })).message).toBe('Input "Model" takes a model of type main; "Juggernaut XL" is of type lora.');
			expect(refusal(() => plan('Model', '  ')).message).toMatch(/^Input "Model" takes a model of base sdxl and type main: its key or name/);
		});

		it('a list of images, item by item', () => {
			const planned = checkInputValue(inputOf('image_batch', 'images'), [{ image_name: 'a.png' }, { data: PNG, fileName: 'b.png' }]);
			expect(planned).toEqual({
				kind: 'list',
				items: [
					{ kind: 'ready', value: { image_name: 'a.png' } },
					{ kind: 'upload-image', file: { data: PNG, fileName: 'b.png' } },
				],
			});
			expect(needsResolution(planned)).toBe(true);
		});

		it('and the look-ups run only after every value passed its check', async () => {
			const flux = workflow('FLUX Image to Image');
			const calls: string[] = [];
			const resolver: ValueResolver = {
				uploadImage: async (file) => (calls.push(`upload ${file.fileName}`), { image_name: 'uploaded.png' }),
				findBoard: async (ref) => (calls.push(`board ${ref}`), { board_id: 'b' }),
				findModel: async (ref, filter, input) => {
					calls.push(`model ${JSON.stringify(ref)} ${JSON.stringify(filter)} for ${input.label}`);
					return { key: 'k', hash: 'h', name: 'flux-dev', base: 'flux', type: 'main' };
				},
			};
			expect(() => planInputValues(flux, templates, [{ name: 'Model (dev variant recommended for Image-to-Image)', value: 'flux-dev' }, { name: 'Prompt', value: 5 }])).toThrow(
				'Input "Prompt" takes text; got 5.',
			);
			const planned = planInputValues(flux, templates, [
				{ name: 'Model (dev variant recommended for Image-to-Image)', value: 'flux-dev' },
				{ name: 'Image', value: { data: PNG, fileName: 'cat.png' } },
				{ name: 'prompt', value: 'a cat' },
			]);
			expect(calls).toEqual([]);
			expect(() => readyInputValues(planned)).toThrow('Input "Model (dev variant recommended for Image-to-Image)" needs the server to find or upload what it names.');
			const values = await resolveInputValues(planned, resolver);
			expect(calls).toEqual([
				'model {"keyOrName":"flux-dev"} {"bases":["flux"],"types":["main"]} for Model (dev variant recommended for Image-to-Image)',
				'upload cat.png',
			]);
			expect(values).toEqual([
				{ nodeId: 'f8d9d7c8-9ed7-4bd7-9e42-ab0e89bfac90', fieldName: 'model', value: { key: 'k', hash: 'h', name: 'flux-dev', base: 'flux', type: 'main' } },
				{ nodeId: '2981a67c-480f-4237-9384-26b68dbf912b', fieldName: 'image', value: { image_name: 'uploaded.png' } },
				{ nodeId: '01f674f8-b3d1-4df1-acac-6cb8e0bfb63c', fieldName: 'prompt', value: 'a cat' },
			]);
		});
	});

	describe('are refused before anything is sent when', () => {
		it('the name is no input of the workflow, listing the ones there are', () => {
			expect(refusal(() => planInputValues(sdxl, templates, { Seed: 5 }))).toEqual({
				parameter: 'inputs.Seed',
				message: 'The workflow has no input "Seed". Its inputs: "Positive Prompt", "Negative Prompt", "Model", "VAE (use the FP16 model)", "Board".',
			});
		});

		it('one input is given twice under two names', () => {
			expect(refusal(() => planInputValues(sdxl, templates, { 'Positive Prompt': 'a', 'ade2c0d3-0384-4157-b39b-29ce429cfa15.value': 'b' }))).toEqual({
				parameter: 'inputs.Positive Prompt',
				message: 'Input "Positive Prompt" is given twice ("Positive Prompt" and "ade2c0d3-0384-4157-b39b-29ce429cfa15.value"); give it once.',
			});
		});

		it('an edge feeds the input, or only an edge can', () => {
			expect(refusal(() => plan(`${NOISE}.seed`, 5)).message).toBe(`Input "${NOISE}.seed" is fed by a connection from another node, so a value given here would not be used.`);
			expect(refusal(() => plan(`${DENOISE}.control`, {})).message).toBe(`Input "${DENOISE}.control" is filled only by a connection from another node; it takes no value.`);
		});

		it('no value at all is given', () => {
			expect(refusal(() => plan('Positive Prompt', undefined)).message).toBe('Input "Positive Prompt" was given no value.');
		});
	});

	it('describe what a type takes', () => {
		expect(expected({ kind: 'integer', name: 'IntegerField' })).toBe('a whole number');
		expect(expected({ kind: 'other', name: 'LatentsField' })).toBe('a LatentsField value');
	});

	it('go into a copy of the workflow, leaving the one read untouched', () => {
		const values = readyInputValues(planInputValues(sdxl, templates, { 'Positive Prompt': 'a fox', [`${DENOISE}.steps`]: 12 }));
		const changed = withInputValues(sdxl, [...values, { nodeId: DENOISE, fieldName: 'brand_new', value: 1 }]);
		const find = (flow: typeof sdxl, id: string) => flow.nodes.find((node) => node.id === id);
		const prompt = (flow: typeof sdxl) => {
			const node = find(flow, 'ade2c0d3-0384-4157-b39b-29ce429cfa15');
			return node && isInvocationNode(node) ? node.data.inputs.value : undefined;
		};
		expect(prompt(changed)).toEqual({ name: 'value', label: 'Positive Prompt', value: 'a fox' });
		expect(prompt(sdxl)?.value).toBe('Super cute tiger cub, fierce, traditional chinese watercolor');
		const denoise = find(changed, DENOISE);
		expect(denoise && isInvocationNode(denoise) && denoise.data.inputs.steps.value).toBe(12);
		expect(denoise && isInvocationNode(denoise) && denoise.data.inputs.brand_new).toEqual({ name: 'brand_new', value: 1 });
		expect(discoverInputs(changed, templates)[0].value).toBe('a fox');
		expect(() => withInputValues(sdxl, [{ nodeId: 'gone', fieldName: 'x', value: 1 }])).toThrow('The workflow has no node "gone".');
	});
});
