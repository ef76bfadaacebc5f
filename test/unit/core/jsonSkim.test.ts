import { withoutMember } from '../../../nodes/shared/core/jsonSkim.ts';

const parsedWithout = (value: Record<string, unknown>, key: string) => JSON.parse(withoutMember(JSON.stringify(value), key)!);

describe('withoutMember', () => {
	it('cuts a top-level member out wherever it stands, and leaves valid JSON', () => {
		const graph = { '1': { class_type: 'KSampler', inputs: { text: 'a "quoted" } { ] [ prompt \\', seed: [1, 2, { x: null }] } }, '2': {} };
		const task = { task_id: 7, flow_comfy: graph, progress: 42.5, error: '' };
		expect(parsedWithout(task, 'flow_comfy')).toEqual({ task_id: 7, progress: 42.5, error: '' });
		expect(parsedWithout({ flow_comfy: graph, task_id: 7 }, 'flow_comfy')).toEqual({ task_id: 7 });
		expect(parsedWithout({ task_id: 7, flow_comfy: graph }, 'flow_comfy')).toEqual({ task_id: 7 });
		expect(parsedWithout({ flow_comfy: graph }, 'flow_comfy')).toEqual({});
		for (const value of ['text', 12.5, null, true, [1, [2]]]) expect(parsedWithout({ a: 1, flow_comfy: value, b: 2 }, 'flow_comfy')).toEqual({ a: 1, b: 2 });
	});

	it('keeps the member nested deeper, or named inside a string', () => {
		const text = JSON.stringify({ input_params: { prompt: '"flow_comfy": {}', flow_comfy: 1 }, child_tasks: [{ flow_comfy: {} }], progress: 1 });
		expect(withoutMember(text, 'flow_comfy')).toBeUndefined();
	});

	it('copes with whitespace, as Python servers format their JSON', () => {
		const text = '{ "task_id" : 7 ,\n  "flow_comfy" : { "1" : { "a" : "b" } } ,\n  "progress": 3 }';
		expect(JSON.parse(withoutMember(text, 'flow_comfy')!)).toEqual({ task_id: 7, progress: 3 });
	});

	it('gives up on text that is not a whole object', () => {
		expect(withoutMember('[1, 2]', 'flow_comfy')).toBeUndefined();
		expect(withoutMember('{"flow_comfy": {"1": "unterminated', 'flow_comfy')).toBeUndefined();
		expect(withoutMember('<html>502</html>', 'flow_comfy')).toBeUndefined();
	});
});
