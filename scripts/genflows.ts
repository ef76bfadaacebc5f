#!/usr/bin/env node
// genflows: run image-generation jobs from a shell, cron or CI, through the same provider core as
// the n8n nodes. Runs from source under Deno and, built (npm run build), under Node:
//   deno run --allow-net --allow-read --allow-write --allow-env scripts/genflows.ts visionatrix --help
//   npx genflows visionatrix --help
import { main } from './cli/main.ts';
import { CLI_PROVIDERS } from './cli/providers/index.ts';
import { currentRuntime } from './runtime/current.ts';

const runtime = currentRuntime();
main(runtime, CLI_PROVIDERS).then(
	(code) => runtime.exit(code),
	(error: unknown) => {
		runtime.writeStderr(`genflows: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
		runtime.exit(1);
	},
);
