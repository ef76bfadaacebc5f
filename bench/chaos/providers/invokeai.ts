// InvokeAI under chaos: the library's "Text to Image - SDXL" workflow at 3 ms a node (SLOW ones
// 800 ms a node) on the one-GPU queue, the positive prompt as the tag, followed over Socket.IO,
// which is dropped now and then.
import { openCredentials } from '../../../test/helpers/providerNodes.ts';
import type { InvokeAiSimulator, SimQueueItem } from '../../../test/simulators/invokeai/index.ts';
import { startInvokeAiSimulator } from '../../../test/simulators/invokeai/index.ts';
import { addCreateChaos, addReadChaos, addSocketChaos } from '../faults.ts';
import type { ChaosJob, ProviderAdapter, ServerJob } from '../types.ts';
import { checkItems, checkSaved, countRequests, OnSimulator } from './common.ts';

const SDXL_ID = 'default_5e8b008d-c697-45d0-8883-085a954c6ace';
const PROMPT_NODE = 'ade2c0d3-0384-4157-b39b-29ce429cfa15';
const MODEL = 'Juggernaut XL v9';
const VAE = 'FLUX.1-schnell_ae';

/** SQLite's UTC text, "2026-12-02 10:00:00.123", as Date.now() time. */
const sqliteMs = (text: unknown) => (typeof text === 'string' ? Date.parse(`${text.replace(' ', 'T')}Z`) : null);

function serverState(item: SimQueueItem): ServerJob {
	const id = String(item.item_id);
	switch (item.status) {
		case 'pending':
		case 'waiting':
			return { id, state: 'waiting', endedAt: null };
		case 'in_progress':
			return { id, state: 'running', endedAt: null };
		case 'completed':
			return { id, state: 'completed', endedAt: sqliteMs(item.completed_at) };
		case 'canceled':
			return { id, state: 'cancelled', endedAt: sqliteMs(item.completed_at) };
		default:
			return { id, state: 'failed', endedAt: sqliteMs(item.completed_at) };
	}
}

export class InvokeAiChaos extends OnSimulator<InvokeAiSimulator> implements ProviderAdapter {
	readonly id = 'invokeai' as const;
	readonly label = 'InvokeAI';
	readonly canCancel = true;

	async start(): Promise<void> {
		this.simulator = await startInvokeAiSimulator({
			nodeMs: (_node, item) => (item.texts.some((text) => /\bSLOW\b/.test(text)) ? 800 : 3),
			startDelayMs: 5,
		});
	}

	credentials() {
		return openCredentials(this.simulator.url);
	}

	addChaos(random: () => number): void {
		addCreateChaos(this.simulator.faults, random, 'POST', '/api/v1/queue/default/enqueue_batch');
		addReadChaos(this.simulator.faults, random);
		addSocketChaos(this.simulator.faults, random, '/ws/socket.io');
	}

	nodeJob(job: ChaosJob) {
		const values: Record<string, string> = { Model: MODEL, 'VAE (use the FP16 model)': VAE, 'Positive Prompt': job.tag };
		return {
			parameters: {
				resource: 'workflow',
				operation: 'runAndWait',
				workflowSource: 'library',
				workflowId: { mode: 'list', value: SDXL_ID },
				inputValues: { values: Object.entries(values).map(([name, value]) => ({ name, value })) },
				options: { timeout: job.kind === 'timeout' ? 1 : 60 },
			},
		};
	}

	private bytesOf = (imageName: unknown) => this.simulator.imageBytes(String(imageName));

	checkNodeOutput(output: Parameters<ProviderAdapter['checkNodeOutput']>[0]) {
		return checkItems(output, (json) => this.bytesOf((json.file as Record<string, unknown> | undefined)?.imageName));
	}

	cliArgs(job: ChaosJob, outDir: string): string[] {
		return [
			'invokeai',
			'run',
			SDXL_ID,
			'--set',
			`Model=${MODEL}`,
			'--set',
			`VAE (use the FP16 model)=${VAE}`,
			'--set',
			`Positive Prompt=${job.tag}`,
			'--out',
			outDir,
			'--url',
			this.simulator.url,
			...(job.kind === 'timeout' ? ['--timeout', '1'] : []),
		];
	}

	checkCliFiles(events: Parameters<ProviderAdapter['checkCliFiles']>[0]) {
		return checkSaved(events, (event) => this.bytesOf(event.imageName));
	}

	serverJobs(tag: string): ServerJob[] {
		return this.simulator
			.items()
			.filter((item) => item.session.graph.nodes[PROMPT_NODE]?.value === tag)
			.map(serverState);
	}

	busy(): number {
		return this.simulator.items().filter((item) => item.status === 'pending' || item.status === 'in_progress' || item.status === 'waiting').length;
	}

	requestCounts() {
		return countRequests(this.simulator.requests);
	}
}
