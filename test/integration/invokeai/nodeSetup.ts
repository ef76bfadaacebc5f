// The InvokeAI nodes driven through their real classes, with the n8n context stand-ins, against
// the simulator over real sockets (HTTP and Socket.IO). Simulators started here are closed by
// closeSimulators (afterEach, from setup.ts).
import type { IBinaryData, ICredentialDataDecryptedObject, IDataObject, IHttpRequestOptions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { InvokeAiTrigger } from '../../../nodes/InvokeAiTrigger/InvokeAiTrigger.node.ts';
import { InvokeAiWorkflow } from '../../../nodes/InvokeAiWorkflow/InvokeAiWorkflow.node.ts';
import type { ContextOptions, ParameterValue } from '../../helpers/n8nContext.ts';
import { executeContext, loadOptionsContext } from '../../helpers/n8nContext.ts';
import { openCredentials, pollTriggerNode } from '../../helpers/providerNodes.ts';
import { nodeTypeOf } from '../../helpers/registry.ts';
import type { InvokeAiSimulator } from '../../simulators/invokeai/index.ts';

export const node = new InvokeAiWorkflow();
export const trigger = new InvokeAiTrigger();

/** No authentication; a trailing slash, as a user may paste it: it must not give `//api`. */
export function credentialsFor(url: string, extra: ICredentialDataDecryptedObject = {}): ICredentialDataDecryptedObject {
	return openCredentials(url, extra);
}

export interface NodeRun {
	output: INodeExecutionData[];
	logs: string[];
	/** Every request the node sent through n8n's helpers, as the credential left it. */
	requests: IHttpRequestOptions[];
}

export async function runNode(simulator: InvokeAiSimulator, parameters: Record<string, ParameterValue>, extra: Partial<ContextOptions> = {}): Promise<NodeRun> {
	const { context, recorder } = executeContext({ nodeType: nodeTypeOf(InvokeAiWorkflow), credentials: credentialsFor(simulator.url), parameters, ...extra });
	const [output] = await node.execute.call(context);
	return { output, logs: recorder.logs, requests: recorder.requests };
}

export function pollTrigger(
	simulator: InvokeAiSimulator,
	staticData: IDataObject,
	parameters: Record<string, unknown>,
	mode: 'trigger' | 'manual' = 'trigger',
): Promise<{ fired: INodeExecutionData[] | null; logs: string[] }> {
	return pollTriggerNode(trigger, credentialsFor(simulator.url), staticData, parameters, mode);
}

export function loadContext(simulator: InvokeAiSimulator, parameters: Record<string, unknown>) {
	return loadOptionsContext({ nodeType: nodeTypeOf(InvokeAiWorkflow), credentials: credentialsFor(simulator.url), parameters });
}

/** Run and Wait's parameters: the workflow from `source`, the values as Input Values, the options. */
export function runParameters(source: Record<string, unknown>, values: Record<string, ParameterValue>, options: Record<string, unknown> = {}): Record<string, ParameterValue> {
	return {
		resource: 'workflow',
		operation: 'runAndWait',
		...source,
		inputValues: { values: (itemIndex: number) => Object.entries(values).map(([name, value]) => ({ name, value: typeof value === 'function' ? (value as (index: number) => unknown)(itemIndex) : value })) },
		options: { timeout: 30, ...options },
	};
}

export function binaryOf(bytes: Uint8Array, fileName: string, mimeType: string): IBinaryData {
	const extension = fileName.includes('.') ? fileName.split('.').pop() : undefined;
	return { data: Buffer.from(bytes).toString('base64'), mimeType, fileName, fileExtension: extension };
}

export function fileItem(field: string, bytes: Uint8Array, fileName: string, mimeType: string, json: IDataObject = {}): INodeExecutionData {
	return { json, binary: { [field]: binaryOf(bytes, fileName, mimeType) } };
}

export function bytesOf(item: INodeExecutionData, property = 'data'): Buffer {
	return Buffer.from(item.binary![property].data, 'base64');
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

export async function waitUntil(what: string, condition: () => boolean, timeoutMs = 10_000): Promise<void> {
	const end = Date.now() + timeoutMs;
	while (!condition()) {
		if (Date.now() > end) throw new Error(`${what}: not reached in time`);
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
}
