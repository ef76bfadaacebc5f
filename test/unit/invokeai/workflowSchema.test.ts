import { isInputError } from '../../../nodes/shared/core/errors';
import { isExecutableNode, isInvocationNode, parseWorkflow } from '../../../nodes/shared/providers/invokeai/workflow/workflowSchema';
import { DEFAULT_WORKFLOW_FILES, loadDefaultWorkflow } from './setup';

function inputError(run: () => unknown): { parameter: string; message: string; hint?: string } {
	let caught: unknown;
	try {
		run();
	} catch (error) {
		caught = error;
	}
	if (!isInputError(caught)) throw new Error(`expected an InputError, got ${String(caught)}`);
	return { parameter: caught.parameter, message: caught.message, hint: caught.hint };
}

describe('reading an InvokeAI workflow', () => {
	it.each(DEFAULT_WORKFLOW_FILES)('reads the default workflow "%s"', (file) => {
		const raw = loadDefaultWorkflow(file);
		const workflow = parseWorkflow(raw);
		expect(workflow.nodes).toHaveLength((raw.nodes as unknown[]).length);
		expect(workflow.edges).toHaveLength((raw.edges as unknown[]).length);
		expect(workflow.nodes.every(isInvocationNode)).toBe(true);
		expect(['3.0.0', '4.0.0']).toContain(workflow.meta.version);
	});

	it('takes format 3.0.0 and 4.0.0', () => {
		expect(parseWorkflow(loadDefaultWorkflow('CogView4_TextToImage')).meta.version).toBe('3.0.0');
		expect(parseWorkflow(loadDefaultWorkflow('Text to Video - Wan 2.2 Lightning')).meta.version).toBe('4.0.0');
	});

	it('takes the JSON text, a library record and an image\'s workflow text', () => {
		const raw = loadDefaultWorkflow('Flux Text to Image');
		const text = JSON.stringify(raw);
		expect(parseWorkflow(text).name).toBe('Text to Image - FLUX');
		expect(parseWorkflow({ workflow_id: 'default_x', workflow: raw }).nodes).toHaveLength(5);
		expect(parseWorkflow({ workflow: text, graph: null }).edges).toHaveLength(8);
	});

	it('keeps keys it does not read, so the workflow goes back as it came', () => {
		const raw = loadDefaultWorkflow('Flux Text to Image');
		raw.somethingNew = { a: 1 };
		(raw.nodes as Array<Record<string, unknown>>)[0].extra = 'kept';
		const workflow = parseWorkflow(raw);
		expect(workflow.somethingNew).toEqual({ a: 1 });
		expect(workflow.nodes[0].extra).toBe('kept');
		expect(workflow.author).toBe('InvokeAI');
		const node = workflow.nodes[0];
		expect(isInvocationNode(node) && node.data.nodePack).toBe('invokeai');
	});

	it('tolerates missing and null input values, and a missing exposedFields and form', () => {
		const raw = loadDefaultWorkflow('Text to Video - Wan 2.2 Lightning');
		delete raw.exposedFields;
		delete raw.form;
		const workflow = parseWorkflow(raw);
		expect(workflow.exposedFields).toEqual([]);
		expect(workflow.form).toBeUndefined();
		const loader = workflow.nodes.find((node) => node.id === '1a0e6c7b-9d2f-4b3c-8e1a-2f3d4c5b6a7e');
		if (!loader || !isInvocationNode(loader)) throw new Error('no model loader');
		expect(loader.data.inputs.model.value).toBeNull();
		expect('value' in loader.data.inputs.component_source).toBe(false);
	});

	it('drops a form it cannot read and exposed fields that are not field identifiers', () => {
		const raw = loadDefaultWorkflow('Flux Text to Image');
		raw.form = { elements: 'nonsense' };
		raw.exposedFields = [...(raw.exposedFields as unknown[]), { nodeId: 7 }, 'x'];
		const workflow = parseWorkflow(raw);
		expect(workflow.form).toBeUndefined();
		expect(workflow.exposedFields).toHaveLength(5);
	});

	it('tells batch and generator nodes from the ones that run', () => {
		const raw = loadDefaultWorkflow('Flux Text to Image');
		(raw.nodes as unknown[]).push(
			{ id: 'b', type: 'invocation', data: { id: 'b', type: 'integer_batch', inputs: {} } },
			{ id: 'g', type: 'invocation', data: { id: 'g', type: 'integer_generator', inputs: {} } },
			{ id: 'n', type: 'notes', data: { id: 'n', type: 'notes', label: '', notes: 'hi', isOpen: true } },
		);
		const workflow = parseWorkflow(raw);
		expect(workflow.nodes.filter(isExecutableNode)).toHaveLength(5);
		expect(workflow.nodes.filter(isInvocationNode)).toHaveLength(7);
	});

	describe('refuses, naming the workflow parameter and what it expected', () => {
		it('a workflow of format 2.0.0', () => {
			const raw = loadDefaultWorkflow('Flux Text to Image');
			(raw.meta as Record<string, unknown>).version = '2.0.0';
			const error = inputError(() => parseWorkflow(raw));
			expect(error.parameter).toBe('workflow');
			expect(error.message).toBe("The workflow's format version is 2.0.0; expected 3.0.0 or 4.0.0 (InvokeAI 5.0 and later).");
			expect(error.hint).toMatch(/save it again/);
		});

		it('a workflow without a format version', () => {
			const raw = loadDefaultWorkflow('Flux Text to Image');
			delete raw.meta;
			expect(inputError(() => parseWorkflow(raw))).toEqual(
				expect.objectContaining({ parameter: 'workflow', message: 'The workflow has no format version (meta.version); expected 3.0.0 or 4.0.0 (InvokeAI 5.0 and later).' }),
			);
		});

		it('JSON that is no InvokeAI workflow', () => {
			expect(inputError(() => parseWorkflow({ prompt: 'a cat', steps: 30 }))).toEqual({
				parameter: 'workflow',
				message: 'The JSON has no "nodes" list and no "edges" list, so it is not an InvokeAI workflow (the JSON of "Download Workflow" in InvokeAI\'s workflow editor, or a workflow from its library).',
				hint: undefined,
			});
			expect(inputError(() => parseWorkflow([1, 2])).message).toMatch(/^The workflow is a list, not an InvokeAI workflow/);
			expect(inputError(() => parseWorkflow('{"nodes": [')).message).toMatch(/^The workflow is not JSON \(it starts "\{"nodes": \["\)/);
			expect(inputError(() => parseWorkflow('')).message).toMatch(/is not JSON \(it is empty\)/);
		});

		it('an InvokeAI graph and a ComfyUI workflow, saying what they are', () => {
			expect(inputError(() => parseWorkflow({ id: 'g', nodes: { a: { id: 'a', type: 'add' } }, edges: [] })).message).toMatch(/^This is an InvokeAI graph/);
			expect(inputError(() => parseWorkflow({ nodes: [], links: [], version: 0.4 })).message).toMatch(/^This looks like a ComfyUI workflow/);
		});

		it('a node that is not an InvokeAI node, and two nodes with one id', () => {
			const raw = loadDefaultWorkflow('Flux Text to Image');
			(raw.nodes as Array<Record<string, unknown>>)[1].data = { inputs: {} };
			expect(inputError(() => parseWorkflow(raw)).message).toMatch(/^The workflow's node 2 \("7e5172eb-48c1-44db-a770-8fd83e1435d1"\) is not an InvokeAI node: `data\.type`: Required/);
			const twice = loadDefaultWorkflow('Flux Text to Image');
			const nodes = twice.nodes as unknown[];
			nodes.push(nodes[0]);
			expect(inputError(() => parseWorkflow(twice)).message).toBe('The workflow has two nodes with the id "0940bc54-21fb-4346-bc68-fca5724c2747".');
		});
	});
});
