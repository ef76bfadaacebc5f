// A Visionatrix 2.x server simulator for tests: real HTTP on 127.0.0.1, behaviour read from the
// server's source (see the project's Visionatrix reference notes). Node built-ins only.
import fixtureFlows from '../../fixtures/visionatrix/flows-installed.json';
import { FaultList } from '../shared/faults.ts';
import { createSimServer } from './server.ts';
import type { FlowInputParam, SimFlow } from './state.ts';
import { Engine } from './state.ts';
import type { OutputSpec, RequestRecord, SimTask, VisionatrixSimulator, VisionatrixSimulatorOptions } from './types.ts';

export type {
	Fault,
	FaultRule,
	Faults,
	OutputSpec,
	ProgressWrite,
	RequestRecord,
	SimTask,
	SimTaskState,
	SimUser,
	VisionatrixSimulator,
	VisionatrixSimulatorOptions,
	WebhookPost,
} from './types.ts';
export { SIM_WORKER_ID } from './state.ts';
export { readZip } from './files.ts';

export const DEFAULT_OUTPUTS: Record<string, OutputSpec[]> = {
	sdxl_lighting: [{ nodeId: 9, type: 'image' }],
	remove_background_birefnet: [{ nodeId: 13, type: 'image' }],
};
const FALLBACK_OUTPUTS: OutputSpec[] = [{ nodeId: 9, type: 'image' }];

export const DEFAULT_FAILURE_TEXT = 'Allocation on device ';

/** The `GET /vapi/flows/installed` fixture (sdxl_lighting, remove_background_birefnet). */
export function loadFixtureFlows(): unknown[] {
	// A JSON import (not a file read) so that tsc copies the fixture next to the compiled tools.
	return structuredClone(fixtureFlows) as unknown[];
}

function toSimFlow(raw: unknown): SimFlow | undefined {
	if (typeof raw !== 'object' || raw === null) return undefined;
	const flow = raw as Record<string, unknown>;
	if (typeof flow.name !== 'string') return undefined;
	const inputs = Array.isArray(flow.input_params) ? flow.input_params : [];
	return {
		name: flow.name,
		inputParams: inputs.filter(
			(param): param is FlowInputParam =>
				typeof param === 'object' && param !== null && typeof (param as FlowInputParam).name === 'string' && typeof (param as FlowInputParam).type === 'string',
		),
		isSeedSupported: flow.is_seed_supported === true,
		isSurpriseMeSupported: flow.is_surprise_me_supported === true,
		hidden: flow.hidden === true,
	};
}

function defaultFailWhen(_flow: string, inputs: Record<string, unknown>): string | undefined {
	return Object.values(inputs).some((value) => typeof value === 'string' && /\bFAIL\b/.test(value)) ? DEFAULT_FAILURE_TEXT : undefined;
}

export async function startVisionatrixSimulator(options: VisionatrixSimulatorOptions = {}): Promise<VisionatrixSimulator> {
	const flowsJson = options.flows ?? loadFixtureFlows();
	const flows = new Map<string, SimFlow>();
	for (const raw of flowsJson) {
		const flow = toSimFlow(raw);
		if (flow) flows.set(flow.name, flow);
	}
	const outputsFor = (flow: string): OutputSpec[] => options.outputs?.[flow] ?? DEFAULT_OUTPUTS[flow] ?? FALLBACK_OUTPUTS;
	const duration = options.taskDurationMs ?? 1500;
	const queueDelay = options.queueDelayMs ?? 0;
	const engine = new Engine({
		duration: typeof duration === 'function' ? duration : () => duration,
		failWhen: options.failWhen ?? defaultFailWhen,
		queueDelayMs: typeof queueDelay === 'function' ? queueDelay : () => queueDelay,
		progressSteps: options.progressSteps ?? 20,
		serial: options.serial ?? false,
	});
	const faults = new FaultList();
	const requests: RequestRecord[] = [];
	const http = createSimServer({
		engine,
		flowsJson,
		flows,
		outputsFor,
		users: options.auth?.users,
		hostLacksMimeTypes: options.hostLacksMimeTypes ?? true,
		faults,
		requests,
	});
	const url = await http.listen();

	const taskOrThrow = (id: number) => {
		const task = engine.tasks.get(id) ?? engine.deletedTasks.get(id);
		if (!task) throw new Error(`Visionatrix simulator: no task ${id}.`);
		return task;
	};

	return {
		url,
		faults,
		requests,
		webhookPosts: engine.webhookPosts,
		close() {
			engine.close();
			return http.close();
		},
		tasks: (): SimTask[] => [...engine.tasks.values()].sort((a, b) => a.id - b.id).map((task) => engine.snapshot(task)),
		task: (id: number): SimTask | undefined => {
			const task = engine.tasks.get(id);
			return task && engine.snapshot(task);
		},
		removedTasks: (): SimTask[] => [...engine.deletedTasks.values()].sort((a, b) => a.id - b.id).map((task) => engine.snapshot(task)),
		resultBytes(taskId: number, nodeId: number, batchIndex: number): Uint8Array {
			const task = taskOrThrow(taskId);
			const output = task.outputs.find((candidate) => candidate.comfy_node_id === nodeId);
			if (!output) throw new Error(`Visionatrix simulator: task ${taskId} has no output node ${nodeId}.`);
			const file = engine.servedFiles(task, output)[batchIndex];
			if (!file) throw new Error(`Visionatrix simulator: task ${taskId} node ${nodeId} has no result ${batchIndex} (progress ${task.progress}).`);
			return new Uint8Array(file.bytes);
		},
		inputBytes(taskId: number, inputIndex: number): Uint8Array {
			const file = taskOrThrow(taskId).inputFiles[inputIndex];
			if (!file) throw new Error(`Visionatrix simulator: task ${taskId} has no input file ${inputIndex}.`);
			return new Uint8Array(file.bytes);
		},
		waitFor: (id, predicate, timeoutMs) => engine.waitFor(id, predicate, timeoutMs),
		createdCount: () => engine.createdCount(),
	};
}
