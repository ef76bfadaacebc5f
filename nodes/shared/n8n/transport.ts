// The one way out to the network from n8n: every core request goes through n8n's proxy and SSRF
// settings; those to the service through the credential (httpRequestWithAuthentication), those to
// another host (a pre-signed download link) through the plain helper, with no credential at all.
import type { IExecuteFunctions, IHttpRequestOptions, ILoadOptionsFunctions, IPollFunctions, IWebhookFunctions } from 'n8n-workflow';

import { connectionErrorFrom } from '../core/errors.ts';
import { readAll } from '../core/files.ts';
import type { Transport, TransportRequest, TransportResponse } from '../core/http.ts';

export type RequestContext = IExecuteFunctions | IPollFunctions | ILoadOptionsFunctions | IWebhookFunctions;

interface FullResponse {
	statusCode: number;
	headers: Record<string, string | string[] | undefined>;
	body: unknown;
}

export interface N8nTransportOptions {
	skipSslCertificateValidation?: boolean;
}

export function n8nTransport(context: RequestContext, credentialType: string, options: N8nTransportOptions = {}): Transport {
	return helperTransport(options, async (request, requestOptions) => {
		// n8n 2.x's httpRequestWithAuthentication swaps the request's signal for the execution's
		// cancel signal whenever the context it runs on has one, so Stop would cut a job submission
		// or its clean-up short. Those are sent on a view of the context without that signal; n8n
		// still applies the credential (a static one, or a token from preAuthentication, renewed on
		// a 401) and its proxy and SSRF rules.
		const on = request.mustFinish ? withoutExecutionCancelSignal(context) : context;
		return await context.helpers.httpRequestWithAuthentication.call(on, credentialType, requestOptions);
	});
}

/**
 * For another host (a pre-signed download link): n8n's plain request helper, so no credential,
 * API key or auth goes with it; n8n's proxy and SSRF rules still apply. The credential's "ignore
 * SSL issues" is the service's, not that host's, so it does not apply here.
 */
export function n8nPlainTransport(context: RequestContext): Transport {
	return helperTransport({}, async (_request, requestOptions) => await context.helpers.httpRequest(requestOptions));
}

type HelperSend = (request: TransportRequest, options: IHttpRequestOptions) => Promise<unknown>;

/** A core request as n8n's request helpers take it, sent by `send`, and the answer read back. */
function helperTransport(options: N8nTransportOptions, send: HelperSend): Transport {
	return async (request) => {
		const { body, headers } = await encodeBody(request.body, request.headers);
		const requestOptions: IHttpRequestOptions = {
			method: request.method,
			url: request.url,
			headers,
			body,
			// A streamed download goes to n8n's binary store as it arrives (see binary.ts).
			encoding: request.responseType === 'stream' ? 'stream' : 'arraybuffer',
			json: false,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout: request.timeoutMs,
			abortSignal: request.signal,
			skipSslCertificateValidation: options.skipSslCertificateValidation,
			// Reported by the core instead: a redirect to another host would drop the credential.
			disableFollowRedirect: true,
		};
		let response: FullResponse;
		try {
			response = (await send(request, requestOptions)) as FullResponse;
		} catch (error) {
			if (request.signal?.aborted) throw error;
			throw connectionErrorFrom(error);
		}
		if (request.responseType === 'stream') return await streamedResponse(response);
		return toTransportResponse(response);
	};
}

/** A 2xx body stays a stream; an error body is read whole, for its message. */
async function streamedResponse(response: FullResponse): Promise<TransportResponse> {
	const stream = response.body as AsyncIterable<Uint8Array>;
	const ok = response.statusCode >= 200 && response.statusCode < 300;
	const body = ok || !stream || typeof stream[Symbol.asyncIterator] !== 'function' ? response.body : await readAll({ stream });
	const converted = toTransportResponse({ ...response, body: ok ? undefined : body });
	return ok ? { ...converted, stream } : converted;
}

/** The context as n8n's request helpers see it, but with no execution cancel signal to swap in. */
function withoutExecutionCancelSignal(context: RequestContext): RequestContext {
	return new Proxy(context, { has: (target, key) => key !== 'getExecutionCancelSignal' && Reflect.has(target, key) });
}

/**
 * Multipart bodies go to n8n as finished bytes with their boundary header. How n8n's request
 * helper treats a web FormData object has changed between versions (older ones took it for an
 * empty object and sent nothing); a Buffer has always been sent as it is.
 */
async function encodeBody(
	body: TransportRequest['body'],
	headers: Record<string, string>,
): Promise<{ body: IHttpRequestOptions['body']; headers: Record<string, string> }> {
	if (body instanceof FormData) {
		const encoded = new Request('http://multipart.invalid/', { method: 'POST', body });
		const contentType = encoded.headers.get('content-type') ?? 'multipart/form-data';
		return { body: Buffer.from(await encoded.arrayBuffer()), headers: { ...headers, 'content-type': contentType } };
	}
	if (body instanceof Uint8Array) return { body: Buffer.from(body.buffer, body.byteOffset, body.byteLength), headers };
	return { body, headers };
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
