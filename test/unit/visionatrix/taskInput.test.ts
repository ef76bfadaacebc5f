import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { FormPart } from '../../../nodes/shared/core/http.ts';
import type { Flow } from '../../../nodes/shared/providers/visionatrix/schemas.ts';
import { flowListSchema } from '../../../nodes/shared/providers/visionatrix/schemas.ts';
import { buildTaskForm } from '../../../nodes/shared/providers/visionatrix/taskInput.ts';

const flows = flowListSchema.parse(JSON.parse(readFileSync(join(__dirname, '../../fixtures/visionatrix/flows-installed.json'), 'utf8')));
const sdxl = flows.find((flow) => flow.name === 'sdxl_lighting') as Flow;
const birefnet = flows.find((flow) => flow.name === 'remove_background_birefnet') as Flow;

const asPairs = (parts: FormPart[]) => parts.map((part) => ('value' in part ? [part.name, part.value] : [part.name, `<file ${part.fileName}>`]));

describe('buildTaskForm', () => {
	it('sends text inputs and reserved fields, and omits empty optional ones so the server default applies', () => {
		const parts = buildTaskForm(sdxl, {
			inputs: { prompt: 'a fox', steps_number: '4 steps', negative_prompt: '' },
			seed: 12345,
			count: 2,
			priority: 3,
			groupScope: 2,
			translate: true,
		});
		expect(asPairs(parts)).toEqual([
			['prompt', 'a fox'],
			['steps_number', '4 steps'],
			['seed', '12345'],
			['count', '2'],
			['priority', '3'],
			['group_scope', '2'],
			['translate', '1'],
		]);
	});

	it('sends an uploaded file for a file input', () => {
		const data = new Uint8Array([137, 80, 78, 71]);
		const parts = buildTaskForm(birefnet, { files: { input_image: { data, fileName: 'cat.png', mimeType: 'image/png' } } });
		expect(parts).toEqual([{ name: 'input_image', data, fileName: 'cat.png', mimeType: 'image/png' }]);
	});

	it('accepts a task reference for a file input', () => {
		const parts = buildTaskForm(birefnet, { inputs: { input_image: '{"task_id": 4, "node_id": 9}' } });
		expect(asPairs(parts)).toEqual([['input_image', '{"task_id": 4, "node_id": 9}']]);
	});

	it('rejects what the server would turn into a 500 or a silent default, naming the input', () => {
		expect(() => buildTaskForm(birefnet, {})).toThrow(
			expect.objectContaining({ parameter: 'files.input_image', message: expect.stringContaining('needs a file for its input "input_image"') }),
		);
		expect(() => buildTaskForm(sdxl, { inputs: { prompt: 'x', steps_number: '6 steps' } })).toThrow(
			expect.objectContaining({ parameter: 'inputs.steps_number', message: expect.stringContaining('must be one of: "4 steps", "8 steps"') }),
		);
		expect(() => buildTaskForm(sdxl, { inputs: { prompt: 'x', promt: 'typo' } })).toThrow(
			expect.objectContaining({ parameter: 'inputs.promt', message: expect.stringContaining('has no input named "promt"') }),
		);
		expect(() => buildTaskForm(sdxl, { inputs: { prompt: 'x', batch_size: 'many' } })).toThrow(
			expect.objectContaining({ parameter: 'inputs.batch_size', message: expect.stringContaining('must be a number') }),
		);
		expect(() => buildTaskForm(sdxl, { inputs: { prompt: 'x' }, priority: 16 })).toThrow(expect.objectContaining({ parameter: 'priority' }));
		expect(() => buildTaskForm(sdxl, { inputs: { prompt: 'x' }, count: 0 })).toThrow(expect.objectContaining({ parameter: 'count' }));
		expect(() => buildTaskForm(sdxl, { inputs: { prompt: 'x' }, webhookUrl: 'https://n8n.test/hook?token=1' })).toThrow(
			expect.objectContaining({ parameter: 'webhookUrl' }),
		);
	});

	it("keeps a query in the webhook URL only for receivers that expect the appended path there (n8n's resume URLs)", () => {
		const resumeUrl = 'http://n8n.test/webhook-waiting/12?signature=abc';
		expect(asPairs(buildTaskForm(sdxl, { inputs: { prompt: 'x' }, webhookUrl: resumeUrl, webhookUrlKeepsQuery: true }))).toContainEqual(['webhook_url', resumeUrl]);
	});

	it('normalises bool inputs the way the server parses them', () => {
		const flow: Flow = { ...sdxl, input_params: [{ name: 'upscale', display_name: 'Upscale', type: 'bool', optional: true, advanced: false, hidden: false }] };
		expect(asPairs(buildTaskForm(flow, { inputs: { upscale: 'Yes' } }))).toEqual([['upscale', 'true']]);
		expect(asPairs(buildTaskForm(flow, { inputs: { upscale: false } }))).toEqual([['upscale', 'false']]);
		expect(() => buildTaskForm(flow, { inputs: { upscale: 'maybe' } })).toThrow(expect.objectContaining({ parameter: 'inputs.upscale' }));
	});

	// Audit findings: each was accepted silently before (the server then used "" or dropped it).
	it('refuses a required text input that is missing or empty, naming it', () => {
		for (const inputs of [{}, { prompt: '' }, { negative_prompt: 'blurry' }] as Record<string, string>[]) {
			expect(() => buildTaskForm(sdxl, { inputs })).toThrow(
				expect.objectContaining({ parameter: 'inputs.prompt', message: expect.stringContaining('needs a value for its input "prompt" (Prompt)') }),
			);
		}
	});

	it('refuses a file given for a text input, and an empty file, naming the file input', () => {
		const file = { data: new Uint8Array([1, 2, 3]), fileName: 'cat.png', mimeType: 'image/png' };
		expect(() => buildTaskForm(sdxl, { inputs: { prompt: 'x' }, files: { negative_prompt: file } })).toThrow(
			expect.objectContaining({ parameter: 'files.negative_prompt', message: expect.stringContaining('is a text input and takes a value, not a file') }),
		);
		expect(() => buildTaskForm(birefnet, { files: { input_image: { ...file, data: new Uint8Array(0) } } })).toThrow(
			expect.objectContaining({ parameter: 'files.input_image', message: expect.stringContaining('"cat.png" for input "input_image" of flow "remove_background_birefnet" is empty (0 bytes)') }),
		);
		// A file for a name the flow does not have is reported as a file, not as a value.
		expect(() => buildTaskForm(birefnet, { files: { image: file } })).toThrow(
			expect.objectContaining({ parameter: 'files.image', message: expect.stringContaining('has no input named "image"') }),
		);
	});

	it('refuses text for a file input unless it references another task, and says how to give a file', () => {
		expect(() => buildTaskForm(birefnet, { inputs: { input_image: 'cat.png' } })).toThrow(
			expect.objectContaining({
				parameter: 'inputs.input_image',
				message: 'Input "input_image" of flow "remove_background_birefnet" takes a file (image), not the value "cat.png".',
				hint: expect.stringContaining('--file input_image=PATH'),
			}),
		);
		expect(() => buildTaskForm(birefnet, { inputs: { input_image: '{"node_id": 9}' } })).toThrow(expect.objectContaining({ parameter: 'inputs.input_image' }));
	});

	it('refuses a fraction for a whole-number range, which ComfyUI would refuse without naming the input', () => {
		expect(() => buildTaskForm(sdxl, { inputs: { prompt: 'x', batch_size: '2.5' } })).toThrow(
			expect.objectContaining({ parameter: 'inputs.batch_size', message: expect.stringContaining('must be a whole number (its step is 1); got 2.5') }),
		);
		expect(asPairs(buildTaskForm(sdxl, { inputs: { prompt: 'x', batch_size: '3' } }))).toContainEqual(['batch_size', '3']);
	});
});
