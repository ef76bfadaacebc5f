// The Flowscale client both Flowscale nodes use.
import type { IDataObject } from 'n8n-workflow';

import { Flowscale, FLOWSCALE_ADDRESS_RULES } from '../shared/providers/flowscale/api.ts';
import { connectWithCredential } from '../shared/n8n/connect.ts';
import type { RequestContext } from '../shared/n8n/transport.ts';

export const FLOWSCALE_CREDENTIAL = 'flowscaleApi';

/** A Flowscale client whose API requests carry the credential's key and whose downloads carry nothing. */
export async function flowscaleFor(context: RequestContext): Promise<Flowscale> {
	const { baseUrl, env } = await connectWithCredential(context, FLOWSCALE_CREDENTIAL, FLOWSCALE_ADDRESS_RULES);
	return new Flowscale({ baseUrl, env });
}

/** What the server sent (a run, a container, a started run), as n8n JSON: fields no source names pass through. */
export function asJson(value: object): IDataObject {
	return { ...value } as IDataObject;
}
