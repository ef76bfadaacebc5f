import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { VisionatrixApi } from '../../../credentials/VisionatrixApi.credentials.ts';
import { searchFlows } from '../../../nodes/VisionatrixTask/methods/flows.ts';
import { getFlowInputs } from '../../../nodes/VisionatrixTask/methods/resourceMapping.ts';
import { loadOptionsContext } from '../../helpers/n8nContext.ts';
import type { VisionatrixSimulator } from '../../simulators/visionatrix/index.ts';
import { startVisionatrixSimulator } from '../../simulators/visionatrix/index.ts';
import { bytesOf, credentialsFor, flow, mapped, runNode } from './setup.ts';

describe('Visionatrix Task: every other operation, against the simulator', () => {
	let simulator: VisionatrixSimulator;

	beforeAll(async () => {
		simulator = await startVisionatrixSimulator({
			taskDurationMs: 300,
			outputs: { sdxl_lighting: [{ nodeId: 9, type: 'image', batchSize: 2 }] },
		});
	});
	afterAll(() => simulator.close());

	async function createTask(prompt = 'a cat', options: Record<string, unknown> = {}): Promise<number> {
		const { output } = await runNode(simulator, {
			resource: 'task',
			operation: 'create',
			flow: flow('sdxl_lighting'),
			flowInputs: mapped({ prompt }),
			options,
		});
		return output[0].json.task_id as number;
	}

	it('Create returns the task ids at once, Get follows the task', async () => {
		const { output } = await runNode(simulator, {
			resource: 'task',
			operation: 'create',
			flow: flow('sdxl_lighting'),
			flowInputs: mapped({ prompt: 'two' }),
			options: { count: 2 },
		});
		expect(output.map((item) => item.json.task_id)).toEqual(output[0].json.tasks_ids);
		expect(output[0].json).toMatchObject({ flow: 'sdxl_lighting', outputs: [{ comfy_node_id: 9, type: 'image' }] });
		const taskId = output[1].json.task_id as number;
		await simulator.waitFor(taskId, (task) => task.progress === 100);
		const got = await runNode(simulator, { resource: 'task', operation: 'get', taskId, includeWorkflow: true });
		expect(got.output[0].json).toMatchObject({ task_id: taskId, progress: 100, outputs: [{ comfy_node_id: 9, batch_size: 2 }] });
		expect(got.output[0].json.flow_comfy).toEqual(expect.any(Object));
	});

	it('Get Results downloads every batch file of a finished task', async () => {
		const taskId = await createTask();
		await simulator.waitFor(taskId, (task) => task.progress === 100);
		const { output } = await runNode(simulator, { resource: 'task', operation: 'getResults', taskId: String(taskId) });
		// The shared output convention: the task's JSON with `file` describing each file.
		expect(output.map((item) => (item.json.file as { batchIndex: number }).batchIndex)).toEqual([0, 1]);
		expect(output[0].json).toMatchObject({ task_id: taskId, progress: 100, file: { nodeId: 9, outputType: 'image', mimeType: 'image/png' } });
		expect(bytesOf(output[1]).equals(Buffer.from(simulator.resultBytes(taskId, 9, 1)))).toBe(true);
		expect(output[1].binary!.data.fileName).toBe(`${taskId}_9_00002.png`);
	});

	it('Get Results of an unfinished task says so', async () => {
		const slow = await startVisionatrixSimulator({ taskDurationMs: 20_000 });
		try {
			const { output } = await runNode(slow, { resource: 'task', operation: 'create', flow: flow('sdxl_lighting'), flowInputs: mapped({ prompt: 'x' }) });
			const error = await runNode(slow, { resource: 'task', operation: 'getResults', taskId: output[0].json.task_id }).catch((caught) => caught);
			expect(error).toBeInstanceOf(NodeApiError);
			expect(error.message).toBe('Visionatrix answered 400 to GET /vapi/tasks/results: Task `1` is not completed yet.');
		} finally {
			await slow.close();
		}
	});

	it('Get Input File returns the uploaded file', async () => {
		const png = Buffer.from(simulator.resultBytes(1, 9, 0));
		const { output } = await runNode(
			simulator,
			{ resource: 'task', operation: 'create', flow: flow('remove_background_birefnet'), flowInputs: mapped({ input_image: 'data' }) },
			{ items: [{ json: {}, binary: { data: { data: png.toString('base64'), mimeType: 'image/png', fileName: 'in.png' } } }] },
		);
		const taskId = output[0].json.task_id as number;
		const input = await runNode(simulator, { resource: 'task', operation: 'getInputFile', taskId, inputIndex: 0 });
		expect(bytesOf(input.output[0]).equals(png)).toBe(true);
		expect(input.output[0].binary!.data.mimeType).toBe('image/png');
	});

	it('Get Many lists the newest tasks first, with filters and a limit', async () => {
		const first = await createTask('list me');
		const second = await createTask('list me too');
		const { output } = await runNode(simulator, { resource: 'task', operation: 'getMany', returnAll: false, limit: 2, filters: { flowName: 'sdxl_lighting' } });
		expect(output.map((item) => item.json.task_id)).toEqual([second, first]);
		const none = await runNode(simulator, { resource: 'task', operation: 'getMany', returnAll: true, filters: { flowName: 'remove_background_birefnet', groupScope: 7 } });
		expect(none.output).toEqual([]);
	});

	it('Restart runs a failed task again; restarting a finished one is refused with the server text', async () => {
		const failed = await createTask('FAIL please');
		await simulator.waitFor(failed, (task) => task.error !== '');
		const { output } = await runNode(simulator, { resource: 'task', operation: 'restart', taskId: failed, force: false });
		expect(output[0].json).toEqual({ task_id: failed, restarted: true });
		expect(simulator.task(failed)!.error).toBe('');

		const done = await createTask();
		await simulator.waitFor(done, (task) => task.progress === 100);
		const error = await runNode(simulator, { resource: 'task', operation: 'restart', taskId: done }).catch((caught) => caught);
		expect(error.message).toBe(`Visionatrix answered 400 to POST /vapi/tasks/restart: Task \`${done}\` already finished.`);
	});

	it('Delete removes a task; a second delete is a clear 404', async () => {
		const taskId = await createTask();
		const { output } = await runNode(simulator, { resource: 'task', operation: 'delete', taskId });
		expect(output[0].json).toEqual({ task_id: taskId, deleted: true });
		expect(simulator.task(taskId)).toBeUndefined();
		const error = await runNode(simulator, { resource: 'task', operation: 'delete', taskId }).catch((caught) => caught);
		expect(error.message).toBe(`Visionatrix answered 404 to DELETE /vapi/tasks/task: Task \`${taskId}\` was not found.`);
	});

	it('Clear Finished and Delete Unfinished remove the right tasks of a flow', async () => {
		const own = await startVisionatrixSimulator({ taskDurationMs: 200, serial: true });
		try {
			const create = async (prompt: string) =>
				(await runNode(own, { resource: 'task', operation: 'create', flow: flow('sdxl_lighting'), flowInputs: mapped({ prompt }) })).output[0].json.task_id as number;
			const done = await create('done');
			await own.waitFor(done, (task) => task.progress === 100);
			const queued = await create('queued');
			await runNode(own, { resource: 'task', operation: 'clearFinished', flowName: 'sdxl_lighting', groupScope: 1 });
			expect(own.task(done)).toBeUndefined();
			expect(own.task(queued)).toBeDefined();
			await runNode(own, { resource: 'task', operation: 'deleteUnfinished', flowName: 'sdxl_lighting', groupScope: 1 });
			expect(own.task(queued)).toBeUndefined();
		} finally {
			await own.close();
		}
	});

	it('Set Priority changes a queued task and is refused for a started one', async () => {
		const own = await startVisionatrixSimulator({ taskDurationMs: 5_000, serial: true });
		try {
			const create = async () =>
				(await runNode(own, { resource: 'task', operation: 'create', flow: flow('sdxl_lighting'), flowInputs: mapped({ prompt: 'p' }) })).output[0].json.task_id as number;
			const running = await create();
			const waiting = await create();
			await own.waitFor(running, (task) => task.progress > 0);
			const { output } = await runNode(own, { resource: 'task', operation: 'setPriority', taskId: waiting, priority: 9 });
			expect(output[0].json).toEqual({ task_id: waiting, priority: 9 });
			const got = await runNode(own, { resource: 'task', operation: 'get', taskId: waiting });
			expect(got.output[0].json.priority).toBe(9);
			const error = await runNode(own, { resource: 'task', operation: 'setPriority', taskId: running, priority: 3 }).catch((caught) => caught);
			expect(error.message).toBe(`Visionatrix answered 400 to PUT /vapi/tasks/update: Task \`${running}\` cannot be updated because it has already started.`);
		} finally {
			await own.close();
		}
	});

	it('Flow → Get Many lists the installed flows', async () => {
		const { output } = await runNode(simulator, { resource: 'flow', operation: 'getMany' });
		expect(output.map((item) => item.json.name)).toEqual(['sdxl_lighting', 'remove_background_birefnet']);
	});

	describe('bad input gets an error naming the parameter', () => {
		const run = (parameters: Record<string, unknown>, extra = {}) =>
			runNode(simulator, { resource: 'task', operation: 'runAndWait', ...parameters }, extra).catch((caught) => caught);

		it('an unknown flow', async () => {
			const error = await run({ flow: flow('sdxl_lightning'), flowInputs: mapped({ prompt: 'x' }) });
			expect(error).toBeInstanceOf(NodeOperationError);
			expect(error.message).toBe('Flow "sdxl_lightning" is not installed on this Visionatrix server. Installed flows: sdxl_lighting, remove_background_birefnet.');
			expect(error.description).toBe('Check the parameter "Flow".');
		});

		it('a missing file input', async () => {
			const error = await run({ flow: flow('remove_background_birefnet'), flowInputs: mapped({}) });
			expect(error.message).toContain('needs a file for its input "input_image"');
			expect(error.description).toBe('Check the parameter "Flow Inputs".');
		});

		it('a binary field that does not exist', async () => {
			const error = await run(
				{ flow: flow('remove_background_birefnet'), flowInputs: mapped({ input_image: 'image' }) },
				{ items: [{ json: {}, binary: { data: { data: 'AAAA', mimeType: 'image/png' } } }] },
			);
			expect(error.message).toBe('The input item has no binary field "image" for "input_image". Its binary fields are: data.');
			expect(error.description).toBe('Check the parameter "Flow Inputs".');
		});

		it('a list value the flow does not offer', async () => {
			const error = await run({ flow: flow('sdxl_lighting'), flowInputs: mapped({ prompt: 'x', steps_number: '6 steps' }) });
			expect(error.message).toContain('must be one of: "4 steps", "8 steps"; got "6 steps"');
		});

		it('a task id that is not a number', async () => {
			const error = await runNode(simulator, { resource: 'task', operation: 'get', taskId: 'abc' }).catch((caught) => caught);
			expect(error).toBeInstanceOf(NodeOperationError);
			expect(error.message).toBe('The task ID must be a whole number of 1 or more; got "abc".');
			expect(error.description).toBe('Check the parameter "Task ID".');
		});

		it('a priority out of range', async () => {
			const error = await runNode(simulator, { resource: 'task', operation: 'setPriority', taskId: 1, priority: 20 }).catch((caught) => caught);
			expect(error.message).toBe('The priority must be a whole number from 0 to 15; got 20.');
			expect(error.description).toBe('Check the parameter "Priority".');
		});
	});

	describe('dropdowns in the editor', () => {
		const context = () => loadOptionsContext({ credentials: credentialsFor(simulator), parameters: { flow: flow('sdxl_lighting') } });

		it('searches installed flows', async () => {
			const { results } = await searchFlows.call(context(), 'birefnet');
			expect(results).toEqual([{ name: expect.stringContaining('(remove_background_birefnet)'), value: 'remove_background_birefnet' }]);
		});

		it('maps the chosen flow\'s inputs to typed fields', async () => {
			const { fields } = await getFlowInputs.call(context());
			expect(fields.map((field) => [field.id, field.type, field.required, field.removed])).toEqual([
				['prompt', 'string', true, false],
				// Optional inputs the flow marks advanced or hidden start out removed; users add them.
				['steps_number', 'options', false, true],
				['negative_prompt', 'string', false, true],
				['batch_size', 'number', false, true],
			]);
			expect(fields[1].options).toEqual([
				{ name: '4 steps', value: '4 steps' },
				{ name: '8 steps', value: '8 steps' },
			]);
		});
	});
});

