// TaskDetailsShort / TaskDetails as the server serializes them (field order of the pydantic models).
import { PyFloat } from '../shared/fastapi.ts';
import type { Engine, InternalTask } from './state.ts';

const EXTRA_FLAG_DEFAULTS: Record<string, unknown> = {
	profiler_execution: false,
	unload_models: false,
	federated_task: false,
	save_metadata: false,
	smart_memory: false,
	cache_type: 'classic',
	cache_size: 1,
	vae_cpu: false,
	reserve_vram: new PyFloat(0.6),
};

function extraFlags(flags: Record<string, unknown> | null): Record<string, unknown> | null {
	if (!flags) return null;
	const out: Record<string, unknown> = {};
	for (const [key, fallback] of Object.entries(EXTRA_FLAG_DEFAULTS)) out[key] = key in flags ? flags[key] : fallback;
	return out;
}

export function renderShort(engine: Engine, task: InternalTask): Record<string, unknown> {
	return {
		task_id: task.id,
		priority: task.priorityStored & 0b1111,
		progress: new PyFloat(task.progress),
		error: task.error,
		name: task.flow,
		input_params: task.inputParams,
		outputs: task.outputs,
		input_files: task.inputFiles.map((file) => ({ file_name: file.name, file_size: file.bytes.length })),
		locked_at: task.lockedAtIso,
		worker_id: task.workerId,
		execution_time: new PyFloat(task.executionTime),
		group_scope: task.groupScope,
		parent_task_id: task.parentTaskId,
		parent_task_node_id: task.parentTaskNodeId,
		child_tasks: engine.children(task).map((child) => renderShort(engine, child)),
		translated_input_params: null,
		extra_flags: extraFlags(task.extraFlags),
		hidden: task.hidden,
	};
}

export function renderDetails(engine: Engine, task: InternalTask): Record<string, unknown> {
	return {
		...renderShort(engine, task),
		created_at: task.createdAtIso,
		updated_at: task.updatedAtIso,
		finished_at: task.finishedAtIso,
		flow_comfy: task.flowComfy,
		user_id: task.userId,
		webhook_url: task.webhookUrl,
		webhook_headers: task.webhookHeaders,
		execution_details: task.executionDetails,
		custom_worker: task.customWorker,
	};
}
