// n8nEnv's plain transport (for pre-signed download links): n8n's request helper with no credential,
// a 2xx body handed on as a stream, an error body read whole; the credential transport unchanged.
import { Readable } from 'node:stream';

import type { IExecuteFunctions, IHttpRequestOptions } from 'n8n-workflow';

import { readAll } from '../../../nodes/shared/core/files.ts';
import { n8nEnv } from '../../../nodes/shared/n8n/env.ts';

function fakeContext(answer: { statusCode: number; body: () => unknown }) {
	const plain: IHttpRequestOptions[] = [];
	const authenticated: Array<{ credentialType: string; options: IHttpRequestOptions }> = [];
	const respond = () => ({ statusCode: answer.statusCode, headers: { 'Content-Type': 'image/png' }, body: answer.body() });
	const context = {
		logger: { debug() {}, info() {}, warn() {}, error() {} },
		helpers: {
			httpRequest: async (options: IHttpRequestOptions) => {
				plain.push(options);
				return respond();
			},
			httpRequestWithAuthentication: async (credentialType: string, options: IHttpRequestOptions) => {
				authenticated.push({ credentialType, options });
				return respond();
			},
		},
	} as unknown as IExecuteFunctions;
	return { context, plain, authenticated };
}

const link = 'https://bucket.s3.test/generations/r1/out.png?X-Amz-Signature=abc';

describe('n8nEnv plainTransport', () => {
	it('sends through the plain helper, without the credential, and streams a 2xx body', async () => {
		const { context, plain, authenticated } = fakeContext({ statusCode: 200, body: () => Readable.from([Buffer.from([1, 2]), Buffer.from([3])]) });
		const env = n8nEnv(context, 'flowscaleApi', { skipSslCertificateValidation: true });
		const response = await env.plainTransport!({ method: 'GET', url: link, headers: {}, responseType: 'stream' });
		expect(authenticated).toHaveLength(0);
		expect(plain).toEqual([expect.objectContaining({ method: 'GET', url: link, encoding: 'stream', returnFullResponse: true, ignoreHttpStatusErrors: true })]);
		// The credential's "ignore SSL issues" is about the service, not the storage host.
		expect(plain[0].skipSslCertificateValidation).toBeUndefined();
		expect(response).toMatchObject({ status: 200, headers: { 'content-type': 'image/png' } });
		expect([...(await readAll({ stream: response.stream! }))]).toEqual([1, 2, 3]);
	});

	it('reads an error body whole, for its message', async () => {
		const { context } = fakeContext({ statusCode: 403, body: () => Readable.from([Buffer.from('<Error>Request has expired</Error>')]) });
		const response = await n8nEnv(context, 'flowscaleApi').plainTransport!({ method: 'GET', url: link, headers: {}, responseType: 'stream' });
		expect(response.stream).toBeUndefined();
		expect(Buffer.from(response.body).toString()).toBe('<Error>Request has expired</Error>');
	});

	it('leaves the service transport on the credential', async () => {
		const { context, plain, authenticated } = fakeContext({ statusCode: 200, body: () => Buffer.from('{}') });
		await n8nEnv(context, 'flowscaleApi').transport({ method: 'GET', url: 'https://pod.test/api/v1/comfy/health', headers: {} });
		expect(plain).toHaveLength(0);
		expect(authenticated.map((entry) => entry.credentialType)).toEqual(['flowscaleApi']);
	});
});
