import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { Flowscale } from '../../../shared/providers/flowscale/api.ts';
import type { ItemContext } from '../../../shared/n8n/router.ts';
import { asJson } from '../../client.ts';

export const description: INodeProperties[] = [];

/** One item per ComfyUI container, with its queue (running and pending prompts). */
export async function execute(this: IExecuteFunctions, { client: flowscale, signal }: ItemContext<Flowscale>): Promise<INodeExecutionData[]> {
	return (await flowscale.queue(signal)).map((container) => ({ json: asJson(container) }));
}
