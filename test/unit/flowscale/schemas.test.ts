// Every answer shape the Flowscale reference lists (flowscale.md), one test per variant, with the
// fields no source names kept for users.
import {
	containerQueueSchema,
	containerStatusSchema,
	createdRunSchema,
	envelopeSchema,
	errorEnvelopeSchema,
	outputSchema,
	runListMetaSchema,
	runListSchema,
	runSchema,
	workflowListSchema,
} from '../../../nodes/shared/providers/flowscale/schemas.ts';
import { z } from 'zod';

const RUN_ID = '808f34d0-ef97-4b78-a00f-1268077ea6db';

/** The object without one of its fields. */
const without = (object: Record<string, unknown>, field: string) => Object.fromEntries(Object.entries(object).filter(([key]) => key !== field));

/** The reference's RunDetail example. */
const runDetail = {
	_id: RUN_ID,
	team_id: 'team_123',
	workflow_id: 'bncu0a1kipv',
	group_id: 'test_group',
	status: 'completed',
	inputs: [{ path: 'text_51536', value: 'a man riding a bike', s3_key: null, url: null }],
	outputs: [{ filename: 'filename_prefix_58358_5WWF7GQUYF.png', s3_key: 'generations/x', url: 'https://runs.s3.amazonaws.com/generations/x' }],
	output_names: ['filename_prefix_58358_5WWF7GQUYF'],
	created_at: '2024-01-15T10:30:00Z',
	started_at: '2024-01-15T10:30:15Z',
	completed_at: '2024-01-15T10:32:45Z',
};

describe('the envelope', () => {
	it('takes the full wrapper and one with only status and data (the SDK examples)', () => {
		const schema = envelopeSchema(z.string());
		expect(schema.parse({ status: 'success', data: 'Run cancelled successfully', errors: null, meta: null })).toMatchObject({ data: 'Run cancelled successfully' });
		expect(schema.parse({ status: 'success', data: 'x' })).toEqual({ status: 'success', data: 'x' });
	});

	it('recognises the error shape with a message, a list of messages, or none', () => {
		for (const errors of ['Workflow not found', ['first', 'second'], null]) {
			expect(errorEnvelopeSchema.safeParse({ status: 'error', errors }).success).toBe(true);
		}
		expect(errorEnvelopeSchema.safeParse({ status: 'success', data: [] }).success).toBe(false);
	});
});

describe('health and queue', () => {
	it('names a container by SDK 1.1.4 `container`', () => {
		expect(containerStatusSchema.parse({ container: 'container #1', status: 'idle' })).toEqual({ name: 'container #1', container: 'container #1', status: 'idle' });
	});

	it("names it by OpenAPI's `url`, and keeps both keys when both come", () => {
		expect(containerStatusSchema.parse({ url: 'http://comfy-1:8188', status: 'running' })).toMatchObject({ name: 'http://comfy-1:8188' });
		expect(containerStatusSchema.parse({ container: 'container #2', url: 'http://comfy-2:8188', status: 'idle', gpu: 'A100' })).toEqual({
			name: 'container #2',
			container: 'container #2',
			url: 'http://comfy-2:8188',
			status: 'idle',
			gpu: 'A100',
		});
	});

	it('reads a queue entry keyed by `container` or by `comfy_uri`, with short or five-element ComfyUI items', () => {
		const queue = { queue_running: [[0, '2a0babc4-acce-4521-9576-00fa0e6ecc91']], queue_pending: [[1, 'p', {}, {}, ['9']]] };
		expect(containerQueueSchema.parse({ container: 'container #1', queue })).toMatchObject({ name: 'container #1', queue });
		expect(containerQueueSchema.parse({ comfy_uri: 'http://comfy-1:8188', queue: {} })).toMatchObject({
			name: 'http://comfy-1:8188',
			queue: { queue_running: [], queue_pending: [] },
		});
	});
});

describe('the workflows listing', () => {
	it("reads the JS docs' array, whose inputs and outputs are JSON strings", () => {
		const [workflow] = workflowListSchema.parse([
			{ id: 'bncu0a1kipv', name: 'Text to Image', description: 'SDXL', inputs: '{ "text_51536": "string" }', outputs: '{"filename_prefix_58358": "image"}' },
		]);
		expect(workflow).toMatchObject({ id: 'bncu0a1kipv', name: 'Text to Image', inputs: { text_51536: 'string' }, outputs: { filename_prefix_58358: 'image' } });
	});

	it('reads the SDK 1.1.0b `{workflows}` object with `workflow_id`, and objects for inputs', () => {
		const [workflow] = workflowListSchema.parse({ workflows: [{ workflow_id: 'w1', name: 'W', inputs: { image_35728: 'image' }, outputs: null }] });
		expect(workflow).toMatchObject({ id: 'w1', workflow_id: 'w1', name: 'W', description: '', inputs: { image_35728: 'image' }, outputs: {} });
	});

	it('takes inputs that are not JSON as none, and names a nameless workflow by its id', () => {
		const [workflow] = workflowListSchema.parse([{ id: 'w2', inputs: 'not json' }]);
		expect(workflow).toMatchObject({ id: 'w2', name: 'w2', inputs: {} });
	});

	it('refuses a workflow without any id', () => {
		expect(workflowListSchema.safeParse([{ name: 'no id' }]).success).toBe(false);
	});
});

