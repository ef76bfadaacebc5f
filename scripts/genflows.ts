#!/usr/bin/env node
// genflows: run image-generation jobs from a shell, cron or CI, through the same provider core as
// the n8n nodes. Runs from source under Deno and, built (npm run build), under Node:
//   deno run --allow-net --allow-read --allow-write --allow-env scripts/genflows.ts visionatrix --help
//   npx genflows visionatrix --help
import { main } from './cli/main.ts';
import { visionatrixCli } from './cli/providers/visionatrix.ts';
import { currentRuntime } from './cli/runtimes/current.ts';

const runtime = currentRuntime();
main(runtime, [visionatrixCli]).then(
	(code) => runtime.exit(code),
	(error: unknown) => {
		runtime.writeStderr(`genflows: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
		runtime.exit(1);
	},
);
