// Runtime-neutral: web-standard APIs only (no node:, Deno, process), so n8n, Node and Deno share it.
// Everything this package knows about the Visionatrix HTTP API (server 2.x, `/vapi` prefix).
import { ApiClient } from '../../core/client.ts';
import type { Env } from '../../core/env.ts';
import { InputError, isApiError, JobFailedError } from '../../core/errors.ts';
import { requireWholeNumber } from '../../core/inputChecks.ts';
import type { DownloadedFile } from '../../core/files.ts';
import { downloadedFile } from '../../core/files.ts';
import type { RetryPolicy } from '../../core/retry.ts';
import type { PollingPlan, WaitProgress } from '../../core/waiter.ts';
import { waitForJob } from '../../core/waiter.ts';
import type { Flow, TaskDetails, TaskOutput, TaskRunResults, TaskShort, UserInfo } from './schemas.ts';
import {
	flowListSchema,
	taskDetailsMapSchema,
	taskDetailsSchema,
	taskMapSchema,
	taskRunResultsSchema,
	userInfoSchema,
} from './schemas.ts';
import type { TaskInput } from './taskInput.ts';
import { buildTaskForm } from './taskInput.ts';
import { isTaskFinished, taskStatus } from './taskState.ts';

export const VISIONATRIX_DEFAULT_URL = 'http://localhost:8288';

export interface VisionatrixOptions {
	baseUrl: string;
	env: Env;
	retry?: Partial<RetryPolicy>;
	requestTimeoutMs?: number;
}

export interface TaskFilter {
	/** Flow name. */
	name?: string;
	/** 1..255; the server's default is 1. 0 lists every group. */
	groupScope?: number;
	onlyParent?: boolean;
}

export interface ResultFile extends DownloadedFile {
	taskId: number;
	nodeId: number;
	batchIndex: number;
	outputType: string;
}

export interface WaitOptions {
	timeoutMs: number;
	signal?: AbortSignal;
	onProgress?(progress: WaitProgress, task: TaskDetails): void;
	plan?: Partial<PollingPlan>;
	/** Delete the task when the wait is aborted or times out (default true). */
	deleteOnStop?: boolean;
}

export interface RunOptions extends WaitOptions {
	/** Called once the server has accepted the run, before the wait: the ids to look up or cancel later. */
	onSubmitted?(created: TaskRunResults): void;
}

export interface FinishedTask {
	task: TaskDetails;
	files: ResultFile[];
}

/** Where a submitted run stands, for a caller that learns of progress by callback, not by polling. */
export type RunState = { state: 'running' } | { state: 'succeeded'; finished: FinishedTask[] };

/** How long a cancel request may take: it runs after the caller's own signal has fired. */
const CANCEL_TIMEOUT_MS = 15_000;

const FALLBACK_BY_OUTPUT_TYPE: Record<string, { extension: string; mimeType: string }> = {
	image: { extension: 'png', mimeType: 'image/png' },
	'image-animated': { extension: 'webp', mimeType: 'image/webp' },
	video: { extension: 'mp4', mimeType: 'video/mp4' },
	audio: { extension: 'flac', mimeType: 'audio/flac' },
	text: { extension: 'txt', mimeType: 'text/plain' },
	'3d-model': { extension: 'glb', mimeType: 'model/gltf-binary' },
};

export class Visionatrix {
	readonly http: ApiClient;

	constructor(options: VisionatrixOptions) {
		this.http = new ApiClient({
			service: 'Visionatrix',
			baseUrl: options.baseUrl,
			env: options.env,
			retry: options.retry,
			requestTimeoutMs: options.requestTimeoutMs,
			hintFor: visionatrixHint,
		});
	}

	whoami(signal?: AbortSignal): Promise<UserInfo> {
		return this.http.json({ method: 'GET', path: '/vapi/other/whoami', signal }, userInfoSchema);
	}

	listInstalledFlows(signal?: AbortSignal): Promise<Flow[]> {
		return this.http.json({ method: 'GET', path: '/vapi/flows/installed', signal }, flowListSchema);
	}

	/** The installed flow with this name; an InputError naming `flow` when there is none. */
	async getInstalledFlow(name: string, signal?: AbortSignal): Promise<Flow> {
		const wanted = name.trim().toLowerCase();
		if (!wanted) throw new InputError('flow', 'No flow was chosen: pick an installed flow.');
		const flows = await this.listInstalledFlows(signal);
		const flow = flows.find((candidate) => candidate.name === wanted);
		if (!flow) {
			const names = flows.map((candidate) => candidate.name).join(', ') || 'none';
			throw new InputError('flow', `Flow "${name}" is not installed on this Visionatrix server. Installed flows: ${names}.`);
		}
		return flow;
	}

