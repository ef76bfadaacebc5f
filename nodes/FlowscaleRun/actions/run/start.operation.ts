import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { Flowscale } from '../../../shared/providers/flowscale/api.ts';
import type { ItemContext } from '../../../shared/n8n/router.ts';
import { asJson } from '../../client.ts';
import { readRunInput, runInputProperties } from '../../runInputParameters.ts';

export const description = updateDisplayOptions({ show: { resource: ['run'], operation: ['start'] } }, runInputProperties);

/** Starts a run and returns at once: `run_id` and, where the server names them already, `output_names`. */
export async function execute(this: IExecuteFunctions, { itemIndex, client: flowscale }: ItemContext<Flowscale>): Promise<INodeExecutionData[]> {
	const input = await readRunInput(this, itemIndex);
	// No signal: a start cut short could leave a run on the server whose id nobody learns.
	const started = await flowscale.startRun(input);
	return [{ json: asJson(started) }];
}
