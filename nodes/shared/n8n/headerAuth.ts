// An optional header a credential adds to every request to its server: for a server that asks for
// no authentication itself but sits behind a proxy that does (a reverse proxy checking a token, a
// tunnel's access header). The credential's fields are `authentication` ('none' | 'header'),
// `headerName` and `headerSecret`. The value is a secret: no message here ever contains it.
import type { IHttpRequestOptions } from 'n8n-workflow';

import { InputError } from '../core/errors.ts';

/** RFC 9110 token characters: what a header name may be made of. */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** The credential's header, or undefined when it asks for none. Refuses a name or value no HTTP request can carry. */
export function credentialHeader(credentials: Record<string, unknown>): { name: string; value: string } | undefined {
	if (credentials.authentication !== 'header') return undefined;
	const name = String(credentials.headerName ?? '').trim();
	const value = String(credentials.headerSecret ?? '');
	if (!name) throw new InputError('headerName', 'The credential asks for a header but names none: give its name (e.g. Authorization), or set Authentication to None.');
	if (!HEADER_NAME.test(name)) {
		throw new InputError('headerName', `The credential's header name "${name}" is not a valid HTTP header name (letters, digits and !#$%&'*+-.^_\`|~ only, no spaces or colons).`);
	}
	// The value itself is never repeated: it is a secret.
	if (/[\r\n\0]/.test(value)) throw new InputError('headerSecret', "The credential's header value holds a line break or a NUL character, which no HTTP header can carry.");
	return { name, value };
}

/** The credential's header as a header set (empty when it asks for none), e.g. for a WebSocket's upgrade request. */
export function credentialHeaders(credentials: Record<string, unknown>): Record<string, string> {
	const header = credentialHeader(credentials);
	return header ? { [header.name]: header.value } : {};
}

/** A credential's `authenticate`: the request with the credential's header added, if it has one. */
export async function withCredentialHeader(credentials: Record<string, unknown>, requestOptions: IHttpRequestOptions): Promise<IHttpRequestOptions> {
	const header = credentialHeader(credentials);
	if (!header) return requestOptions;
	return { ...requestOptions, headers: { ...requestOptions.headers, [header.name]: header.value } };
}
