// The chaos run of `npm run chaos` (bench/chaos/), short: per provider 10 jobs through the real node
// class and 2 through the CLI (under Node, from the build), against the provider's simulator with
// faults on (5xx/429, cut connections, slow answers, cut creates, dropped sockets), some stopped and
// some timed out. Nothing is timed: each job is counted from our side and from the simulator's job
// table, and none may be lost, created twice or left running where the backend can cancel.
import type { ChaosPlan, ProviderRun } from '../../bench/chaos/harness.ts';
import { DEFAULT_PLAN, runProvider } from '../../bench/chaos/harness.ts';
import { FlowscaleChaos } from '../../bench/chaos/providers/flowscale.ts';
import { InvokeAiChaos } from '../../bench/chaos/providers/invokeai.ts';
import { PetPortraitChaos } from '../../bench/chaos/providers/petPortrait.ts';
import { VisionatrixChaos } from '../../bench/chaos/providers/visionatrix.ts';
import type { ProviderAdapter } from '../../bench/chaos/types.ts';
import { nodeRunner } from '../scripts/cliProcess.ts';

const PLAN: ChaosPlan = {
	...DEFAULT_PLAN,
	nodeJobs: 10,
	cliJobs: 2,
	nodeConcurrency: 4,
	cliConcurrency: 2,
	seed: 7,
	cli: nodeRunner,
	// Generous: on a loaded machine a job may wait; only a job that never ends is lost.
	watchdogMs: 100_000,
	settleMs: 10_000,
};

const adapters: ProviderAdapter[] = [new VisionatrixChaos(), new FlowscaleChaos(), new PetPortraitChaos(), new InvokeAiChaos()];
let runs: Map<string, ProviderRun>;

beforeAll(async () => {
	// The four providers at once, as `npm run chaos` runs them.
	const done = await Promise.all(adapters.map(async (adapter) => [adapter.id, await runProvider(adapter, PLAN)] as const));
	runs = new Map(done);
}, 170_000);

describe.each(adapters.map((adapter) => [adapter.label, adapter] as const))('chaos: %s', (_label, adapter) => {
	it('loses no job: each one is done with the simulator\'s bytes, or failed with a clear error', () => {
		const { figures, results } = runs.get(adapter.id)!;
		expect(figures.submitted).toBe(PLAN.nodeJobs + PLAN.cliJobs);
		expect({ lost: figures.lost, doneBadBytes: figures.doneBadBytes, examples: figures.examples }).toEqual({ lost: 0, doneBadBytes: 0, examples: [] });
		expect(figures.done + figures.failedClearly).toBe(figures.submitted);
		// The plain jobs get through the faults; the ones the server fails end in its words.
		expect(figures.done).toBeGreaterThan(0);
		for (const result of results.filter((entry) => entry.job.kind === 'fail')) expect(result.outcome).toBe('failed');
	});

	it('never creates a job twice, and leaves nothing running after a failure or a stop', () => {
		const { figures } = runs.get(adapter.id)!;
		expect(figures.createdTwice).toBe(0);
		expect(figures.leftRunning).toBe(0);
	});
});
