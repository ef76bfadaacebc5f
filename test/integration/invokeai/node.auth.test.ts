// The InvokeAI credential through the node against a multi-user simulator: an access token or an
// email and password reach every request, the Socket.IO handshake and the image downloads, with no
// header of n8n's own beside them; and the credential's test request answers.
import { InvokeAiApi } from '../../../credentials/InvokeAiApi.credentials.ts';
import type { InvokeAiSimulator } from '../../simulators/invokeai/index.ts';
import { bytesOf, credentialsFor, failure, runNode, runParameters } from './nodeSetup.ts';
import { closeSimulators, SDXL_MODEL, startSimulator } from './setup.ts';

afterEach(closeSimulators);

const SDXL_ID = 'default_5e8b008d-c697-45d0-8883-085a954c6ace';
const SDXL_VALUES = { Model: SDXL_MODEL, 'VAE (use the FP16 model)': 'FLUX.1-schnell_ae' };
const runSdxl = runParameters({ workflowSource: 'library', workflowId: { mode: 'id', value: SDXL_ID } }, SDXL_VALUES);

const logins = (simulator: InvokeAiSimulator) => simulator.requests.filter((request) => request.path === '/api/v1/auth/login').length;

function authorizationOf(headers: unknown): string[] {
	return Object.entries((headers ?? {}) as Record<string, string>)
		.filter(([name]) => name.toLowerCase() === 'authorization')
		.map(([, value]) => value);
}

describe('InvokeAI credential', () => {
	it('logs in with the email and password, and runs as that account over the socket and the downloads too', async () => {
		const simulator = await startSimulator({ version: '6.14.0', multiUser: true });
		const credentials = credentialsFor(simulator.url, { authentication: 'password', email: 'user@example.com', password: 'user-password' });
		const { output, requests } = await runNode(simulator, runSdxl, { credentials });
		expect(logins(simulator)).toBe(1);
		const itemId = Number(output[0].json.item_id);
		expect(simulator.item(itemId)?.user_id).toBe('user');
		expect(simulator.sockets.messages.some((message) => message.userId === 'user' && message.data.item_id === itemId)).toBe(true);
		const file = output[0].json.file as Record<string, unknown>;
		expect(bytesOf(output[0]).equals(Buffer.from(simulator.imageBytes(String(file.imageName)) ?? []))).toBe(true);
		// Every request past the login carried exactly one Authorization header, the module's Bearer token.
		const afterLogin = requests.filter((request) => !String(request.url).endsWith('/api/v1/auth/login') && !String(request.url).endsWith('/openapi.json') && !String(request.url).endsWith('/app/version'));
		expect(afterLogin.length).toBeGreaterThan(3);
		for (const request of afterLogin) expect(authorizationOf(request.headers)).toEqual([expect.stringMatching(/^Bearer \S+$/)]);
		expect(JSON.stringify(requests)).not.toContain('user-password"');
	});

	it('sends an access token as it is, without logging in', async () => {
		const simulator = await startSimulator({ version: '6.13.8', multiUser: true });
		const token = simulator.tokenFor('admin@example.com');
		const { output, requests } = await runNode(simulator, runSdxl, { credentials: credentialsFor(simulator.url, { authentication: 'token', accessToken: ` ${token} ` }) });
		expect(logins(simulator)).toBe(0);
		expect(simulator.item(Number(output[0].json.item_id))?.user_id).toBe('admin');
		expect(requests.some((request) => authorizationOf(request.headers)[0] === `Bearer ${token}`)).toBe(true);
	});

	it('says the server wants an account when the credential has none', async () => {
		const simulator = await startSimulator({ version: '6.13.8', multiUser: true });
		const error = await failure(runNode(simulator, runSdxl));
		expect(error.message).toContain('401');
		expect(`${error.message} ${error.description}`).toContain('multi-user');
	});

	it('refuses an address that ends in /api, naming the credential field', async () => {
		const simulator = await startSimulator();
		const error = await failure(runNode(simulator, runSdxl, { credentials: credentialsFor(`${simulator.url}/api`) }));
		expect(error.description).toContain('Credential: Base URL');
	});

	it('has a test request that the server answers', async () => {
		const simulator = await startSimulator({ version: '6.14.0', multiUser: true });
		const { request } = new InvokeAiApi().test;
		expect(request.url).toBe('/api/v1/app/version');
		const response = await fetch(`${simulator.url}${request.url}`);
		expect(response.status).toBe(200);
		expect(await response.json()).toMatchObject({ version: '6.14.0' });
		expect((new InvokeAiApi() as { authenticate?: unknown }).authenticate).toBeUndefined();
	});
});
