// Listing runs and the deployment, against the Flowscale simulator: the trigger's pages through a
// burst larger than a page, both list shapes, and the system endpoints in each variant.
import type { ListedJob } from '../../../nodes/shared/core/job.ts';
import { flowscaleJobs } from '../../../nodes/shared/providers/flowscale/job.ts';
import { closeSimulators, connect, startSimulator, TEXT_WORKFLOW, textInputs } from './setup.ts';

afterEach(closeSimulators);

describe('Flowscale runs listing', () => {
	it('pages through a burst of runs larger than a page, newest first, each run once', async () => {
		const simulator = await startSimulator({ runMs: 50 });
		const flowscale = connect(simulator);
		for (let index = 0; index < 12; index++) await flowscale.startRun({ workflowId: TEXT_WORKFLOW, groupId: 'burst', inputs: textInputs(`run ${index}`) });
		await flowscale.startRun({ workflowId: TEXT_WORKFLOW, groupId: 'elsewhere', inputs: textInputs('not listed') });

		const adapter = flowscaleJobs(flowscale, { groupId: 'burst', pageSize: 5 });
		const listed: ListedJob[] = [];
		let page: string | undefined;
		let pages = 0;
		do {
			const result = await adapter.listJobs!({ page });
			listed.push(...result.jobs.map(({ listed: entry }) => entry));
			page = result.next;
			pages++;
		} while (page !== undefined);

		expect(pages).toBe(3);
		const burst = simulator.runs().filter((run) => run.groupId === 'burst');
		expect(listed.map((entry) => entry.id)).toEqual(burst.map((run) => run.id).reverse());
		expect(listed.map((entry) => entry.order)).toEqual(burst.map((run) => new Date(run.createdAt).toISOString()).reverse());
		expect((await flowscale.listAllRuns({ groupId: 'burst' })).map((run) => run.run_id)).toEqual(listed.map((entry) => entry.id));
		expect(await flowscale.listAllRuns({}, { limit: 3 })).toHaveLength(3);
	});

	it('lists the older grouped shape as one list, sorted and paged here', async () => {
		const simulator = await startSimulator({ listShape: 'grouped' });
		const flowscale = connect(simulator);
		for (let index = 0; index < 3; index++) await flowscale.startRun({ workflowId: TEXT_WORKFLOW, inputs: textInputs(`old ${index}`) });
		const ids = simulator.runs().map((run) => run.id);
		const adapter = flowscaleJobs(flowscale, { pageSize: 2 });
		const first = await adapter.listJobs!({});
		expect(first.jobs.map(({ listed }) => listed.id)).toEqual([ids[2], ids[1]]);
		const second = await adapter.listJobs!({ page: first.next });
		expect(second).toEqual({ jobs: [expect.objectContaining({ listed: expect.objectContaining({ id: ids[0] }) })], next: undefined });
		expect((await flowscale.listRuns({ sortOrder: 'asc', pageSize: 10 })).runs.map((run) => run.run_id)).toEqual(ids);
	});

	it('reads a run as the adapter and the waiter see it', async () => {
		const simulator = await startSimulator();
		const flowscale = connect(simulator);
		const started = await flowscale.startRun({ workflowId: TEXT_WORKFLOW, inputs: textInputs('read me') });
		const adapter = flowscaleJobs(flowscale);
		const run = await adapter.read(started.run_id);
		expect(adapter.id(run)).toBe(started.run_id);
		expect(adapter.summary(run)).toMatchObject({ run_id: started.run_id, _id: started.run_id, workflow_id: TEXT_WORKFLOW, team_id: 'team_sim' });
		// Just started: still waiting for its container ("queued"), which the waiter reads as queued.
		expect(run.status).toBe('queued');
		expect(adapter.status(run)).toEqual({ phase: 'queued' });
		await simulator.waitFor(started.run_id, (state) => state.state === 'running');
		expect(adapter.status(await adapter.read(started.run_id))).toEqual({ phase: 'running' });
	});
});

describe('Flowscale system endpoints', () => {
	it('reads health, queue and workflows as SDK 1.1.4 and the JS docs show them', async () => {
		const simulator = await startSimulator();
		const flowscale = connect(simulator);
		expect(await flowscale.health()).toEqual([
			{ name: 'container #1', container: 'container #1', status: 'idle' },
			{ name: 'container #2', container: 'container #2', status: 'idle' },
		]);
		expect((await flowscale.queue())[0]).toMatchObject({ name: 'container #1', queue: { queue_running: [], queue_pending: [] } });
		expect((await flowscale.listWorkflows())?.map((workflow) => [workflow.id, workflow.name, workflow.inputs])).toEqual([
			[TEXT_WORKFLOW, 'Text to Image', { text_51536: 'string', seed_456: 'number' }],
			['550e8400-e29b-41d4-a716-446655440000', 'Pet Portrait', { image_35728: 'image', text_51536: 'string' }],
		]);
	});

	it("reads OpenAPI's container keys, SDK 1.1.0b's workflow listing, and a deployment without one", async () => {
		const openApi = connect(await startSimulator({ containerShape: 'url', containers: 1, workflowsListing: 'beta' }));
		expect(await openApi.health()).toEqual([{ name: 'http://comfy-1.internal:8188', url: 'http://comfy-1.internal:8188', status: 'idle' }]);
		expect((await openApi.queue())[0]).toMatchObject({ name: 'http://comfy-1.internal:8188', comfy_uri: 'http://comfy-1.internal:8188' });
		expect((await openApi.listWorkflows())?.[0]).toMatchObject({ id: TEXT_WORKFLOW, workflow_id: TEXT_WORKFLOW });
		const bare = connect(await startSimulator({ workflowsListing: 'absent' }));
		await expect(bare.listWorkflows()).resolves.toBeUndefined();
	});

	it('says to check the key after a 401', async () => {
		const simulator = await startSimulator();
		await expect(connect(simulator, { apiKey: 'wrong' }).health()).rejects.toMatchObject({ status: 401, serverMessage: 'Invalid API key', hint: expect.stringContaining('X-API-KEY') });
	});
});
