// The credential's optional header, for a Pet Portrait server behind an authenticating proxy: it
// goes with every HTTP request and with the WebSocket's upgrade, and never into an error or a log.
import type { IHttpRequestOptions } from 'n8n-workflow';

import { PetPortraitApi } from '../../../credentials/PetPortraitApi.credentials.ts';
import type { AuthProxy } from './authProxy.ts';
import { startAuthProxy } from './authProxy.ts';
import { closeLater, closeSimulators, credentialsFor, failure, photoItem, runNode, startSimulator } from './nodeSetup.ts';
import type { PetPortraitSimulator } from '../../simulators/petPortrait/index.ts';

afterEach(closeSimulators);

const HEADER = 'X-Proxy-Token';
const PROXY_WORD = 'open-sesame-4b1d9e';

async function behindProxy(): Promise<{ simulator: PetPortraitSimulator; proxy: AuthProxy }> {
	const simulator = await startSimulator();
	const proxy = await startAuthProxy(simulator.url, { name: HEADER, value: PROXY_WORD });
	closeLater(proxy.close);
	return { simulator, proxy };
}

const withHeader = (url: string, secret = PROXY_WORD) => credentialsFor(url, { authentication: 'header', headerName: HEADER, headerSecret: secret });

describe('Pet Portrait behind an authenticating proxy', () => {
	it('sends the header with every request and on the WebSocket upgrade, and follows the run over that socket', async () => {
		const { simulator, proxy } = await behindProxy();
		const { output, logs } = await runNode(proxy.url, { resource: 'portrait', operation: 'createAndWait', inputBinaryField: 'data', options: {} }, { items: [photoItem()], credentials: withHeader(proxy.url) });

		expect(output[0].json).toMatchObject({ status: 'completed' });
		const paths = proxy.seen.filter((entry) => !entry.upgrade).map((entry) => entry.path);
		expect(paths).toEqual(expect.arrayContaining(['/api/upload', '/api/generate', `/api/status/${String(output[0].json.sessionId)}`]));
		expect(paths.filter((path) => path.startsWith('/api/images/'))).toHaveLength(1);
		expect(proxy.seen.every((entry) => entry.authorized)).toBe(true);
		expect(proxy.seen.filter((entry) => entry.upgrade)).toEqual([{ method: 'GET', path: '/ws', upgrade: true, authorized: true }]);
		// The socket through the proxy got the run's messages.
		expect(simulator.ws.messages.find((message) => message.type === 'result')).toMatchObject({ delivered: 1 });
		expect(JSON.stringify(output)).not.toContain(PROXY_WORD);
		expect(logs.join('\n')).not.toContain(PROXY_WORD);
	});

	it('without the header the proxy refuses, and the error says so', async () => {
		const { simulator, proxy } = await behindProxy();
		const error = await failure(runNode(proxy.url, { resource: 'server', operation: 'health' }));
		expect(error.message).toContain('401');
		expect(error.message).toContain('Unauthorized by the proxy');
		expect(simulator.requests).toHaveLength(0);
	});

	it('a wrong header value never appears in the error, nor the right one', async () => {
		const { proxy } = await behindProxy();
		const wrong = 'not-the-secret-93c1';
		const error = await failure(runNode(proxy.url, { resource: 'server', operation: 'health' }, { credentials: withHeader(proxy.url, wrong) }));
		expect(error.message).toContain('401');
		for (const text of [error.message, error.description ?? '', JSON.stringify(error), String(error.stack)]) {
			expect(text).not.toContain(wrong);
			expect(text).not.toContain(PROXY_WORD);
		}
		expect(proxy.seen).toEqual([{ method: 'GET', path: '/api/health', upgrade: false, authorized: false }]);
	});

	it('keeps the header out of the error of a failed operation that got past the proxy', async () => {
		const { proxy } = await behindProxy();
		const error = await failure(runNode(proxy.url, { resource: 'session', operation: 'getStatus', sessionId: 'no-such-session' }, { credentials: withHeader(proxy.url) }));
		expect(error.message).toContain('Session not found');
		expect(JSON.stringify(error)).not.toContain(PROXY_WORD);
		expect(error.description ?? '').not.toContain(PROXY_WORD);
		expect(proxy.seen.every((entry) => entry.authorized)).toBe(true);
	});

	it("the credential's authenticate adds the header only when Authentication is Header, and its test asks for /api/health", async () => {
		const { proxy } = await behindProxy();
		const credential = new PetPortraitApi();
		const authenticate = credential.authenticate as (credentials: Record<string, unknown>, request: IHttpRequestOptions) => Promise<IHttpRequestOptions>;
		const plain = await authenticate({ baseUrl: proxy.url, authentication: 'none', headerName: HEADER, headerSecret: PROXY_WORD }, { url: '/api/health', headers: { accept: 'application/json' } });
		expect(plain.headers).toEqual({ accept: 'application/json' });
		const signed = await authenticate(withHeader(proxy.url), { url: '/api/health', headers: { accept: 'application/json' } });
		expect(signed.headers).toEqual({ accept: 'application/json', [HEADER]: PROXY_WORD });

		expect(credential.test.request).toMatchObject({ url: '/api/health' });
		const answer = await fetch(`${proxy.url}${String(credential.test.request.url)}`, { headers: signed.headers as Record<string, string> });
		expect(answer.status).toBe(200);
		expect(await answer.json()).toMatchObject({ status: 'ok' });
	});
});
