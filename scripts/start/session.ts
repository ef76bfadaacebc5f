// `npm start` from the install check to a ready editor: simulators, credentials, examples, n8n.
// Everything it starts is registered with `closers` the moment it exists, so a Ctrl-C at any
// point stops exactly what is running.
import { relative } from 'node:path';

import { N8nHome } from '../../test/e2e/harness/n8n.ts';
import type { RunningN8n } from '../../test/e2e/harness/n8n.ts';
import { PROJECT_ROOT, runInstallScript } from '../../test/e2e/harness/install.ts';
import { freePort, preferredOrFreePort } from '../../test/e2e/harness/ports.ts';
import type { Closers } from './closers.ts';
import { createExampleFolders, exampleFileNames, localExample } from './examples.ts';
import type { StartOptions } from './options.ts';
import { ownerEnvironment } from './owner.ts';
import type { PhotoServer } from './samplePhoto.ts';
import { startPhotoServer } from './samplePhoto.ts';
import type { ProviderServer } from './providers.ts';
import { START_PROVIDERS } from './providers.ts';
import { claimStateFolder } from './runLock.ts';
import { StateFolder } from './state.ts';

export interface Session {
	editorUrl: string;
	n8n: RunningN8n;
	state: StateFolder;
	servers: Array<{ provider: string; server: ProviderServer }>;
	photo: PhotoServer;
	/** Warnings for the banner (e.g. the sample photo had to move to another port). */
	notes: string[];
}

const DEFAULT_EDITOR_PORT = 5678;
const DEFAULT_BROKER_PORT = 5679;

export function shortPath(path: string): string {
	const inside = relative(PROJECT_ROOT, path);
	return inside.startsWith('..') ? path : inside;
}

export async function startSession(options: StartOptions, closers: Closers, log: (line: string) => void): Promise<Session> {
	const state = new StateFolder(options.stateFolder);
	const notes: string[] = [];
	const cleanedUp = claimStateFolder(state);
	if (cleanedUp) log(cleanedUp);
	closers.add('the lock in the state folder', async () => state.clearRun());
	if (options.fresh) {
		log(`--fresh: deleting ${shortPath(state.path)}`);
		state.remove();
		claimStateFolder(state);
	}

	log('checking the n8n install (the first time, Node 24 and n8n 2.41.1 are installed: 3 to 10 minutes)');
	await runInstallScript('start');

	const servers: Session['servers'] = [];
	for (const provider of START_PROVIDERS) {
		const server = await provider.server(process.env);
		closers.add(`the ${provider.name} ${server.origin}`, () => server.close());
		servers.push({ provider: provider.name, server });
		log(`${provider.name}: ${server.origin === 'simulator' ? 'simulator' : 'server from ' + server.origin} at ${server.url}`);
	}

	const settings = state.readSettings();
	const photo = await startPhotoServer(settings.photoPort ?? 0).catch(async () => {
		notes.push(`The sample photo moved from port ${settings.photoPort} (taken) to a new one: in the remove-background example, set Download Photo's URL to the one below.`);
		return await startPhotoServer(await freePort());
	});
	closers.add('the sample-photo server', () => photo.close());
	settings.photoPort = photo.port;

	const home = await N8nHome.at(state.path, {
		port: options.port ?? (await preferredOrFreePort(DEFAULT_EDITOR_PORT)),
		brokerPort: await preferredOrFreePort(DEFAULT_BROKER_PORT),
		env: {
			// Not the harness's fixed test key: n8n makes one on first start and keeps it in the folder.
			N8N_ENCRYPTION_KEY: undefined,
		},
	});
	createExampleFolders(home.filesFolder);

	log('importing the credentials (n8n CLI)');
	await home.importCredentials(servers.map(({ server }) => server.credential));

	const bindings = Object.fromEntries(
		START_PROVIDERS.map((provider, index) => [provider.credentialType, { id: servers[index].server.credential.id, name: servers[index].server.credential.name }]),
	);
	const newExamples = exampleFileNames().filter((name) => !settings.importedExamples.includes(name));
	if (newExamples.length > 0) {
		log(`importing ${newExamples.length} example workflow(s) (n8n CLI)`);
		const values = { filesFolder: home.filesFolder, photoUrl: photo.url, credentials: bindings };
		await home.importWorkflows(newExamples.map((name) => localExample(name, values)));
		settings.importedExamples.push(...newExamples);
	}
	state.writeSettings(settings);

	log(`starting n8n on ${home.baseUrl} (log: ${shortPath(state.logsFolder)}/)`);
	const n8n = await home.start({
		detached: true,
		readyTimeoutMs: 300_000,
		env: ownerEnvironment(options.owner, home.install.n8n),
		onSpawn: (running) => {
			closers.add('n8n', () => running.stop());
			state.writeRun({ startPid: process.pid, n8nPid: running.process.pid });
		},
	});
	state.writeRun({ startPid: process.pid, n8nPid: n8n.process.pid, editorUrl: home.baseUrl });
	return { editorUrl: home.baseUrl, n8n, state, servers, photo, notes };
}
