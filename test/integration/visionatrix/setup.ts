import type { ICredentialDataDecryptedObject, INodeExecutionData } from 'n8n-workflow';

import { VisionatrixTask } from '../../../nodes/VisionatrixTask/VisionatrixTask.node.ts';
import type { ContextOptions, ParameterValue } from '../../helpers/n8nContext.ts';
import { executeContext } from '../../helpers/n8nContext.ts';
import { visionatrixCredentials } from '../../helpers/providerNodes.ts';
import type { VisionatrixSimulator } from '../../simulators/visionatrix/index.ts';

export const node = new VisionatrixTask();

export function credentialsFor(simulator: VisionatrixSimulator, auth?: { user: string; password: string }): ICredentialDataDecryptedObject {
	return visionatrixCredentials(simulator.url, auth);
}

/** Runs the node's execute() with the given parameters against the simulator. */
export async function runNode(
	simulator: VisionatrixSimulator,
	parameters: Record<string, ParameterValue>,
	extra: Partial<ContextOptions> = {},
): Promise<{ output: INodeExecutionData[]; logs: string[] }> {
	const { context, recorder } = executeContext({ credentials: credentialsFor(simulator), parameters, ...extra });
	const [output] = await node.execute.call(context);
	return { output, logs: recorder.logs };
}

export const flow = (name: string) => ({ __rl: true, mode: 'list', value: name });

export const mapped = (value: Record<string, unknown>) => ({ mappingMode: 'defineBelow', value });

export function bytesOf(item: INodeExecutionData, property = 'data'): Buffer {
	return Buffer.from(item.binary![property].data, 'base64');
}