describe('run creation', () => {
	it('reads the current shape (run_id, workflow_id) with no output names yet', () => {
		expect(createdRunSchema.parse({ run_id: RUN_ID, workflow_id: 'w' })).toEqual({ run_id: RUN_ID, workflow_id: 'w', output_names: [] });
	});

	it("reads the older shape with ComfyUI's fields and the output names", () => {
		expect(createdRunSchema.parse({ number: 0, node_errors: {}, output_names: ['filename_prefix_58358_5WWF7GQUYF'], run_id: RUN_ID })).toEqual({
			number: 0,
			node_errors: {},
			output_names: ['filename_prefix_58358_5WWF7GQUYF'],
			run_id: RUN_ID,
		});
	});

	it('reads the combined shape the simulator sends by default', () => {
		expect(createdRunSchema.parse({ run_id: RUN_ID, workflow_id: 'w', output_names: ['a'] })).toMatchObject({ output_names: ['a'] });
	});

	it("reads OpenAPI's array of one", () => {
		expect(createdRunSchema.parse([{ run_id: RUN_ID, workflow_id: 'w' }])).toEqual({ run_id: RUN_ID, workflow_id: 'w', output_names: [] });
	});

	it('refuses an answer without a run id', () => {
		expect(createdRunSchema.safeParse({ workflow_id: 'w' }).success).toBe(false);
		expect(createdRunSchema.safeParse([]).success).toBe(false);
	});
});

describe('a run', () => {
	it('reads RunDetail, adds its `_id` as run_id and keeps fields no source names', () => {
		const run = runSchema.parse({ ...runDetail, updated_at: '2024-01-15T10:32:45Z', error: null, __v: 0 });
		expect(run).toMatchObject({ ...runDetail, run_id: RUN_ID, updated_at: '2024-01-15T10:32:45Z', __v: 0 });
		expect(Object.keys(run)[0]).toBe('run_id');
	});

	it('reads a run without output_names (the 1.1.4 type) and with null times, lists and group', () => {
		const run = runSchema.parse({ ...without(runDetail, 'output_names'), status: 'running', outputs: null, completed_at: null, started_at: null, group_id: null });
		expect(run).toMatchObject({ output_names: [], outputs: [], completed_at: null, group_id: null });
	});

	it('reads a run that calls its id run_id', () => {
		expect(runSchema.parse({ ...without(runDetail, '_id'), run_id: RUN_ID }).run_id).toBe(RUN_ID);
	});

	it('refuses a run without an id or a status', () => {
		expect(runSchema.safeParse(without(runDetail, '_id')).success).toBe(false);
		expect(runSchema.safeParse(without(runDetail, 'status')).success).toBe(false);
	});
});

describe('the runs list', () => {
	it('reads the paged shape of SDK 1.1.4 with its meta', () => {
		const body = envelopeSchema(runListSchema).parse({
			status: 'success',
			meta: { sort_by: 'created_at', sort_order: 'desc', page: 1, group_id: 'test_group', page_size: 10, total_count: 156, total_pages: 16 },
			data: { runs: [runDetail] },
		});
		expect(body.data.runs[0].run_id).toBe(RUN_ID);
		expect(runListMetaSchema.parse(body.meta)).toMatchObject({ total_pages: 16, total_count: 156 });
	});

	it('reads the older grouped shape (group_id, count, runs), without meta', () => {
		const body = envelopeSchema(runListSchema).parse({ status: 'success', data: { group_id: 'test_group', count: 2, runs: [runDetail, { ...runDetail, _id: 'r2' }] } });
		expect(body.data).toMatchObject({ group_id: 'test_group', count: 2 });
		expect(body.data.runs.map((run) => run.run_id)).toEqual([RUN_ID, 'r2']);
		expect(body.meta).toBeUndefined();
	});
});

describe('an output', () => {
	it('reads the download link and its generation status', () => {
		expect(outputSchema.parse({ download_url: 'https://runs.s3.amazonaws.com/generations/x.png', generation_status: 'success' })).toEqual({
			download_url: 'https://runs.s3.amazonaws.com/generations/x.png',
			generation_status: 'success',
		});
	});

	it('refuses an answer without a link', () => {
		expect(outputSchema.safeParse({ generation_status: 'success' }).success).toBe(false);
	});
});
