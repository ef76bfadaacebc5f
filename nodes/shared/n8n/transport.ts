// The one way out to the network from n8n: every core request goes through the credential's
// authentication, n8n's proxy and SSRF settings, via httpRequestWithAuthentication.
import type { IExecuteFunctions, IHttpRequestOptions, ILoadOptionsFunctions, IPollFunctions } from 'n8n-workflow';

import { connectionErrorFrom } from '../core/errors.ts';
import type { Transport, TransportResponse } from '../core/http.ts';

export type RequestContext = IExecuteFunctions | IPollFunctions | ILoadOptionsFunctions;

interface FullResponse {
	statusCode: number;
	headers: Record<string, string | string[] | undefined>;
	body: unknown;
}

export function n8nTransport(
	context: RequestContext,
	credentialType: string,
	options: { skipSslCertificateValidation?: boolean } = {},
): Transport {
	return async (request) => {
		const requestOptions: IHttpRequestOptions = {
			method: request.method,
			url: request.url,
			headers: request.headers,
			body: request.body as IHttpRequestOptions['body'],
			encoding: 'arraybuffer',
			json: false,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout: request.timeoutMs,
			abortSignal: request.signal,
			skipSslCertificateValidation: options.skipSslCertificateValidation,
		};
		let response: FullResponse;
		try {
			response = (await context.helpers.httpRequestWithAuthentication.call(
				context,
				credentialType,
				requestOptions,
			)) as FullResponse;
		} catch (error) {
			if (request.signal?.aborted) throw error;
			throw connectionErrorFrom(error);
		}
		return toTransportResponse(response);
	};
}

function toTransportResponse(response: FullResponse): TransportResponse {
	const headers: Record<string, string> = {};
	for (const [name, value] of Object.entries(response.headers ?? {})) {
		if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
	}
	return { status: response.statusCode, headers, body: toBytes(response.body) };
}

function toBytes(body: unknown): Uint8Array {
	if (body instanceof Uint8Array) return body;
	if (body instanceof ArrayBuffer) return new Uint8Array(body);
	if (body === undefined || body === null || body === '') return new Uint8Array(0);
	if (typeof body === 'string') return new TextEncoder().encode(body);
	// Some n8n versions parse JSON even when asked for an arraybuffer.
	return new TextEncoder().encode(JSON.stringify(body));
}
