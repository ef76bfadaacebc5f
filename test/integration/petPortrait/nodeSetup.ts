// The Pet Portrait nodes driven through their real classes, with the n8n context stand-ins, against
// the simulator over real sockets (HTTP and the WebSocket). Simulators started here are closed by
// closeSimulators (afterEach).
import type { IBinaryData, ICredentialDataDecryptedObject, IDataObject, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { PetPortrait } from '../../../nodes/PetPortrait/PetPortrait.node.ts';
import { PetPortraitTrigger } from '../../../nodes/PetPortraitTrigger/PetPortraitTrigger.node.ts';
import type { ContextOptions, ParameterValue } from '../../helpers/n8nContext.ts';
import { executeContext, loadOptionsContext } from '../../helpers/n8nContext.ts';
import { openCredentials, pollTriggerNode } from '../../helpers/providerNodes.ts';
import { nodeTypeOf } from '../../helpers/registry.ts';
import type { PetPortraitSimulator, PetPortraitSimulatorOptions, SimSession } from '../../simulators/petPortrait/index.ts';
import { startPetPortraitSimulator } from '../../simulators/petPortrait/index.ts';
import { encodeRgbPng } from '../../simulators/shared/picture/png.ts';

export const node = new PetPortrait();
export const trigger = new PetPortraitTrigger();

const started: PetPortraitSimulator[] = [];
const closers: Array<() => Promise<void>> = [];

/** A simulator with quick runs (46 nodes of 5 ms), closed after the test. */
export async function startSimulator(options: PetPortraitSimulatorOptions = {}): Promise<PetPortraitSimulator> {
	const simulator = await startPetPortraitSimulator({ nodeMs: 5, startDelayMs: 30, ...options });
	started.push(simulator);
	return simulator;
}

/** Something else a test started (a proxy), closed with the simulators. */
export function closeLater(close: () => Promise<void>): void {
	closers.push(close);
}

export async function closeSimulators(): Promise<void> {
	await Promise.all([...started.splice(0).map((simulator) => simulator.close()), ...closers.splice(0).map((close) => close())]);
}

/** No authentication; a trailing slash, as a user may paste it: it must not give `//api`. */
export function credentialsFor(url: string, extra: ICredentialDataDecryptedObject = {}): ICredentialDataDecryptedObject {
	return openCredentials(url, extra);
}

export interface NodeRun {
	output: INodeExecutionData[];
	logs: string[];
}

/** Runs the action node's execute() against `url` (a simulator's, or a proxy's in front of it). */
export async function runNode(target: PetPortraitSimulator | string, parameters: Record<string, ParameterValue>, extra: Partial<ContextOptions> = {}): Promise<NodeRun> {
	const url = typeof target === 'string' ? target : target.url;
	const { context, recorder } = executeContext({ nodeType: nodeTypeOf(PetPortrait), credentials: credentialsFor(url), parameters, ...extra });
	const [output] = await node.execute.call(context);
	return { output, logs: recorder.logs };
}

/** One poll of the trigger with the given static data and parameters. */
export function pollTrigger(
	simulator: PetPortraitSimulator,
	staticData: IDataObject,
	parameters: Record<string, unknown>,
	mode: 'trigger' | 'manual' = 'trigger',
): Promise<{ fired: INodeExecutionData[] | null; logs: string[] }> {
	return pollTriggerNode(trigger, credentialsFor(simulator.url), staticData, parameters, mode);
}

/** The Input list of User Inputs, as the editor loads it. */
export async function loadUserInputs(simulator: PetPortraitSimulator) {
	const context = loadOptionsContext({ nodeType: nodeTypeOf(PetPortrait), credentials: credentialsFor(simulator.url), parameters: {} });
	return await node.methods.loadOptions.getUserInputs.call(context);
}

/** A small real PNG, as a pet photo. */
export const PET_PHOTO = encodeRgbPng(4, 4, new Uint8Array(48).fill(180), 'rex');

export function binaryOf(bytes: Buffer, fileName: string, mimeType: string): IBinaryData {
	const extension = fileName.includes('.') ? fileName.split('.').pop() : undefined;
	return { data: bytes.toString('base64'), mimeType, fileName, fileExtension: extension };
}

/** An input item carrying the pet photo in `field`. */
export function photoItem(field = 'data', bytes: Buffer = PET_PHOTO, fileName = 'rex.png', mimeType = 'image/png'): INodeExecutionData {
	return { json: { pet: 'rex' }, binary: { [field]: binaryOf(bytes, fileName, mimeType) } };
}

export const userInputs = (values: Record<string, string>) => ({ input: Object.entries(values).map(([nodeId, value]) => ({ nodeId, value })) });

export function bytesOf(item: INodeExecutionData, property = 'data'): Buffer {
	return Buffer.from(item.binary![property].data, 'base64');
}

/** The file name a resultImage path names. */
export function fileNameOf(resultImage: string): string {
	return decodeURIComponent(new URL(resultImage, 'http://x').pathname.split('/').pop()!);
}

/** The node error a run ends with (it must end with one). */
export async function failure(promise: Promise<unknown>): Promise<NodeOperationError | NodeApiError> {
	const error = await promise.then(
		() => undefined,
		(caught: unknown) => caught,
	);
	if (!(error instanceof NodeOperationError || error instanceof NodeApiError)) throw new Error(`expected a node error, got ${String(error)}`);
	return error;
}

/** Polls `condition` until it holds (fails after `timeoutMs`); for states the simulator reaches on its own. */
export async function waitUntil(what: string, condition: () => boolean, timeoutMs = 10_000): Promise<void> {
	const end = Date.now() + timeoutMs;
	while (!condition()) {
		if (Date.now() > end) throw new Error(`${what}: not reached in time`);
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
}

/** The simulator's only session once it exists. */
export async function onlySession(simulator: PetPortraitSimulator, predicate: (session: SimSession) => boolean = () => true): Promise<SimSession> {
	await waitUntil('a session', () => simulator.sessions.all().some(predicate));
	return simulator.sessions.all().find(predicate)!;
}

/** Uploads a photo and starts its portrait through the node (Image → Upload, Portrait → Generate); returns the session id. */
export async function uploadAndGenerate(simulator: PetPortraitSimulator, values?: Record<string, string>): Promise<string> {
	const { output } = await runNode(simulator, { resource: 'image', operation: 'upload', inputBinaryField: 'data', options: {} }, { items: [photoItem()] });
	const sessionId = String(output[0].json.sessionId);
	await runNode(simulator, { resource: 'portrait', operation: 'generate', sessionId, userInputs: values ? userInputs(values) : {} });
	return sessionId;
}
