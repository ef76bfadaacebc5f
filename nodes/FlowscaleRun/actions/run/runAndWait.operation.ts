import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { Flowscale } from '../../../shared/providers/flowscale/api.ts';
import { flowscaleJobs } from '../../../shared/providers/flowscale/job.ts';
import type { ItemContext } from '../../../shared/n8n/router.ts';
import { jobItems } from '../../../shared/n8n/jobItems.ts';
import { binaryPropertyField, binaryPropertyName, readTimeoutMs, timeoutField } from '../../../shared/n8n/fields.ts';
import { readRunInput, runInputProperties } from '../../runInputParameters.ts';

const properties: INodeProperties[] = [
	...runInputProperties,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [binaryPropertyField, timeoutField('run', 'is cancelled on the server')],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['run'], operation: ['runAndWait'] } }, properties);

interface RunOptions {
	binaryPropertyName?: string;
	timeout?: number;
}

/** One item per output file (the shared convention, see jobItems), each with the run's JSON. */
export async function execute(this: IExecuteFunctions, { itemIndex, client: flowscale, signal }: ItemContext<Flowscale>): Promise<INodeExecutionData[]> {
	const options = this.getNodeParameter('options', itemIndex, {}) as RunOptions;
	const timeoutMs = readTimeoutMs(options.timeout);
	const input = await readRunInput(this, itemIndex);
	// The timeout bounds the start, the wait and the downloads; the items are built within it too.
	const bounded = flowscale.withDeadline(timeoutMs);
	const finished = await bounded.runWorkflow(input, {
		timeoutMs,
		signal,
		onProgress: (progress, run) => this.logger.debug(`Flowscale run ${run.run_id}: ${progress.phase} (${run.status})`),
	});
	return await jobItems(this, flowscaleJobs(bounded), [finished], { binaryProperty: binaryPropertyName(options.binaryPropertyName) });
}
