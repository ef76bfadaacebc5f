import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { PetPortrait } from '../../../shared/providers/petPortrait/api.ts';
import type { ItemContext } from '../../../shared/n8n/router.ts';
import { asJson } from '../../client.ts';

export const description: INodeProperties[] = [];

/** `{status: "ok", message}` from GET /api/health. */
export async function execute(this: IExecuteFunctions, { client: petPortrait, signal }: ItemContext<PetPortrait>): Promise<INodeExecutionData[]> {
	return [{ json: asJson(await petPortrait.health(signal)) }];
}
