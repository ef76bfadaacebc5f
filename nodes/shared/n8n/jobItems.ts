// The one output convention of every node: one item per result file, carrying the job's summary
// and `file` (name, type, size, and where the file came from), with the file itself in one binary
// field. Run-and-wait, get-results and the triggers all return this shape, so the next node (Slack,
// S3, Write Files) handles each file the same way whatever produced it.
import type { IDataObject, IExecuteFunctions, INodeExecutionData, IPollFunctions, IWebhookFunctions } from 'n8n-workflow';

import type { JobAdapter } from '../core/job.ts';
import type { FinishedJob } from '../core/run.ts';
import { toBinaryData } from './binary.ts';

export interface JobItemOptions<Job> {
	/** The binary field each file goes in ("data" unless the user says otherwise). */
	binaryProperty: string;
	/** The job's JSON; the adapter's summary unless the node adds to it. */
	json?(job: Job): IDataObject;
}

export async function jobItems<Job>(
	context: IExecuteFunctions | IPollFunctions | IWebhookFunctions,
	adapter: JobAdapter<Job>,
	finished: Array<FinishedJob<Job>>,
	options: JobItemOptions<Job>,
): Promise<INodeExecutionData[]> {
	const items: INodeExecutionData[] = [];
	for (const { job, files } of finished) {
		const json = options.json?.(job) ?? (adapter.summary(job) as IDataObject);
		let count = 0;
		// Each file is streamed into n8n's binary store before the next one is requested.
		for await (const file of files) {
			const binary = await toBinaryData(context, file);
			const fileSize = binary.bytes ?? file.size;
			items.push({ json: { ...json, file: { fileName: file.fileName, mimeType: file.mimeType, fileSize, ...file.details } }, binary: { [options.binaryProperty]: binary } });
			count++;
		}
		// A job without files (failed, or results not asked for) still gives one item.
		if (count === 0) items.push({ json });
	}
	return items;
}
