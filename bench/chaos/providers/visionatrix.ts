// Visionatrix under chaos: sdxl_lighting tasks of 0.4-1 s (SLOW ones 6 s), the prompt as the tag.
import { visionatrixCredentials } from '../../../test/helpers/providerNodes.ts';
import type { SimTask, VisionatrixSimulator } from '../../../test/simulators/visionatrix/index.ts';
import { startVisionatrixSimulator } from '../../../test/simulators/visionatrix/index.ts';
import { addCreateChaos, addReadChaos } from '../faults.ts';
import type { ChaosJob, ProviderAdapter, ServerJob } from '../types.ts';
import { between, checkItems, checkSaved, countRequests, OnSimulator } from './common.ts';

const FLOW = 'sdxl_lighting';

function serverState(task: SimTask, deleted: boolean): ServerJob {
	const id = String(task.id);
	if (deleted && task.state !== 'finished' && task.state !== 'failed') return { id, state: 'cancelled', endedAt: null };
	if (task.state === 'finished') return { id, state: 'completed', endedAt: task.finishedAt ?? null };
	if (task.state === 'failed') return { id, state: 'failed', endedAt: task.progressWrites.at(-1)?.at ?? null };
	return { id, state: task.state === 'queued' ? 'waiting' : 'running', endedAt: null };
}

export class VisionatrixChaos extends OnSimulator<VisionatrixSimulator> implements ProviderAdapter {
	readonly id = 'visionatrix' as const;
	readonly label = 'Visionatrix';
	readonly canCancel = true;

	async start(): Promise<void> {
		this.simulator = await startVisionatrixSimulator({
			taskDurationMs: (_flow, inputs) => (/\bSLOW\b/.test(String(inputs.prompt)) ? 6_000 : between(400, 1_000)),
			progressSteps: 5,
		});
	}

	credentials() {
		return visionatrixCredentials(this.simulator.url);
	}

	addChaos(random: () => number): void {
		addCreateChaos(this.simulator.faults, random, 'PUT', '/vapi/tasks/create/');
		addReadChaos(this.simulator.faults, random);
	}

	nodeJob(job: ChaosJob) {
		return {
			parameters: {
				resource: 'task',
				operation: 'runAndWait',
				flow: { __rl: true, mode: 'list', value: FLOW },
				flowInputs: { mappingMode: 'defineBelow', value: { prompt: job.tag } },
				options: job.kind === 'timeout' ? { timeout: 1 } : {},
			},
		};
	}

	private bytesOf = (fields: Record<string, unknown>) => this.simulator.resultBytes(Number(fields.taskId), Number(fields.nodeId), Number(fields.batchIndex));

	checkNodeOutput(output: Parameters<ProviderAdapter['checkNodeOutput']>[0]) {
		return checkItems(output, (json) => this.bytesOf((json.file ?? {}) as Record<string, unknown>));
	}

	cliArgs(job: ChaosJob, outDir: string): string[] {
		return ['visionatrix', 'run', FLOW, '--input', `prompt=${job.tag}`, '--out', outDir, '--url', this.simulator.url, ...(job.kind === 'timeout' ? ['--timeout', '1'] : [])];
	}

	checkCliFiles(events: Parameters<ProviderAdapter['checkCliFiles']>[0]) {
		return checkSaved(events, (event) => this.bytesOf(event));
	}

	serverJobs(tag: string): ServerJob[] {
		const live = this.simulator.tasks().filter((task) => task.inputs.prompt === tag).map((task) => serverState(task, false));
		const removed = this.simulator.removedTasks().filter((task) => task.inputs.prompt === tag).map((task) => serverState(task, true));
		return [...live, ...removed];
	}

	busy(): number {
		return this.simulator.tasks().filter((task) => task.state === 'queued' || task.state === 'running').length;
	}

	requestCounts() {
		return countRequests(this.simulator.requests);
	}
}