	/** Submits a task (or `count` tasks). Sent again only if it certainly never reached the server. */
	async createTask(flow: Flow, input: TaskInput, signal?: AbortSignal): Promise<TaskRunResults> {
		const form = buildTaskForm(flow, input);
		return this.http.json(
			{ method: 'PUT', path: `/vapi/tasks/create/${encodeURIComponent(flow.name)}`, form, retry: 'unsent-only', signal, mustFinish: signal === undefined },
			taskRunResultsSchema,
		);
	}

	getTask(taskId: number, signal?: AbortSignal): Promise<TaskDetails> {
		return this.http.json({ method: 'GET', path: `/vapi/tasks/progress/${checkTaskId(taskId)}`, signal }, taskDetailsSchema);
	}

	/** The caller's tasks, oldest first. `details` adds `flow_comfy` and timestamps (much larger). */
	async listTasks(filter: TaskFilter = {}, options: { details?: boolean; signal?: AbortSignal } = {}): Promise<TaskShort[] | TaskDetails[]> {
		const query = { name: filter.name || undefined, group_scope: filter.groupScope, only_parent: filter.onlyParent };
		const request = { method: 'GET' as const, query, signal: options.signal };
		const tasks = options.details
			? Object.values(await this.http.json({ ...request, path: '/vapi/tasks/progress' }, taskDetailsMapSchema))
			: Object.values(await this.http.json({ ...request, path: '/vapi/tasks/progress-summary' }, taskMapSchema));
		return tasks.sort((a, b) => a.task_id - b.task_id);
	}

	async downloadResult(taskId: number, output: TaskOutput, batchIndex: number, signal?: AbortSignal): Promise<ResultFile> {
		const response = await this.http.send({
			method: 'GET',
			path: '/vapi/tasks/results',
			query: { task_id: checkTaskId(taskId), node_id: output.comfy_node_id, batch_index: batchIndex },
			signal,
		});
		const fallback = FALLBACK_BY_OUTPUT_TYPE[output.type];
		const fallbackName = `${taskId}_${output.comfy_node_id}_${batchIndex}.${fallback?.extension ?? 'bin'}`;
		const file = downloadedFile(response, fallbackName, fallback?.mimeType);
		return { ...file, taskId, nodeId: output.comfy_node_id, batchIndex, outputType: output.type };
	}

	/** Every file of every output node of a finished task, in node then batch order. */
	async downloadAllResults(task: Pick<TaskShort, 'task_id' | 'outputs'>, signal?: AbortSignal): Promise<ResultFile[]> {
		const files: ResultFile[] = [];
		for (const output of task.outputs) {
			// batch_size stays -1 until the task finishes; a finished node has at least one file.
			// It counts every file the node wrote, but /results serves only those of the output's
			// own type (a video node's preview .png is left out), so the list may end early.
			const count = Math.max(1, output.batch_size);
			for (let batchIndex = 0; batchIndex < count; batchIndex++) {
				try {
					files.push(await this.downloadResult(task.task_id, output, batchIndex, signal));
				} catch (error) {
					if (batchIndex > 0 && isApiError(error) && error.status === 404) break;
					throw error;
				}
			}
		}
		return files;
	}

	async getInputFile(taskId: number, inputIndex: number, signal?: AbortSignal): Promise<DownloadedFile> {
		requireWholeNumber('inputIndex', 'input index', inputIndex, 0);
		const response = await this.http.send({
			method: 'GET',
			path: '/vapi/tasks/inputs',
			query: { task_id: checkTaskId(taskId), input_index: inputIndex },
			signal,
		});
		return downloadedFile(response, `${taskId}_input_${inputIndex}.bin`);
	}

	/** Puts a failed task back in the queue; `force` also restarts one without an error. */
	restartTask(taskId: number, force = false, signal?: AbortSignal): Promise<void> {
		return this.http.empty({
			method: 'POST',
			path: '/vapi/tasks/restart',
			query: { task_id: checkTaskId(taskId), force },
			retry: 'unsent-only',
			signal,
		});
	}

	/** Deletes a task with its children and files. This is also how a running task is cancelled. */
	deleteTask(taskId: number, signal?: AbortSignal): Promise<void> {
		return this.http.empty({ method: 'DELETE', path: '/vapi/tasks/task', query: { task_id: checkTaskId(taskId) }, signal });
	}

	/** The same delete, sent after the caller stopped: it must reach the server despite that stop. */
	private cancelTask(taskId: number): Promise<void> {
		return this.http.empty({ method: 'DELETE', path: '/vapi/tasks/task', query: { task_id: checkTaskId(taskId) }, timeoutMs: CANCEL_TIMEOUT_MS, mustFinish: true });
	}

	/** Deletes the caller's finished tasks of a flow. */
	clearFinished(flowName: string, groupScope?: number, signal?: AbortSignal): Promise<void> {
		return this.http.empty({ method: 'DELETE', path: '/vapi/tasks/clear', query: { name: requireFlowName(flowName), group_scope: groupScope }, signal });
	}

	/** Deletes the caller's queued, running and failed tasks of a flow. */
	deleteUnfinished(flowName: string, groupScope?: number, signal?: AbortSignal): Promise<void> {
		return this.http.empty({ method: 'DELETE', path: '/vapi/tasks/queue', query: { name: requireFlowName(flowName), group_scope: groupScope }, signal });
	}

