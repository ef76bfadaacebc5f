// `npm run chaos`: 125 jobs per provider (105 through the node class, 20 through the CLI) against
// each simulator with faults on, the four providers at once; writes RELIABILITY.md's chaos section
// and bench/reliability.json's "chaos" key. Exit 1 when a job was lost, created twice or left running.
//
// Environment: CHAOS_SEED (a number) to change the random plan; CHAOS_NODE_JOBS / CHAOS_CLI_JOBS
// for a shorter run (the report says how many ran).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

import type { CliRunner } from '../../test/scripts/cliProcess.ts';
import type { ChaosPlan, ProviderRun } from './harness.ts';
import { DEFAULT_PLAN, runProvider } from './harness.ts';
import { FlowscaleChaos } from './providers/flowscale.ts';
import { InvokeAiChaos } from './providers/invokeai.ts';
import { PetPortraitChaos } from './providers/petPortrait.ts';
import { VisionatrixChaos } from './providers/visionatrix.ts';
import type { ChaosReport } from './report.ts';
import { chaosSection, totalsOf, writeReliabilityJson, writeReliabilityMd } from './report.ts';
import { CREATE_CHAOS, READ_CHAOS, SOCKET_CHAOS } from './faults.ts';

/** The checkout: the first folder up from here with a package.json (from .build/bench/chaos, the repo). */
function repoRoot(): string {
	for (let dir = __dirname; ; dir = dirname(dir)) {
		if (existsSync(join(dir, 'package.json'))) return dir;
		if (dirname(dir) === dir) throw new Error('chaos: no package.json above ' + __dirname);
	}
}

const whole = (value: string | undefined, fallback: number) => (value && /^\d+$/.test(value) ? Number(value) : fallback);

async function main(): Promise<void> {
	const root = repoRoot();
	// The CLI compiled with the tools (the same `tsc -p tsconfig.tools.json` that built this file).
	const entry = join(__dirname, '..', '..', 'scripts', 'genflows.js');
	if (!existsSync(entry)) throw new Error(`chaos: ${entry} is missing: run "npx tsc -p tsconfig.tools.json" first.`);
	const cli: CliRunner = { name: 'node', command: () => [process.execPath, entry] };
	const plan: ChaosPlan = {
		...DEFAULT_PLAN,
		nodeJobs: whole(process.env.CHAOS_NODE_JOBS, DEFAULT_PLAN.nodeJobs),
		cliJobs: whole(process.env.CHAOS_CLI_JOBS, DEFAULT_PLAN.cliJobs),
		seed: whole(process.env.CHAOS_SEED, DEFAULT_PLAN.seed),
		cli,
	};
	const started = Date.now();
	const adapters = [new VisionatrixChaos(), new FlowscaleChaos(), new PetPortraitChaos(), new InvokeAiChaos()];
	const runs: ProviderRun[] = await Promise.all(
		adapters.map(async (adapter) => {
			const run = await runProvider(adapter, plan);
			const { figures } = run;
			console.log(
				`${figures.provider}: ${figures.submitted} submitted, ${figures.done} done, ${figures.failedClearly} failed clearly, ${figures.lost} lost, ` +
					`${figures.createdTwice} created twice, ${figures.leftRunning} left running, ${figures.finishedUnattendedByDesign} finished unattended, ${figures.doneBadBytes} bad bytes (${figures.wallSeconds} s)`,
			);
			return run;
		}),
	);
	const providers = runs.map((run) => run.figures);
	const planFigures: Omit<ChaosPlan, 'cli'> = { ...plan };
	delete (planFigures as Partial<ChaosPlan>).cli;
	const report: ChaosReport = {
		at: new Date().toISOString(),
		node: process.version,
		wallSeconds: Math.round((Date.now() - started) / 100) / 10,
		plan: planFigures,
		faults: { reads: READ_CHAOS, creates: CREATE_CHAOS, sockets: SOCKET_CHAOS },
		providers,
		totals: totalsOf(providers),
	};
	writeReliabilityMd(join(root, 'RELIABILITY.md'), chaosSection(report));
	writeReliabilityJson(join(root, 'bench', 'reliability.json'), report);
	for (const line of providers.flatMap((figures) => figures.examples)) console.log(`  ${line}`);
	const { lost, createdTwice, leftRunning, doneBadBytes } = report.totals;
	console.log(`all: ${report.totals.submitted} jobs in ${report.wallSeconds} s; ${lost} lost, ${createdTwice} created twice, ${leftRunning} left running, ${doneBadBytes} bad bytes.`);
	if (lost + createdTwice + leftRunning + doneBadBytes > 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
	console.error(error);
	process.exitCode = 1;
});
