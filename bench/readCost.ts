// CPU per status read of a Visionatrix task, before and after reads got cheap: the whole task
// parsed and checked against its schema (its ComfyUI graph included) versus what the waiter now
// does while the task runs (the graph cut out of the text unparsed, the rest checked). The body is the simulator's answer to GET /vapi/tasks/progress/{id} for a running
// task, as is and with its graph grown to 200 nodes (flows with ControlNets, upscalers and LoRAs
// reach that size). Parsing only, in this process: the HTTP round trip is the same for both.
import { bodyText } from '../nodes/shared/core/http.ts';
import { parseJsonResponse } from '../nodes/shared/core/validate.ts';
import { taskDetailsSchema } from '../nodes/shared/providers/visionatrix/schemas.ts';
import { parseTaskState } from '../nodes/shared/providers/visionatrix/taskState.ts';
import { startVisionatrixSimulator } from '../test/simulators/visionatrix/index.ts';
import { percentile } from './stats.ts';

const ROUNDS = 7;
const READS_PER_ROUND = 3_000;

export interface ReadCostRow {
	body: string;
	bytes: number;
	wholeTaskMicros: number;
	whileRunningMicros: number;
}

async function runningTaskBody(): Promise<Record<string, unknown>> {
	const simulator = await startVisionatrixSimulator({ taskDurationMs: 60_000 });
	try {
		const form = new FormData();
		form.set('prompt', 'read cost');
		const created = (await (await fetch(`${simulator.url}/vapi/tasks/create/sdxl_lighting`, { method: 'PUT', body: form })).json()) as { tasks_ids: number[] };
		const taskId = created.tasks_ids[0];
		await simulator.waitFor(taskId, (task) => task.progress > 0, 10_000);
		return (await (await fetch(`${simulator.url}/vapi/tasks/progress/${taskId}`)).json()) as Record<string, unknown>;
	} finally {
		await simulator.close();
	}
}

/** Median CPU microseconds (user + system) per call of `read`, over interleaved rounds. */
function cpuMicros(read: () => unknown): number {
	const perRead: number[] = [];
	for (let round = 0; round < ROUNDS; round++) {
		const start = process.cpuUsage();
		for (let index = 0; index < READS_PER_ROUND; index++) read();
		const used = process.cpuUsage(start);
		perRead.push((used.user + used.system) / READS_PER_ROUND);
	}
	return percentile(perRead, 0.5);
}

function measure(name: string, task: Record<string, unknown>): ReadCostRow {
	const body = new TextEncoder().encode(JSON.stringify(task));
	const context = 'Visionatrix GET /vapi/tasks/progress/1';
	const whole = () => parseJsonResponse(taskDetailsSchema, body, context);
	const whileRunning = () => parseTaskState(bodyText(body), context);
	// Warm both up before measuring either.
	for (let index = 0; index < 1_000; index++) {
		whole();
		whileRunning();
	}
	return { body: name, bytes: body.byteLength, wholeTaskMicros: cpuMicros(whole), whileRunningMicros: cpuMicros(whileRunning) };
}

export async function readCost(): Promise<ReadCostRow[]> {
	const task = await runningTaskBody();
	const graph = (task.flow_comfy ?? {}) as Record<string, unknown>;
	const nodes = Object.values(graph);
	const grown: Record<string, unknown> = {};
	for (let index = 0; index < 200; index++) grown[String(index + 1)] = nodes[index % nodes.length];
	return [measure("the simulator's running task", task), measure('the same task, its graph grown to 200 nodes', { ...task, flow_comfy: grown })];
}