describe('Visionatrix credential', () => {
	let simulator: VisionatrixSimulator;
	beforeAll(async () => {
		simulator = await startVisionatrixSimulator({ auth: { users: { alice: { password: 'wonder' } } } });
	});
	afterAll(() => simulator.close());

	it('authenticates with Basic auth, and a wrong password gets the server message with a hint', async () => {
		const ok = await runNode(simulator, { resource: 'flow', operation: 'getMany' }, { credentials: credentialsFor(simulator, { user: 'alice', password: 'wonder' }) });
		expect(ok.output).toHaveLength(2);
		const error = await runNode(simulator, { resource: 'flow', operation: 'getMany' }, { credentials: credentialsFor(simulator, { user: 'alice', password: 'nope' }) }).catch(
			(caught) => caught,
		);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe('Visionatrix answered 401 to GET /vapi/flows/installed: Not authenticated');
		expect(error.description).toContain('VIX_AUTH=1');
	});

	it('its test request reaches whoami, and only with the right password', async () => {
		const credential = new VisionatrixApi();
		const request = credential.test.request;
		expect(request.url).toBe('/vapi/other/whoami');
		const authenticate = credential.authenticate as (c: object, r: object) => Promise<{ auth?: { username: string; password: string } }>;
		const call = async (password: string) => {
			const { auth } = await authenticate({ authentication: 'basicAuth', user: 'alice', password }, {});
			return fetch(`${simulator.url}${request.url}`, {
				headers: { authorization: `Basic ${Buffer.from(`${auth!.username}:${auth!.password}`).toString('base64')}` },
			});
		};
		expect((await call('wonder')).status).toBe(200);
		expect((await call('nope')).status).toBe(401);
		const anonymous = await authenticate({ authentication: 'none' }, {});
		expect(anonymous.auth).toBeUndefined();
	});
});
