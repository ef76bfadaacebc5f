// Flowscale runs of 10 s and 60 s with two outputs, waited for by our client as shipped and by the
// same client polling every 2 s, the interval of Flowscale's own SDK (1.1.4's wait loop), against
// the bundled Flowscale simulator on 127.0.0.1. Flowscale reports no progress, only a status word.
import { fetchTransport } from '../nodes/shared/core/fetchTransport.ts';
import { readAll } from '../nodes/shared/core/files.ts';
import type { PollingPlan } from '../nodes/shared/core/waiter.ts';
import { Flowscale } from '../nodes/shared/providers/flowscale/api.ts';
import { scriptEnv } from '../scripts/runtime/timers.ts';
import { startFlowscaleSimulator } from '../test/simulators/flowscale/index.ts';
import { NoHistory } from './historyRows.ts';
import type { WaitRow, WaitSample } from './stats.ts';
import { waitRow } from './stats.ts';

const DURATIONS_MS = [10_000, 60_000];
const REPETITIONS = 9;
/** The simulator's text-to-image workflow: two outputs, the second named half-way through the run. */
const TWO_OUTPUTS_WORKFLOW = 'bncu0a1kipv';

export const FLOWSCALE_STRATEGIES: Record<string, Partial<PollingPlan> | undefined> = {
	'genflows Flowscale waiter': undefined,
	"fixed 2 s poller (the SDK's interval)": { initialMs: 2_000, minMs: 2_000, maxMs: 2_000, queuedMaxMs: 2_000, growth: 1 },
};

/** Latency from the simulator marking the run completed; requests: the create, status and output reads (downloads go to the storage host). */
export async function flowscaleBench(): Promise<WaitRow[]> {
	const simulator = await startFlowscaleSimulator({
		// Every run on a container of its own, so that they run at once; a random 0-5 s queue first,
		// so a fixed poller's phase against the finish is random.
		containers: 100,
		queueMs: () => Math.round(Math.random() * 5_000),
		runMs: (run) => Number(run.texts.text_51536.split('-')[1]),
	});
	const flowscale = new Flowscale({
		baseUrl: simulator.url,
		// Both lengths are one workflow here: without run-time history (see the waiter section for it).
		env: { ...scriptEnv(fetchTransport({ headers: { 'x-api-key': simulator.apiKey } }), undefined, { plainTransport: fetchTransport() }), runTimeHistory: new NoHistory() },
	});

	async function oneRun(durationMs: number, plan: Partial<PollingPlan> | undefined): Promise<WaitSample> {
		let runId = '';
		const finished = await flowscale.runWorkflow(
			{ workflowId: TWO_OUTPUTS_WORKFLOW, inputs: [{ name: 'text_51536', value: `bench-${durationMs}` }] },
			{ timeoutMs: durationMs * 3 + 30_000, plan, onSubmitted: (started) => (runId = started.run_id) },
		);
		const noticedAt = Date.now();
		let files = 0;
		for await (const file of finished.files) {
			await readAll(file);
			files += 1;
		}
		const run = simulator.run(runId)!;
		if (files !== 2) throw new Error(`Flowscale run ${runId}: ${files} files, expected 2`);
		const outputNames = new Set(run.outputs.flatMap((output) => [output.name, output.fileName]));
		const reads = simulator.requests.filter(
			(request) => request.path === `/api/v1/runs/${runId}` || (request.path === '/api/v1/runs/output' && outputNames.has(request.query.filename)),
		);
		return { latencyMs: noticedAt - run.finishedAt!, requests: 1 + reads.length };
	}

	try {
		return await Promise.all(
			DURATIONS_MS.flatMap((durationMs) =>
				Object.entries(FLOWSCALE_STRATEGIES).map(async ([strategy, plan]) => {
					return waitRow(durationMs, strategy, await Promise.all(Array.from({ length: REPETITIONS }, () => oneRun(durationMs, plan))));
				}),
			),
		);
	} finally {
		await simulator.close();
	}
}
