// The Flowscale nodes driven through their real classes, with the n8n context stand-ins, against
// the simulator (started by setup.ts's startSimulator, closed by closeSimulators).
import type { ICredentialDataDecryptedObject, IDataObject, INodeExecutionData } from 'n8n-workflow';

import { FlowscaleRun } from '../../../nodes/FlowscaleRun/FlowscaleRun.node.ts';
import { FlowscaleTrigger } from '../../../nodes/FlowscaleTrigger/FlowscaleTrigger.node.ts';
import type { ContextOptions, ParameterValue } from '../../helpers/n8nContext.ts';
import { executeContext, loadOptionsContext } from '../../helpers/n8nContext.ts';
import { flowscaleCredentials, pollTriggerNode } from '../../helpers/providerNodes.ts';
import { nodeTypeOf } from '../../helpers/registry.ts';
import type { FlowscaleSimulator } from '../../simulators/flowscale/index.ts';

export const node = new FlowscaleRun();
export const trigger = new FlowscaleTrigger();

/** A trailing slash, as a user may paste it: it must not give `//api`. */
export function credentialsFor(simulator: FlowscaleSimulator, extra: ICredentialDataDecryptedObject = {}): ICredentialDataDecryptedObject {
	return flowscaleCredentials(simulator.url, simulator.apiKey, extra);
}

/** Runs the action node's execute() with the given parameters. */
export async function runNode(
	simulator: FlowscaleSimulator,
	parameters: Record<string, ParameterValue>,
	extra: Partial<ContextOptions> = {},
): Promise<{ output: INodeExecutionData[]; logs: string[] }> {
	const { context, recorder } = executeContext({ nodeType: nodeTypeOf(FlowscaleRun), credentials: credentialsFor(simulator), parameters, ...extra });
	const [output] = await node.execute.call(context);
	return { output, logs: recorder.logs };
}

/** One poll of the trigger with the given static data (the cursor) and parameters. */
export async function pollTrigger(
	simulator: FlowscaleSimulator,
	staticData: IDataObject,
	parameters: Record<string, unknown> = {},
	mode: 'trigger' | 'manual' = 'trigger',
): Promise<INodeExecutionData[][] | null> {
	const { fired } = await pollTriggerNode(trigger, credentialsFor(simulator), staticData, parameters, mode);
	return fired && [fired];
}

/** The Workflow list as the editor asks for it. */
export async function searchWorkflows(simulator: FlowscaleSimulator, filter?: string) {
	const context = loadOptionsContext({ nodeType: nodeTypeOf(FlowscaleRun), credentials: credentialsFor(simulator), parameters: {} });
	return await node.methods.listSearch.searchWorkflows.call(context, filter);
}

export const workflow = (id: string) => ({ __rl: true, mode: 'list', value: id });

export const inputs = (values: Record<string, string>) => ({ input: Object.entries(values).map(([name, value]) => ({ name, value })) });

export function bytesOf(item: INodeExecutionData, property = 'data'): Buffer {
	return Buffer.from(item.binary![property].data, 'base64');
}
