// The waiter's run-time history and queue position against the Visionatrix simulator over a real
// socket: where they come from (the task list's `execution_time`, the caller's unfinished tasks)
// and that a wait that uses them still ends with the right task.
import { fetchTransport } from '../../../nodes/shared/core/fetchTransport.ts';
import { RunTimeHistory } from '../../../nodes/shared/core/runTimes.ts';
import { Visionatrix } from '../../../nodes/shared/providers/visionatrix/api.ts';
import { scriptEnv } from '../../../scripts/runtime/timers.ts';
import type { VisionatrixSimulator } from '../../simulators/visionatrix/index.ts';
import { startVisionatrixSimulator } from '../../simulators/visionatrix/index.ts';

describe('Visionatrix: waiting by the flow history and the queue', () => {
	let simulator: VisionatrixSimulator;
	let history: RunTimeHistory;
	let visionatrix: Visionatrix;

	beforeEach(async () => {
		// One worker: tasks run one after the other.
		simulator = await startVisionatrixSimulator({ taskDurationMs: 300, serial: true });
		history = new RunTimeHistory();
		visionatrix = new Visionatrix({ baseUrl: simulator.url, env: { ...scriptEnv(fetchTransport()), runTimeHistory: history } });
	});
	afterEach(() => simulator.close());

	const historyReads = () => simulator.requests.filter((request) => request.path === '/vapi/tasks/progress-summary' && request.query.name === 'sdxl_lighting');
	const queueReads = () => simulator.requests.filter((request) => request.path === '/vapi/tasks/progress-summary' && request.query.name === undefined);

	it('asks the queue while the task waits behind others, learns its run time, and asks the flow history once', async () => {
		const flow = await visionatrix.getInstalledFlow('sdxl_lighting');
		// Three tasks ahead of ours on the one worker.
		for (let ahead = 0; ahead < 3; ahead++) await visionatrix.createTask(flow, { inputs: { prompt: `ahead ${ahead}` } });
		const [finished] = await visionatrix.runFlow(flow, { inputs: { prompt: 'ours' } }, { timeoutMs: 60_000 });
		expect(finished.job.progress).toBe(100);
		expect(finished.job.input_params).toMatchObject({ prompt: 'ours' });
		for await (const file of finished.files) await new Response(file.stream).arrayBuffer();

		expect(historyReads()).toHaveLength(1);
		expect(queueReads().length).toBeGreaterThan(0);
		// What the worker measured for our task is now known for the flow.
		const learnt = await history.expect(`${simulator.url} sdxl_lighting`, Date.now());
		const ours = finished.job.execution_time * 1000;
		expect(learnt!.shortestMs).toBeLessThanOrEqual(ours);
		expect(learnt!.longestMs).toBeGreaterThanOrEqual(ours);

		// The next task of the flow waits by that history: no second look at it.
		await visionatrix.runFlow(flow, { inputs: { prompt: 'next' } }, { timeoutMs: 60_000 });
		expect(historyReads()).toHaveLength(1);
	});

	it('reads the run times of finished tasks of the flow from the server, newest first', async () => {
		const flow = await visionatrix.getInstalledFlow('sdxl_lighting');
		for (let run = 0; run < 2; run++) await visionatrix.runFlow(flow, { inputs: { prompt: `earlier ${run}` } }, { timeoutMs: 60_000 });
		const fresh = new RunTimeHistory();
		const other = new Visionatrix({ baseUrl: simulator.url, env: { ...scriptEnv(fetchTransport()), runTimeHistory: fresh } });
		// A task ahead, so that ours is still unfinished when first read (a finished one needs no history).
		await other.createTask(flow, { inputs: { prompt: 'ahead' } });
		await other.runFlow(flow, { inputs: { prompt: 'third' } }, { timeoutMs: 60_000 });
		// Two from the server's list (the task ahead may have finished by then too), and the one just waited for.
		expect((await fresh.expect(`${simulator.url} sdxl_lighting`, Date.now()))?.samples).toBeGreaterThanOrEqual(3);
	});

	it('reads a task while it runs without checking its ComfyUI graph, and checks everything once it has ended', async () => {
		const flow = await visionatrix.getInstalledFlow('sdxl_lighting');
		const created = await visionatrix.createTask(flow, { inputs: { prompt: 'state' } });
		const taskId = created.tasks_ids[0];
		await simulator.waitFor(taskId, (task) => task.progress > 0, 5_000);
		const running = await visionatrix.getTaskState(taskId);
		expect(running.progress).toBeGreaterThan(0);
		await simulator.waitFor(taskId, (task) => task.progress === 100, 5_000);
		const done = await visionatrix.getTaskState(taskId);
		expect(done).toEqual(await visionatrix.getTask(taskId));
	});
});
