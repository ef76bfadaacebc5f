// The four simulators side by side, with a credential for each and the four webhook examples bound
// to them: what the load driver (driver.ts) and the stop/timeout tests (../reliability/) run n8n
// against. No jest here: `npm run load` compiles this with tsconfig.tools.json and runs it in Node.
import type { Server } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { FlowscaleSimulator } from '../../simulators/flowscale/index.ts';
import { startFlowscaleSimulator } from '../../simulators/flowscale/index.ts';
import type { InvokeAiSimulator, SimQueueItem } from '../../simulators/invokeai/index.ts';
import { startInvokeAiSimulator } from '../../simulators/invokeai/index.ts';
import type { PetPortraitSimulator } from '../../simulators/petPortrait/index.ts';
import { startPetPortraitSimulator } from '../../simulators/petPortrait/index.ts';
import { makePlaceholderPng } from '../../simulators/shared/picture/placeholderImage.ts';
import type { VisionatrixSimulator } from '../../simulators/visionatrix/index.ts';
import { startVisionatrixSimulator } from '../../simulators/visionatrix/index.ts';
import type { ExecutionJson } from '../harness/n8n.ts';
import type { CredentialJson, WorkflowJson } from '../harness/workflows.ts';
import { CREDENTIAL_ID, flowscaleCredential, invokeAiCredential, loadExample, petPortraitCredential, visionatrixCredential } from '../harness/workflows.ts';

export type ProviderName = 'visionatrix' | 'flowscale' | 'petPortrait' | 'invokeai';
export const PROVIDERS: ProviderName[] = ['visionatrix', 'flowscale', 'petPortrait', 'invokeai'];

export interface Fleet {
	visionatrix: VisionatrixSimulator;
	flowscale: FlowscaleSimulator;
	petPortrait: PetPortraitSimulator;
	invokeai: InvokeAiSimulator;
	/** Serves the pet photo the Flowscale and Pet Portrait examples download first. */
	photoUrl: string;
	credentials: CredentialJson[];
	close(): Promise<void>;
}

/** `short`: jobs of about a second (the load); `long`: jobs of minutes, for stopping (a stop or a timeout must end them). */
export async function startFleet(timing: 'short' | 'long'): Promise<Fleet> {
	const long = timing === 'long';
	const visionatrix = await startVisionatrixSimulator({ taskDurationMs: long ? 600_000 : 800 });
	// Enough containers that a load never queues behind two of them, as a scaled deployment.
	const flowscale = await startFlowscaleSimulator({ queueMs: 50, runMs: long ? 600_000 : 800, containers: long ? 4 : 64 });
	// ComfyUI behind Pet Portrait runs one prompt at a time: short nodes for the load, and the result
	// looked up by the session's own job, not when ComfyUI's whole queue is empty.
	const petPortrait = await startPetPortraitSimulator({ nodeMs: long ? 60_000 : 2, resultCheck: 'own-job', imageSize: { width: 96, height: 128 } });
	const invokeai = await startInvokeAiSimulator({ nodeMs: long ? 5_000 : 2 });
	const photo = makePlaceholderPng({ width: 64, height: 48, flow: 'photo', request: 'rex on the lawn', footer: 'e2e' }, 'the pet photo');
	const photoServer: Server = createServer((_request, response) => response.writeHead(200, { 'content-type': 'image/png' }).end(photo));
	await new Promise<void>((resolve) => photoServer.listen(0, '127.0.0.1', resolve));
	const photoUrl = `http://127.0.0.1:${(photoServer.address() as AddressInfo).port}/rex.png`;
	return {
		visionatrix,
		flowscale,
		petPortrait,
		invokeai,
		photoUrl,
		credentials: [
			visionatrixCredential(visionatrix),
			flowscaleCredential({ url: `${flowscale.url}/` }, flowscale.apiKey, CREDENTIALS.flowscaleApi.id, CREDENTIALS.flowscaleApi.name),
			petPortraitCredential(petPortrait, CREDENTIALS.petPortraitApi.id, CREDENTIALS.petPortraitApi.name),
			invokeAiCredential(invokeai, CREDENTIALS.invokeAiApi.id, CREDENTIALS.invokeAiApi.name),
		],
		async close() {
			await Promise.all([visionatrix.close(), flowscale.close(), petPortrait.close(), invokeai.close()]);
			await new Promise((resolve) => photoServer.close(resolve));
		},
	};
}

const CREDENTIALS = {
	visionatrixApi: { id: CREDENTIAL_ID, name: 'Visionatrix account' },
	flowscaleApi: { id: 'e2eFlowscale', name: 'Flowscale account' },
	petPortraitApi: { id: 'e2ePetPortrait', name: 'Pet Portrait account' },
	invokeAiApi: { id: 'e2eInvokeAi', name: 'InvokeAI account' },
};

