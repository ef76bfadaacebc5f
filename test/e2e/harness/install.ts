// Where test/e2e/setup/install-n8n.sh put Node 24, n8n, redis-server and chromium, and a way to
// run that script (npm start does, before it starts n8n).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface E2eInstall {
	node: string;
	n8n: string;
	n8nVersion: string;
	/** "" when not installed (install-n8n.sh --for=start skips it). */
	redisServer: string;
	/** Debian's chromium for the browser test; "" or absent when not installed. */
	chromium?: string;
	/** The newest n8n 1.x (install-n8n.sh --n8n1); "" or absent when not installed. */
	n8n1?: Pick<E2eInstall, 'node' | 'n8n' | 'n8nVersion'> | '';
}

/** Which installed n8n a test runs: the pinned 2.x (default) or the newest 1.x. */
export type N8nRelease = 'n8n2' | 'n8n1';

/** The checkout: the folder with this package's package.json, found upwards from here (also from .build/). */
function findProjectRoot(from: string): string {
	for (let folder = from; ; folder = dirname(folder)) {
		const manifest = join(folder, 'package.json');
		if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'n8n-nodes-genflows') return folder;
		if (dirname(folder) === folder) throw new Error(`no n8n-nodes-genflows checkout above ${from}`);
	}
}

export const PROJECT_ROOT = findProjectRoot(__dirname);

function e2eHome(): string {
	return process.env.GENFLOWS_E2E_HOME ?? join(PROJECT_ROOT, '.n8n-e2e');
}

/** Runs test/e2e/setup/install-n8n.sh (a second run takes about a second); its progress goes to stderr. */
export async function runInstallScript(purpose: 'test' | 'start'): Promise<void> {
	const script = join(PROJECT_ROOT, 'test', 'e2e', 'setup', 'install-n8n.sh');
	const child = spawn('bash', [script, `--for=${purpose}`], { stdio: ['ignore', 'inherit', 'inherit'] });
	const code = await new Promise<number | null>((resolveCode, reject) => {
		child.once('error', reject);
		child.once('exit', resolveCode);
	});
	if (code !== 0) throw new Error(`${script} --for=${purpose} failed (exit ${code})`);
}

export function e2eInstall(): E2eInstall {
	const home = e2eHome();
	const pathsFile = join(home, 'paths.json');
	if (!existsSync(pathsFile)) {
		throw new Error(`${pathsFile} is missing: run "bash test/e2e/setup/install-n8n.sh" first (npm run test:e2e does)`);
	}
	return JSON.parse(readFileSync(pathsFile, 'utf8')) as E2eInstall;
}

/** The install with `release` as its n8n (node, n8n, n8nVersion); the rest is shared. */
export function e2eInstallOf(release: N8nRelease = 'n8n2'): E2eInstall {
	const install = e2eInstall();
	if (release === 'n8n2') return install;
	if (!install.n8n1) throw new Error('n8n 1.x is not installed: run "bash test/e2e/setup/install-n8n.sh --n8n1" first (npm run test:e2e does)');
	return { ...install, ...install.n8n1 };
}
