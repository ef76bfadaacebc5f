// One entry per provider the package has: how `npm start` gets a server for it (the bundled
// simulator, or the user's own server from environment variables) and the credential pointing
// there. A new provider adds an entry here; the examples find its credential by type.
import { startFlowscaleSimulator } from '../../test/simulators/flowscale/index.ts';
import { startInvokeAiSimulator } from '../../test/simulators/invokeai/index.ts';
import { startPetPortraitSimulator } from '../../test/simulators/petPortrait/index.ts';
import { startVisionatrixSimulator } from '../../test/simulators/visionatrix/index.ts';
import type { CredentialJson } from '../../test/e2e/harness/workflows.ts';
import { flowscaleCredential, invokeAiCredential, petPortraitCredential, visionatrixCredential } from '../../test/e2e/harness/workflows.ts';

export interface ProviderServer {
	url: string;
	/** Where the URL came from, for the banner: "simulator" or the variable that set it. */
	origin: string;
	credential: CredentialJson;
	/** Stops the simulator; nothing for a real server. */
	close(): Promise<void>;
}

export interface StartProvider {
	name: string;
	credentialType: string;
	/** The variables that point `npm start` at a real server instead of the simulator. */
	variables: string[];
	server(env: NodeJS.ProcessEnv): Promise<ProviderServer>;
}

/** The id every start gives the provider's credential, so it is updated in place, not duplicated. */
function credentialId(provider: string): string {
	return `genflowsStart${provider}`;
}

const visionatrix: StartProvider = {
	name: 'Visionatrix',
	credentialType: 'visionatrixApi',
	variables: ['VISIONATRIX_URL', 'VISIONATRIX_USER', 'VISIONATRIX_PASSWORD'],
	async server(env) {
		const name = 'Visionatrix account';
		const id = credentialId('Visionatrix');
		if (env.VISIONATRIX_URL) {
			const auth = env.VISIONATRIX_USER ? { user: env.VISIONATRIX_USER, password: env.VISIONATRIX_PASSWORD ?? '' } : undefined;
			const server = { url: env.VISIONATRIX_URL.replace(/\/+$/, '') };
			return { ...server, origin: 'VISIONATRIX_URL', credential: visionatrixCredential(server, auth, id, name), close: async () => undefined };
		}
		// A few seconds per picture, so the progress is visible in the editor.
		const simulator = await startVisionatrixSimulator({ taskDurationMs: 3000 });
		return { url: simulator.url, origin: 'simulator', credential: visionatrixCredential(simulator, undefined, id, name), close: () => simulator.close() };
	},
};

const flowscale: StartProvider = {
	name: 'Flowscale',
	credentialType: 'flowscaleApi',
	variables: ['FLOWSCALE_API_URL', 'FLOWSCALE_API_KEY'],
	async server(env) {
		const name = 'Flowscale account';
		const id = credentialId('Flowscale');
		if (env.FLOWSCALE_API_URL) {
			const server = { url: env.FLOWSCALE_API_URL.replace(/\/+$/, '') };
			return { ...server, origin: 'FLOWSCALE_API_URL', credential: flowscaleCredential(server, env.FLOWSCALE_API_KEY ?? '', id, name), close: async () => undefined };
		}
		// A few seconds in the queue and running, so the wait is visible in the editor.
		const simulator = await startFlowscaleSimulator({ queueMs: 1000, runMs: 3000 });
		return { url: simulator.url, origin: 'simulator', credential: flowscaleCredential(simulator, simulator.apiKey, id, name), close: () => simulator.close() };
	},
};

const petPortrait: StartProvider = {
	name: 'Pet Portrait',
	credentialType: 'petPortraitApi',
	variables: ['PET_PORTRAIT_URL'],
	async server(env) {
		const name = 'Pet Portrait account';
		const id = credentialId('PetPortrait');
		if (env.PET_PORTRAIT_URL) {
			const server = { url: env.PET_PORTRAIT_URL.replace(/\/+$/, '') };
			return { ...server, origin: 'PET_PORTRAIT_URL', credential: petPortraitCredential(server, id, name), close: async () => undefined };
		}
		// About five seconds per portrait (46 nodes), so the progress is visible in the editor.
		const simulator = await startPetPortraitSimulator({ nodeMs: 110 });
		return { url: simulator.url, origin: 'simulator', credential: petPortraitCredential(simulator, id, name), close: () => simulator.close() };
	},
};

const invokeAi: StartProvider = {
	name: 'InvokeAI',
	credentialType: 'invokeAiApi',
	variables: ['INVOKEAI_URL'],
	async server(env) {
		const name = 'InvokeAI account';
		const id = credentialId('InvokeAI');
		if (env.INVOKEAI_URL) {
			// A single-user server; for a multi-user one, set the token or login in the credential afterwards.
			const server = { url: env.INVOKEAI_URL.replace(/\/+$/, '') };
			return { ...server, origin: 'INVOKEAI_URL', credential: invokeAiCredential(server, id, name), close: async () => undefined };
		}
		// About a second per node, so the progress is visible in the editor.
		const simulator = await startInvokeAiSimulator({ nodeMs: 300 });
		return { url: simulator.url, origin: 'simulator', credential: invokeAiCredential(simulator, id, name), close: () => simulator.close() };
	},
};

export const START_PROVIDERS: StartProvider[] = [visionatrix, flowscale, petPortrait, invokeAi];