/** Per provider: its webhook example, the node that makes the picture, and the request field that varies per job. */
export const EXAMPLES: Record<ProviderName, { file: string; path: string; node: string; keyField: string }> = {
	visionatrix: { file: 'visionatrix-webhook-prompt-to-image.json', path: 'generate-image', node: 'Generate Image', keyField: 'prompt' },
	flowscale: { file: 'flowscale-webhook-photo-to-portrait.json', path: 'flowscale-portrait', node: 'Make Portrait', keyField: 'style' },
	petPortrait: { file: 'pet-portrait-webhook-photo-to-portrait.json', path: 'pet-portrait', node: 'Paint Portrait', keyField: 'pet' },
	invokeai: { file: 'invokeai-webhook-prompt-to-image.json', path: 'invokeai-image', node: 'Generate Image', keyField: 'prompt' },
};

export interface ExampleVariant {
	/** Workflow id (and name). */
	id: string;
	/** The webhook path; the example's own when omitted. */
	path?: string;
	/** Answer the webhook at once and leave out "Respond with …" (for executions to stop). */
	answerAtOnce?: boolean;
	/** Merged into the workflow's settings (e.g. `executionTimeout`, in seconds). */
	settings?: Record<string, unknown>;
}

/** A provider's webhook example as shipped, bound to the fleet's credential, with the variant's changes. */
export function exampleWorkflow(provider: ProviderName, variant: ExampleVariant): WorkflowJson {
	const example = EXAMPLES[provider];
	const workflow = loadExample(example.file, variant.id, [], { ...CREDENTIALS });
	workflow.name = variant.id;
	const webhook = workflow.nodes.find((node) => node.type === 'n8n-nodes-base.webhook')!;
	if (variant.path) webhook.parameters.path = variant.path;
	// Each import gets its own webhook id, so that the same example may be imported more than once.
	webhook.webhookId = `${variant.id}-webhook`;
	if (variant.answerAtOnce) {
		webhook.parameters.responseMode = 'onReceived';
		const respond = workflow.nodes.filter((node) => node.type === 'n8n-nodes-base.respondToWebhook').map((node) => node.name);
		workflow.nodes = workflow.nodes.filter((node) => !respond.includes(node.name));
		delete (workflow.connections as Record<string, unknown>)[example.node];
	}
	workflow.settings = { ...workflow.settings, ...variant.settings };
	return workflow;
}

/** The JSON body to POST to a provider's example; `key` goes into the field that reaches the server (prompt, style, pet). */
export function requestBody(fleet: Fleet, provider: ProviderName, key: string): Record<string, string> {
	const body: Record<string, string> = { [EXAMPLES[provider].keyField]: key };
	if (provider === 'flowscale' || provider === 'petPortrait') body.photoUrl = fleet.photoUrl;
	return body;
}

/** The value of the varying field the execution's webhook received. */
export function keyOfExecution(provider: ProviderName, execution: ExecutionJson): string | undefined {
	const [item] = execution.data.resultData.runData.Webhook?.[0]?.data?.main[0] ?? [];
	const body = item?.json.body as Record<string, unknown> | undefined;
	const value = body?.[EXAMPLES[provider].keyField];
	return typeof value === 'string' ? value : undefined;
}

/**
 * The picture the simulator made for the job whose varying field was `key` (the one the example
 * answers with), found on the simulator's side; undefined when it has none.
 */
export function simulatorBytes(fleet: Fleet, provider: ProviderName, key: string, execution?: ExecutionJson): Uint8Array | undefined {
	switch (provider) {
		case 'visionatrix': {
			// The example deletes the task after the download; the simulator still knows its files by id.
			const [item] = execution?.data.resultData.runData[EXAMPLES.visionatrix.node]?.[0]?.data?.main[0] ?? [];
			const taskId = item?.json.task_id;
			return typeof taskId === 'number' ? fleet.visionatrix.resultBytes(taskId, 9, 0) : undefined;
		}
		case 'flowscale': {
			const run = fleet.flowscale.runs().find((candidate) => candidate.inputs.some((input) => input.value === key));
			return run && run.outputs.length > 0 ? fleet.flowscale.outputBytes(run.id, run.outputs[0].name) : undefined;
		}
		case 'petPortrait': {
			const session = fleet.petPortrait.sessions.all().find((candidate) => candidate.generates.some((generate) => JSON.stringify(generate.userInputs).includes(JSON.stringify(key))));
			const resultName = session?.resultImage ? /\/api\/images\/([^?]+)/.exec(session.resultImage)?.[1] : undefined;
			return resultName ? fleet.petPortrait.imageBytes(decodeURIComponent(resultName), 'output') : undefined;
		}
		case 'invokeai': {
			const item = fleet.invokeai.items().find((candidate) => promptsOf(candidate).includes(key));
			const [image] = item ? imagesOf(item) : [];
			return image ? fleet.invokeai.imageBytes(image) : undefined;
		}
	}
}

function promptsOf(item: SimQueueItem): unknown[] {
	return Object.values(item.session.graph.nodes)
		.filter((node) => node.type === 'flux_text_encoder')
		.map((node) => node.prompt);
}

function imagesOf(item: SimQueueItem): string[] {
	return Object.values(item.session.results).flatMap((result) => {
		const image = (result as { image?: { image_name?: string } }).image;
		return image?.image_name ? [image.image_name] : [];
	});
}
