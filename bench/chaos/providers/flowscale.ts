// Flowscale under chaos: runs of the two-output text workflow of 0.4-1 s (SLOW ones 6 s) on eight
// containers, the text input as the tag; the storage host of the downloads has read faults too.
import { flowscaleCredentials } from '../../../test/helpers/providerNodes.ts';
import type { FlowscaleSimulator, SimRun } from '../../../test/simulators/flowscale/index.ts';
import { startFlowscaleSimulator } from '../../../test/simulators/flowscale/index.ts';
import { addCreateChaos, addReadChaos } from '../faults.ts';
import type { ChaosJob, ProviderAdapter, ServerJob } from '../types.ts';
import { between, checkItems, checkSaved, countRequests, OnSimulator } from './common.ts';

const TEXT_WORKFLOW = 'bncu0a1kipv';
const TAG_FIELD = 'text_51536';

function serverState(run: SimRun): ServerJob {
	const endedAt = run.finishedAt;
	switch (run.state) {
		case 'queued':
			return { id: run.id, state: 'waiting', endedAt: null };
		case 'running':
			return { id: run.id, state: 'running', endedAt: null };
		case 'completed':
			return { id: run.id, state: 'completed', endedAt };
		case 'cancelled':
			return { id: run.id, state: 'cancelled', endedAt };
		default:
			return { id: run.id, state: 'failed', endedAt };
	}
}

export class FlowscaleChaos extends OnSimulator<FlowscaleSimulator> implements ProviderAdapter {
	readonly id = 'flowscale' as const;
	readonly label = 'Flowscale';
	readonly canCancel = true;

	async start(): Promise<void> {
		this.simulator = await startFlowscaleSimulator({
			containers: 8,
			queueMs: 20,
			runMs: (run) => (Object.values(run.texts).some((text) => /\bSLOW\b/.test(text)) ? 6_000 : between(400, 1_000)),
		});
	}

	credentials() {
		return flowscaleCredentials(this.simulator.url, this.simulator.apiKey);
	}

	addChaos(random: () => number): void {
		// POST /api/v1/runs is the create; the prefix takes the cancel (POST /api/v1/runs/{id}/cancel) in too.
		addCreateChaos(this.simulator.faults, random, 'POST', '/api/v1/runs');
		addReadChaos(this.simulator.faults, random);
		addReadChaos(this.simulator.storage.faults, random);
	}

	override clearChaos(): void {
		super.clearChaos();
		this.simulator.storage.faults.clear();
	}

	nodeJob(job: ChaosJob) {
		return {
			parameters: {
				resource: 'run',
				operation: 'runAndWait',
				workflowId: { __rl: true, mode: 'list', value: TEXT_WORKFLOW },
				inputs: { input: [{ name: TAG_FIELD, value: job.tag }] },
				options: job.kind === 'timeout' ? { timeout: 1 } : {},
			},
		};
	}

	private bytesOf = (fields: Record<string, unknown>) => this.simulator.outputBytes(String(fields.runId), String(fields.outputName));

	checkNodeOutput(output: Parameters<ProviderAdapter['checkNodeOutput']>[0]) {
		return checkItems(output, (json) => this.bytesOf((json.file ?? {}) as Record<string, unknown>));
	}

	cliArgs(job: ChaosJob, outDir: string): string[] {
		return [
			'flowscale',
			'run',
			TEXT_WORKFLOW,
			'--input',
			`${TAG_FIELD}=${job.tag}`,
			'--out',
			outDir,
			'--url',
			this.simulator.url,
			'--api-key',
			this.simulator.apiKey,
			...(job.kind === 'timeout' ? ['--timeout', '1'] : []),
		];
	}

	checkCliFiles(events: Parameters<ProviderAdapter['checkCliFiles']>[0]) {
		return checkSaved(events, (event) => this.bytesOf(event));
	}

	serverJobs(tag: string): ServerJob[] {
		return this.simulator
			.runs()
			.filter((run) => run.inputs.some((input) => input.name === TAG_FIELD && input.value === tag))
			.map(serverState);
	}

	busy(): number {
		return this.simulator.runs().filter((run) => run.state === 'queued' || run.state === 'running').length;
	}

	requestCounts() {
		return countRequests(this.simulator.requests, this.simulator.storage.requests);
	}
}
