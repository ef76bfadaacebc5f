// Where test/e2e/setup/install-n8n.sh put Node 24, n8n and redis-server.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface E2eInstall {
	node: string;
	n8n: string;
	n8nVersion: string;
	redisServer: string;
}

export const PROJECT_ROOT = resolve(__dirname, '../../..');

export function e2eInstall(): E2eInstall {
	const home = process.env.GENFLOWS_E2E_HOME ?? join(PROJECT_ROOT, '.n8n-e2e');
	const pathsFile = join(home, 'paths.json');
	if (!existsSync(pathsFile)) {
		throw new Error(`${pathsFile} is missing: run "bash test/e2e/setup/install-n8n.sh" first (npm run test:e2e does)`);
	}
	return JSON.parse(readFileSync(pathsFile, 'utf8')) as E2eInstall;
}
