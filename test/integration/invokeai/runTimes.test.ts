// The waiter's queue position and run-time history against the InvokeAI simulator (one item at a
// time, as InvokeAI runs them), polling without the socket: where they come from, and that the
// runs still end with their own images.
import { readAll } from '../../../nodes/shared/core/files.ts';
import { closeSimulators, connect, defaultWorkflow, SDXL_MODEL, startSimulator } from './setup.ts';

afterEach(closeSimulators);

const SDXL_VALUES = { Model: SDXL_MODEL, 'VAE (use the FP16 model)': 'FLUX.1-schnell_ae', 'Positive Prompt': 'a lighthouse at dusk' };

it('asks the queue how many items are ahead while one waits, and reads the workflow history once', async () => {
	const simulator = await startSimulator({ nodeMs: (node) => (node.type === 'denoise_latents' ? 700 : 2) });
	const invokeai = connect(simulator, { openEventSocket: null });
	const workflow = defaultWorkflow('Text to Image - SDXL');
	const runs = await Promise.all([0, 1, 2].map((run) => invokeai.runWorkflow({ workflow, values: { ...SDXL_VALUES, 'Positive Prompt': `run ${run}` }, timeoutMs: 60_000 })));

	for (const run of runs) {
		expect(simulator.item(run.itemIds[0])?.status).toBe('completed');
		for (const item of run.items) for await (const file of item.files) expect((await readAll(file)).byteLength).toBeGreaterThan(0);
	}
	const paths = simulator.requests.map((request) => request.path);
	// Items waiting behind the first asked the queue's state instead of reading themselves every few seconds.
	expect(paths.filter((path) => path === '/api/v1/queue/default/status').length).toBeGreaterThan(0);
	// The history of the workflow (the newest items with their sessions) was read once for the three waits.
	expect(paths.filter((path) => path === '/api/v1/queue/default/item_ids').length).toBe(1);
});
