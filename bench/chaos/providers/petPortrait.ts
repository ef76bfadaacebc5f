// Pet Portrait under chaos: portraits of the 46-node workflow at 5 ms a node (SLOW ones 80 ms a
// node, 3.7 s), the style input as the tag, followed over the WebSocket, which is dropped now and then.
// One ComfyUI queue: portraits run one at a time. Pet Portrait cannot cancel a run.
import { openCredentials } from '../../../test/helpers/providerNodes.ts';
import type { PetPortraitSimulator, SimPrompt } from '../../../test/simulators/petPortrait/index.ts';
import { STYLE_NODE, startPetPortraitSimulator } from '../../../test/simulators/petPortrait/index.ts';
import { CHAOS_PHOTO } from '../harness.ts';
import { addCreateChaos, addReadChaos, addSocketChaos } from '../faults.ts';
import type { ChaosJob, ProviderAdapter, ServerJob } from '../types.ts';
import { checkItems, checkSaved, countRequests, OnSimulator } from './common.ts';

function serverState(prompt: SimPrompt): ServerJob {
	const id = prompt.promptId;
	if (prompt.state === 'completed') return { id, state: 'completed', endedAt: prompt.finishedAt };
	if (prompt.state === 'failed') return { id, state: 'failed', endedAt: prompt.finishedAt };
	return { id, state: prompt.state === 'queued' ? 'waiting' : 'running', endedAt: null };
}

function fileNameOf(resultImage: unknown): string {
	return decodeURIComponent(new URL(String(resultImage), 'http://x').pathname.split('/').pop()!);
}

export class PetPortraitChaos extends OnSimulator<PetPortraitSimulator> implements ProviderAdapter {
	readonly id = 'petPortrait' as const;
	readonly label = 'Pet Portrait';
	readonly canCancel = false;

	async start(): Promise<void> {
		this.simulator = await startPetPortraitSimulator({
			nodeMs: (_node, prompt) => (Object.values(prompt.texts).some((text) => /\bSLOW\b/.test(text)) ? 80 : 5),
			startDelayMs: 20,
			imageSize: { width: 64, height: 64 },
		});
	}

	credentials() {
		return openCredentials(this.simulator.url);
	}

	addChaos(random: () => number): void {
		addCreateChaos(this.simulator.faults, random, 'POST', '/api/generate');
		addReadChaos(this.simulator.faults, random);
		addSocketChaos(this.simulator.faults, random, '/ws');
	}

	nodeJob(job: ChaosJob) {
		return {
			parameters: {
				resource: 'portrait',
				operation: 'createAndWait',
				inputBinaryField: 'data',
				userInputs: { input: [{ nodeId: STYLE_NODE, value: job.tag }] },
				options: job.kind === 'timeout' ? { timeout: 1 } : {},
			},
			items: [{ json: {}, binary: { data: { data: CHAOS_PHOTO.toString('base64'), mimeType: 'image/png', fileName: `pet-${job.index}.png`, fileExtension: 'png' } } }],
		};
	}

	private bytesOf = (resultImage: unknown) => this.simulator.imageBytes(fileNameOf(resultImage));

	checkNodeOutput(output: Parameters<ProviderAdapter['checkNodeOutput']>[0]) {
		return checkItems(output, (json) => this.bytesOf(json.resultImage));
	}

	cliArgs(job: ChaosJob, outDir: string, workDir: string): string[] {
		return [
			'pet-portrait',
			'run',
			'--image',
			`${workDir}/photo.png`,
			'--input',
			`${STYLE_NODE}=${job.tag}`,
			'--out',
			outDir,
			'--url',
			this.simulator.url,
			...(job.kind === 'timeout' ? ['--timeout', '1'] : []),
		];
	}

	checkCliFiles(events: Parameters<ProviderAdapter['checkCliFiles']>[0]) {
		return checkSaved(events, (event) => this.bytesOf(event.resultImage));
	}

	serverJobs(tag: string): ServerJob[] {
		return this.simulator
			.prompts()
			.filter((prompt) => prompt.texts[STYLE_NODE] === tag)
			.map(serverState);
	}

	busy(): number {
		return this.simulator.prompts().filter((prompt) => prompt.state === 'queued' || prompt.state === 'running').length;
	}

	requestCounts() {
		return countRequests(this.simulator.requests);
	}
}
