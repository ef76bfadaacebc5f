// Multi-user mode (6.12+) against the InvokeAI simulator: an account's email and password exchanged
// for a token that goes with every request, the Socket.IO handshake and (6.14) the image files,
// logged in again once when the server stops taking it; and what a missing or wrong credential says.
import { readAll } from '../../../nodes/shared/core/files.ts';
import type { InvokeAiSimulator } from '../../simulators/invokeai/index.ts';
import type { ConnectOptions } from './setup.ts';
import { closeSimulators, connect, defaultWorkflow, SDXL_MODEL, startSimulator } from './setup.ts';

afterEach(closeSimulators);

const USER = { email: 'user@example.com', password: 'user-password' };
const SDXL_VALUES = { Model: SDXL_MODEL, 'VAE (use the FP16 model)': 'FLUX.1-schnell_ae' };

function runSdxl(simulator: InvokeAiSimulator, options: ConnectOptions) {
	return connect(simulator, options).runWorkflow({ workflow: defaultWorkflow('Text to Image - SDXL'), values: SDXL_VALUES, timeoutMs: 30_000 });
}

const logins = (simulator: InvokeAiSimulator) => simulator.requests.filter((request) => request.path === '/api/v1/auth/login').length;

describe('InvokeAI multi-user mode', () => {
	it('runs as the account, with the token on every request, the socket and the image files (6.14)', async () => {
		const simulator = await startSimulator({ version: '6.14.0', multiUser: true });
		const run = await runSdxl(simulator, { auth: USER });
		expect(logins(simulator)).toBe(1);
		expect(simulator.batches().map((batch) => batch.userId)).toEqual(['user']);
		// Every request past the login and the public routes was made as the account.
		const authenticated = simulator.requests.filter((request) => request.path.startsWith('/api/v1/queue') || request.path.startsWith('/api/v1/images') || request.path.startsWith('/api/v2'));
		expect(new Set(authenticated.map((request) => request.user))).toEqual(new Set(['user']));
		// The socket heard the item's events as the account.
		expect(simulator.sockets.messages.some((message) => message.userId === 'user' && message.event === 'queue_item_status_changed' && message.data.item_id === run.itemIds[0])).toBe(true);
		const [file] = await (async () => {
			const read = [];
			for await (const found of run.items[0].files) read.push({ bytes: await readAll(found), name: String(found.details.imageName) });
			return read;
		})();
		expect(Buffer.from(file.bytes).equals(Buffer.from(simulator.imageBytes(file.name) ?? []))).toBe(true);
	});

	it('logs in again once when the server stops taking the token, and goes on', async () => {
		const simulator = await startSimulator({ version: '6.14.0', multiUser: true });
		const invokeai = connect(simulator, { auth: USER });
		await invokeai.queueStatus();
		simulator.expireTokens();
		await expect(invokeai.queueStatus()).resolves.toMatchObject({ queue: { total: 0 } });
		expect(logins(simulator)).toBe(2);
	});

	it('says that the server wants an account when none is given', async () => {
		const simulator = await startSimulator({ version: '6.13.8', multiUser: true });
		await expect(runSdxl(simulator, {})).rejects.toMatchObject({ kind: 'api', status: 401, hint: expect.stringContaining('multi-user mode') });
	});

	it('says to check the email and password when they are wrong, without repeating the password', async () => {
		const simulator = await startSimulator({ version: '6.13.8', multiUser: true });
		const error = (await runSdxl(simulator, { auth: { email: USER.email, password: 'not-the-password' } }).catch((caught: unknown) => caught)) as Error & { hint?: string };
		expect(error).toMatchObject({ status: 401, message: 'InvokeAI answered 401 to POST /api/v1/auth/login: Incorrect email or password' });
		expect(`${error.message} ${error.hint}`).not.toContain('not-the-password');
	});

	it('runs with a token given as such, as the account it belongs to', async () => {
		const simulator = await startSimulator({ version: '6.13.8', multiUser: true });
		const token = simulator.tokenFor('admin@example.com');
		const run = await runSdxl(simulator, { auth: { token } });
		expect(logins(simulator)).toBe(0);
		expect(simulator.item(run.itemIds[0])?.user_id).toBe('admin');
	});
});
