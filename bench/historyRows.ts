// The fake-clock sweep checked against reality: 60 s Visionatrix tasks over real sockets, waited for
// with the run times the server lists for the flow (three earlier tasks ran first) and without
// them. The tasks start at once (the simulator runs them side by side), so both rows see the same
// jobs; the requests counted are all a job's client sends but the result downloads: the create,
// the reads of the task, and the list reads (history, place in the queue).
import { fetchTransport } from '../nodes/shared/core/fetchTransport.ts';
import type { Transport } from '../nodes/shared/core/http.ts';
import { RunTimeHistory } from '../nodes/shared/core/runTimes.ts';
import { Visionatrix } from '../nodes/shared/providers/visionatrix/api.ts';
import { scriptEnv } from '../scripts/runtime/timers.ts';
import { startVisionatrixSimulator } from '../test/simulators/visionatrix/index.ts';
import type { WaitRow, WaitSample } from './stats.ts';
import { waitRow } from './stats.ts';

const JOB_MS = 60_000;

/**
 * A history that never knows anything: the waiter as it is without one. The benches that run jobs
 * of several lengths of one flow on one simulator use it, so that lengths no real flow mixes do
 * not make a history of each other.
 */
export class NoHistory extends RunTimeHistory {
	override record(): void {}
	override expect(): Promise<undefined> {
		return Promise.resolve(undefined);
	}
}
const EARLIER_RUNS = 3;

export async function historyRows(repetitions: number): Promise<WaitRow[]> {
	const simulator = await startVisionatrixSimulator({ taskDurationMs: JOB_MS });
	try {
		const transport = fetchTransport();
		/** A client of its own for each job, counting what it asks the API (the result downloads are the same for all). */
		const client = (history: RunTimeHistory, requests = { count: 0 }) => {
			const counting: Transport = (request) => {
				if (!request.url.includes('/vapi/tasks/results')) requests.count++;
				return transport(request);
			};
			return new Visionatrix({ baseUrl: simulator.url, env: { ...scriptEnv(counting), runTimeHistory: history } });
		};
		const learning = client(new RunTimeHistory());
		const flow = await learning.getInstalledFlow('sdxl_lighting');
		await Promise.all(Array.from({ length: EARLIER_RUNS }, (_, run) => learning.runFlow(flow, { inputs: { prompt: `earlier ${run}` } }, { timeoutMs: 3 * JOB_MS })));

		async function oneJob(prompt: string, history: RunTimeHistory): Promise<WaitSample> {
			const requests = { count: 0 };
			const visionatrix = client(history, requests);
			const [finished] = await visionatrix.runFlow(flow, { inputs: { prompt } }, { timeoutMs: 3 * JOB_MS });
			const noticedAt = Date.now();
			return { latencyMs: noticedAt - simulator.task(finished.job.task_id)!.finishedAt!, requests: requests.count };
		}
		// Each job its own history: what one learns must not help another of the same row.
		const [withHistory, without] = await Promise.all([
			Promise.all(Array.from({ length: repetitions }, (_, run) => oneJob(`with ${run}`, new RunTimeHistory()))),
			Promise.all(Array.from({ length: repetitions }, (_, run) => oneJob(`without ${run}`, new NoHistory()))),
		]);
		return [waitRow(JOB_MS, 'genflows, with the flow history from the server', withHistory), waitRow(JOB_MS, 'genflows, no history', without)];
	} finally {
		await simulator.close();
	}
}
