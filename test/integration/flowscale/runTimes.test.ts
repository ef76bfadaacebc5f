// The waiter's run-time history against the Flowscale simulator: read from the server's own list
// of runs (their started_at and completed_at) once per workflow, and learnt from each run waited for.
import { readAll } from '../../../nodes/shared/core/files.ts';
import { closeSimulators, connect, startSimulator, TEXT_WORKFLOW, textInputs } from './setup.ts';

afterEach(closeSimulators);

it('reads the run times of the workflow from the list of runs once, and a run waited for by them ends with its files', async () => {
	const simulator = await startSimulator({ runMs: 600 });
	const flowscale = connect(simulator);
	for (let run = 0; run < 3; run++) {
		const { job, files } = await flowscale.runWorkflow({ workflowId: TEXT_WORKFLOW, inputs: textInputs(`run ${run}`) }, { timeoutMs: 30_000 });
		expect(job.status).toBe('completed');
		for await (const file of files) expect((await readAll(file)).byteLength).toBeGreaterThan(0);
	}
	const historyReads = simulator.requests.filter((request) => request.path === '/api/v1/runs' && request.method === 'GET' && request.query.sort_by === 'completed_at');
	expect(historyReads).toHaveLength(1);
});

it('asks the list of runs how many are ahead while a run waits for the one container, and every run ends with its files', async () => {
	const simulator = await startSimulator({ runMs: 500, containers: 1 });
	const flowscale = connect(simulator);
	const runs = await Promise.all([0, 1, 2].map((run) => flowscale.runWorkflow({ workflowId: TEXT_WORKFLOW, inputs: textInputs(`queued ${run}`) }, { timeoutMs: 30_000 })));
	for (const { job, files } of runs) {
		expect(job.status).toBe('completed');
		for await (const file of files) expect((await readAll(file)).byteLength).toBeGreaterThan(0);
	}
	const queueReads = simulator.requests.filter((request) => request.path === '/api/v1/runs' && request.method === 'GET' && request.query.sort_by === 'created_at');
	expect(queueReads.length).toBeGreaterThan(0);
});
