import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { Flowscale } from '../../../shared/providers/flowscale/api.ts';
import type { ItemContext } from '../../../shared/n8n/router.ts';
import { asJson } from '../../client.ts';

export const description: INodeProperties[] = [];

/** One item per ComfyUI container of the deployment, with its state (idle, running, …). */
export async function execute(this: IExecuteFunctions, { client: flowscale, signal }: ItemContext<Flowscale>): Promise<INodeExecutionData[]> {
	return (await flowscale.health(signal)).map((container) => ({ json: asJson(container) }));
}
