// A Flowscale pod simulator for tests: the per-deployment REST API (X-API-KEY, runs, outputs,
// health, queue, workflows) on one port and the storage host of its pre-signed download URLs on
// another, both real HTTP on 127.0.0.1. Behaviour from the project's Flowscale reference notes
// (SDK 1.1.4 source, OpenAPI file, JS SDK docs); where they disagree an option picks the variant.
import { FaultList } from '../shared/faults.ts';
import { makeOutputBytes, outputKey } from './files.ts';
import { resolveOptions } from './options.ts';
import { createApiServer } from './server.ts';
import { Engine } from './state.ts';
import { startStorage } from './storage.ts';
import type { FlowscaleSimulator, FlowscaleSimulatorOptions, LoggedRequest, SimRun } from './types.ts';

export type {
	Fault,
	FaultRule,
	Faults,
	FlowscaleSimulator,
	FlowscaleSimulatorOptions,
	LoggedRequest,
	OutputSpec,
	RequestRecord,
	RunOutcome,
	RunRequest,
	RunState,
	SimRun,
	SimRunInput,
	SimRunOutput,
	SimStorage,
	WorkflowSpec,
} from './types.ts';
export { DEFAULT_API_KEY, DEFAULT_FAILURE_TEXT, DEFAULT_WORKFLOWS } from './options.ts';

export async function startFlowscaleSimulator(options: FlowscaleSimulatorOptions = {}): Promise<FlowscaleSimulator> {
	const resolved = resolveOptions(options);
	const storage = await startStorage(resolved);
	const engine = new Engine({
		...resolved,
		onOutputReady: (run, output) => storage.put(outputKey(run.id, output.fileName), output.contentType, () => makeOutputBytes(run, output)),
	});
	const faults = new FaultList();
	const requests: LoggedRequest[] = [];
	const http = createApiServer({ options: resolved, engine, storage, faults, requests });
	const url = await http.listen().catch(async (error: unknown) => {
		await storage.close();
		throw error;
	});

	const runOrThrow = (id: string) => {
		const run = engine.runs.get(id);
		if (!run) throw new Error(`Flowscale simulator: no run ${id}.`);
		return run;
	};

	return {
		url,
		apiKey: resolved.apiKey,
		faults,
		requests,
		storage,
		async close() {
			engine.close();
			await Promise.all([http.close(), storage.close()]);
		},
		runs: (): SimRun[] => engine.all().map((run) => engine.snapshot(run)),
		run: (id) => {
			const run = engine.runs.get(id);
			return run && engine.snapshot(run);
		},
		waitFor: (id, predicate, timeoutMs) => engine.waitFor(id, predicate, timeoutMs),
		createdCount: () => engine.createdCount(),
		outputBytes(runId, outputName) {
			const output = runOrThrow(runId).outputs.find((candidate) => candidate.name === outputName || candidate.fileName === outputName);
			if (!output) throw new Error(`Flowscale simulator: run ${runId} has no output ${outputName}.`);
			const bytes = output.ready ? storage.bytesOf(outputKey(runId, output.fileName)) : undefined;
			if (!bytes) throw new Error(`Flowscale simulator: output ${outputName} of run ${runId} is not ready.`);
			return new Uint8Array(bytes);
		},
		inputBytes(runId, fieldName) {
			const part = runOrThrow(runId).parts.find((candidate) => candidate.name === fieldName && typeof candidate.value !== 'string');
			if (!part || typeof part.value === 'string') throw new Error(`Flowscale simulator: run ${runId} has no input file ${fieldName}.`);
			return new Uint8Array(part.value.bytes);
		},
	};
}
