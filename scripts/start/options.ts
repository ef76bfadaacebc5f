// What `npm start` is asked to do: its arguments and the environment variables it reads.
import { resolve } from 'node:path';

export const DEFAULT_OWNER = { email: 'owner@genflows.test', password: 'Genflows-try-1' };

export const USAGE = `Usage: npm start [-- --fresh]

Starts a local n8n 2.41.1 with this checkout's nodes, the bundled simulators, a credential per
provider and every example workflow; Ctrl-C stops all of it.

  --fresh   delete the state folder first (workflows, executions, credentials, login) and start over

Environment:
  VISIONATRIX_URL, VISIONATRIX_USER, VISIONATRIX_PASSWORD
            use this Visionatrix server instead of the simulator (user and password: Basic Auth)
  FLOWSCALE_API_URL, FLOWSCALE_API_KEY
            use this Flowscale deployment instead of the simulator
  PET_PORTRAIT_URL
            use this Pet Portrait server instead of the simulator
  INVOKEAI_URL
            use this InvokeAI server (single-user) instead of the simulator
  GENFLOWS_OWNER_EMAIL, GENFLOWS_OWNER_PASSWORD
            the n8n login (default ${DEFAULT_OWNER.email} / ${DEFAULT_OWNER.password})
  N8N_PORT  the editor's port (default 5678, or a free one when 5678 is taken)
  GENFLOWS_START_HOME
            the state folder (default .n8n-start/ in the checkout)`;

export interface StartOptions {
	fresh: boolean;
	help: boolean;
	stateFolder: string;
	owner: { email: string; password: string };
	/** A port the user asked for (N8N_PORT); without it 5678 is preferred. */
	port?: number;
}

export class UsageError extends Error {}

export function readOptions(args: string[], env: NodeJS.ProcessEnv, projectRoot: string): StartOptions {
	const unknown = args.filter((arg) => !['--fresh', '--help', '-h'].includes(arg));
	if (unknown.length > 0) throw new UsageError(`unknown argument ${unknown[0]}`);
	const port = env.N8N_PORT ? Number(env.N8N_PORT) : undefined;
	if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) throw new UsageError(`N8N_PORT is not a port: ${env.N8N_PORT}`);
	return {
		fresh: args.includes('--fresh'),
		help: args.includes('--help') || args.includes('-h'),
		stateFolder: resolve(env.GENFLOWS_START_HOME ?? resolve(projectRoot, '.n8n-start')),
		owner: { email: env.GENFLOWS_OWNER_EMAIL || DEFAULT_OWNER.email, password: env.GENFLOWS_OWNER_PASSWORD || DEFAULT_OWNER.password },
		port,
	};
}