	/** Changes the priority (0..15) of a task that has not started yet. */
	setPriority(taskId: number, priority: number, signal?: AbortSignal): Promise<void> {
		requireWholeNumber('priority', 'priority', priority, 0, 15);
		return this.http.empty({
			method: 'PUT',
			path: '/vapi/tasks/update',
			query: { task_id: checkTaskId(taskId) },
			json: { priority },
			retry: 'safe',
			signal,
		});
	}

	/** Waits until the task finishes; deletes it on the server when the wait is aborted or times out. */
	waitForTask(taskId: number, options: WaitOptions): Promise<TaskDetails> {
		return waitForJob<TaskDetails>({
			label: `Visionatrix task ${taskId}`,
			jobId: String(taskId),
			env: this.http.env,
			read: (signal) => this.getTask(taskId, signal),
			status: taskStatus,
			timeoutMs: options.timeoutMs,
			signal: options.signal,
			onProgress: options.onProgress,
			plan: options.plan,
			cancel: options.deleteOnStop === false ? undefined : () => this.cancelTask(taskId),
		});
	}

	/**
	 * The main job: submit, wait for every task the submission created, download every file.
	 * If one task fails or the wait stops, the run's other unfinished tasks are deleted too, so
	 * nothing is left running that nobody will collect.
	 */
	async runFlow(flow: Flow, input: TaskInput, options: RunOptions): Promise<FinishedTask[]> {
		options.signal?.throwIfAborted();
		// Not abortable once sent: aborting could leave a task that was created but whose id we never
		// learn. If the signal fires meanwhile, the wait below sees it and deletes the tasks.
		const created = await this.createTask(flow, input);
		options.onSubmitted?.(created);
		const deadline = this.http.env.now() + options.timeoutMs;
		const finished: FinishedTask[] = [];
		for (const [position, taskId] of created.tasks_ids.entries()) {
			try {
				const timeoutMs = Math.max(0, deadline - this.http.env.now());
				const task = await this.waitForTask(taskId, { ...options, timeoutMs });
				finished.push({ task, files: await this.downloadAllResults(task, options.signal) });
			} catch (error) {
				await this.deleteQuietly(created.tasks_ids.slice(position + 1));
				throw error;
			}
		}
		return finished;
	}

	/**
	 * Looks at every task of a run once. While any is unfinished: `running`. When all succeeded:
	 * their files, downloaded. When one failed: the others are deleted and a JobFailedError names
	 * the failed one with the server's message, as the polling wait does.
	 */
	async collectRun(taskIds: number[], signal?: AbortSignal): Promise<RunState> {
		const tasks: TaskDetails[] = [];
		for (const taskId of taskIds) tasks.push(await this.getTask(taskId, signal));
		const failed = tasks.find((task) => taskStatus(task).phase === 'failed');
		if (failed) {
			await this.deleteQuietly(tasks.filter((task) => task !== failed && !isTaskFinished(task)).map((task) => task.task_id));
			throw new JobFailedError(`Visionatrix task ${failed.task_id}`, String(failed.task_id), failed.error);
		}
		if (!tasks.every((task) => taskStatus(task).phase === 'succeeded')) return { state: 'running' };
		const finished: FinishedTask[] = [];
		for (const task of tasks) finished.push({ task, files: await this.downloadAllResults(task, signal) });
		return { state: 'succeeded', finished };
	}

	/** Deletes tasks nobody will collect (a stopped or timed-out run); failures are only logged. */
	async deleteQuietly(taskIds: number[]): Promise<void> {
		for (const taskId of taskIds) {
			try {
				await this.cancelTask(taskId);
			} catch (error) {
				this.http.env.logger?.warn(`Visionatrix: could not delete task ${taskId} of a stopped run`, {
					reason: error instanceof Error ? error.message : String(error),
				});
			}
		}
	}
}

function checkTaskId(taskId: number): number {
	return requireWholeNumber('taskId', 'task ID', taskId, 1);
}

function requireFlowName(name: string): string {
	const trimmed = name.trim().toLowerCase();
	if (!trimmed) throw new InputError('flow', 'A flow name is needed for this operation.');
	return trimmed;
}

function visionatrixHint(status: number, path: string): string | undefined {
	if (status === 401) {
		return 'Check the credential: with VIX_AUTH=1 the server needs a user name and password (HTTP Basic); "Admin privilege required" means the user is not an admin.';
	}
	if (status === 404 && path.startsWith('/vapi/')) {
		return 'If every request gets 404, the server may be older than 1.7 (it used /api instead of /vapi) or the base URL may point elsewhere.';
	}
	return undefined;
}

/** True when an error says the task does not exist (deleted, or another user's). */
export function isTaskNotFound(error: unknown): boolean {
	return isApiError(error) && error.status === 404 && error.path.startsWith('/vapi/tasks/');
}
