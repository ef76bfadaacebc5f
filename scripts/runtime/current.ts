import type { CliRuntime } from './cliRuntime.ts';
import { denoGlobal, denoRuntime } from './deno.ts';
import { nodeRuntime } from './node.ts';

/** The runtime this process is: Deno when its global namespace is there, Node otherwise. */
export function currentRuntime(): CliRuntime {
	const deno = denoGlobal();
	return deno ? denoRuntime(deno) : nodeRuntime();
}
