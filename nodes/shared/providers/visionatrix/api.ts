// Runtime-neutral: web-standard APIs only (no node:, Deno, process), so n8n, Node and Deno share it.
// Everything this package knows about the Visionatrix HTTP API (server 2.x, `/vapi` prefix).
import { ApiClient } from '../../core/client.ts';
import type { Env } from '../../core/env.ts';
import type { GenflowsError } from '../../core/errors.ts';
import { InputError, isApiError, JobFailedError } from '../../core/errors.ts';
import { requireWholeNumber } from '../../core/inputChecks.ts';
import type { DownloadedFile } from '../../core/files.ts';
import type { JobFile } from '../../core/job.ts';
import { jobLabel } from '../../core/job.ts';
import { lookAgainUntilFound } from '../../core/lostJob.ts';
import type { FormPart } from '../../core/http.ts';
import { downloadedFile, streamedFile } from '../../core/files.ts';
import type { RetryPolicy } from '../../core/retry.ts';
import { mayHaveBeenCarriedOut } from '../../core/retry.ts';
import type { BaseUrlRules } from '../../core/urls.ts';
import type { FinishedJob } from '../../core/run.ts';
import { cancelQuietly, waitForAll } from '../../core/run.ts';
import { bodyText } from '../../core/http.ts';
import type { PollingPlan, WaitProgress } from '../../core/waiter.ts';
import { waitFor } from '../../core/waiter.ts';
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
import { buildTaskForm, refusedByComfyUi } from './taskInput.ts';
import { lostSubmissionError, tasksOfLostSubmission, withFingerprint } from './lostTask.ts';
import { VISIONATRIX_JOB_WORDS, visionatrixJobs } from './job.ts';
import { isTaskFinished, parseTaskState, taskStatus } from './taskState.ts';

export const VISIONATRIX_DEFAULT_URL = 'http://localhost:8288';

/** How a Visionatrix address is checked; `parameter` is the core's name, which each surface maps to its own. */
export const VISIONATRIX_ADDRESS_RULES: BaseUrlRules = {
	parameter: 'baseUrl',
	service: 'Visionatrix',
	apiPrefix: '/vapi',
	example: 'http://gpu-box.lan:8288',
};

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

/** A result file of a task, with where it came from: `details` holds taskId, nodeId, batchIndex, outputType. */
export interface ResultFile extends JobFile {
	details: { taskId: number; nodeId: number; batchIndex: number; outputType: string };
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
	/** Called as each task of the run finishes with its files, so that a caller can keep them even if a later task fails. */
	onTaskFinished?(finished: FinishedTask): void | Promise<void>;
}

/** A finished task of a run, with its result files. */
export interface FinishedTask extends FinishedJob<TaskShort> {
	job: TaskDetails;
}

/** Where a submitted run stands, for a caller that learns of progress by callback, not by polling. */
export type RunState = { state: 'running' } | { state: 'succeeded'; finished: FinishedTask[] };

/** How long a cancel request may take: it runs after the caller's own signal has fired. */
const CANCEL_TIMEOUT_MS = 15_000;

/** How long the look-up after a lost create answer may take; it runs even when the run's limit is over. */
const RECOVERY_TIMEOUT_MS = 15_000;


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

	constructor(options: VisionatrixOptions | { http: ApiClient }) {
		this.http =
			'http' in options
				? options.http
				: new ApiClient({
						service: 'Visionatrix',
						baseUrl: options.baseUrl,
						env: options.env,
						retry: options.retry,
						requestTimeoutMs: options.requestTimeoutMs,
						hintFor: visionatrixHint,
					});
	}

	/** The same client with every request bounded by a limit that starts now (see `ApiClient.withDeadline`). */
	withDeadline(limitMs: number): Visionatrix {
		return new Visionatrix({ http: this.http.withDeadline(limitMs) });
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

	/**
	 * Submits a task (or `count` tasks). Sent again only if it certainly never reached the server.
	 * When the answer is lost after the request may have reached the server, the task is looked
	 * for instead of being created again; if it cannot be found the error says it may exist.
	 */
	async createTask(flow: Flow, input: TaskInput, signal?: AbortSignal): Promise<TaskRunResults> {
		const submission = withFingerprint(flow, input, this.http.env.random ?? Math.random);
		const form = buildTaskForm(flow, submission);
		try {
			return await this.http.json(
				{ method: 'PUT', path: `/vapi/tasks/create/${encodeURIComponent(flow.name)}`, form, retry: 'unsent-only', signal, mustFinish: signal === undefined },
				taskRunResultsSchema,
			);
		} catch (error) {
			if (isApiError(error) && error.status === 400 && error.serverMessage.includes('prompt_outputs_failed_validation')) {
				throw refusedByComfyUi(flow, submission);
			}
			if (!mayHaveBeenCarriedOut(error)) throw error;
			return await this.findLostSubmission(flow, submission, form, error as GenflowsError);
		}
	}

	/**
	 * The tasks a create request made although its answer was lost: the caller's tasks of that
	 * flow whose stored inputs match what was sent (the seed, which we chose, makes them unique).
	 */
	private async findLostSubmission(flow: Flow, input: TaskInput, form: FormPart[], lost: GenflowsError): Promise<TaskRunResults> {
		let ours: TaskShort[] | undefined;
		try {
			const query = { name: flow.name, group_scope: input.groupScope ?? 1, only_parent: true };
			// The server may still be creating it: a look that finds nothing is made again (lostJob.ts).
			ours = await lookAgainUntilFound(this.http.env, async () => {
				const found = await this.http.json(
					{ method: 'GET', path: '/vapi/tasks/progress-summary', query, timeoutMs: RECOVERY_TIMEOUT_MS, ignoresDeadline: true, mustFinish: true },
					taskMapSchema,
				);
				const candidates = tasksOfLostSubmission(flow, input, form, Object.values(found).sort((a, b) => b.task_id - a.task_id));
				return candidates.length > 0 ? candidates : undefined;
			});
		} catch (error) {
			throw lostSubmissionError(flow, lost, `looking for it failed too (${error instanceof Error ? error.message : String(error)})`);
		}
		if (!ours) throw lostSubmissionError(flow, lost, 'no task with these inputs was found');
		// More candidates than tasks sent: taking one would wait for (or delete) a task of someone else's.
		if (ours.length > (input.count ?? 1)) {
			const ids = ours.map((task) => task.task_id).sort((a, b) => a - b);
			throw lostSubmissionError(flow, lost, `${ids.length} tasks with these inputs were found (${ids.join(', ')}), and which this request made cannot be told`);
		}
		const ids = ours.map((task) => task.task_id).sort((a, b) => a - b);
		this.http.env.logger?.info(`Visionatrix: the answer to creating a task of "${flow.name}" was lost; found task ${ids.join(', ')} on the server`);
		return { tasks_ids: ids, outputs: ours[0].outputs };
	}

	getTask(taskId: number, signal?: AbortSignal): Promise<TaskDetails> {
		return this.http.json({ method: 'GET', path: `/vapi/tasks/progress/${checkTaskId(taskId)}`, signal }, taskDetailsSchema);
	}

	/**
	 * A task as the waiter reads it, by the same request as getTask: while the task runs, its
	 * ComfyUI graph (`flow_comfy`, most of the answer) is cut from the text unparsed and only the
	 * fields every task has are checked; once it has ended, the whole task is (BENCHMARKS.md has
	 * the CPU per read).
	 */
	async getTaskState(taskId: number, signal?: AbortSignal): Promise<TaskShort | TaskDetails> {
		const path = `/vapi/tasks/progress/${checkTaskId(taskId)}`;
		const context = `Visionatrix GET ${path}`;
		const response = await this.http.send({ method: 'GET', path, signal, headers: { accept: 'application/json' } });
		return parseTaskState(bodyText(response.body), context);
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

	/** One result file, streamed: read its `stream` to the end before opening the next. */
	async downloadResult(taskId: number, output: TaskOutput, batchIndex: number, signal?: AbortSignal): Promise<ResultFile> {
		const response = await this.http.send({
			method: 'GET',
			path: '/vapi/tasks/results',
			query: { task_id: checkTaskId(taskId), node_id: output.comfy_node_id, batch_index: batchIndex },
			responseType: 'stream',
			signal,
		});
		const fallback = FALLBACK_BY_OUTPUT_TYPE[output.type];
		const fallbackName = `${taskId}_${output.comfy_node_id}_${batchIndex}.${fallback?.extension ?? 'bin'}`;
		const file = streamedFile(response, fallbackName, fallback?.mimeType);
		return { ...file, details: { taskId, nodeId: output.comfy_node_id, batchIndex, outputType: output.type } };
	}

	/**
	 * Every file of every output node of a finished task, in node then batch order, each opened
	 * when the caller reaches it (so one download is in flight at a time).
	 */
	async *results(task: Pick<TaskShort, 'task_id' | 'outputs'>, signal?: AbortSignal): AsyncIterable<ResultFile> {
		for (const output of task.outputs) {
			// batch_size stays -1 until the task finishes; a finished node has at least one file.
			// It counts every file the node wrote, but /results serves only those of the output's
			// own type (a video node's preview .png is left out), so the list may end early.
			const count = Math.max(1, output.batch_size);
			for (let batchIndex = 0; batchIndex < count; batchIndex++) {
				let file: ResultFile;
				try {
					file = await this.downloadResult(task.task_id, output, batchIndex, signal);
				} catch (error) {
					if (batchIndex > 0 && isApiError(error) && error.status === 404) break;
					throw error;
				}
				yield file;
			}
		}
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
	cancelTask(taskId: number): Promise<void> {
		return this.http.empty({
			method: 'DELETE',
			path: '/vapi/tasks/task',
			query: { task_id: checkTaskId(taskId) },
			timeoutMs: CANCEL_TIMEOUT_MS,
			mustFinish: true,
			ignoresDeadline: true,
		});
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
	async waitForTask(taskId: number, options: WaitOptions & { limitMs?: number }): Promise<TaskDetails> {
		return (await waitFor(visionatrixJobs(this), String(checkTaskId(taskId)), {
			env: this.http.env,
			timeoutMs: options.timeoutMs,
			limitMs: options.limitMs,
			signal: options.signal,
			onProgress: options.onProgress as (progress: WaitProgress, task: TaskShort) => void,
			plan: options.plan,
			cancelOnStop: options.deleteOnStop !== false,
		})) as TaskDetails;
	}

	/**
	 * The main job: submit, wait for every task the submission created, download every file, all
	 * within `timeoutMs` (requests and retries included). If one task fails or the wait stops, the
	 * run's other unfinished tasks are deleted too, so nothing is left running that nobody will
	 * collect, and the error names the tasks that had finished and any that could not be deleted.
	 */
	async runFlow(flow: Flow, input: TaskInput, options: RunOptions): Promise<FinishedTask[]> {
		options.signal?.throwIfAborted();
		// A client that is already bounded (the caller looked the flow up within the same limit) keeps its end.
		const bounded = this.http.deadline ? this : this.withDeadline(options.timeoutMs);
		const deadline = bounded.http.deadline ?? { at: this.http.env.now() + options.timeoutMs, limitMs: options.timeoutMs };
		// Not abortable once sent: aborting could leave a task that was created but whose id we never
		// learn. If the signal fires meanwhile, the wait below sees it and deletes the tasks.
		const submittedAt = this.http.env.now();
		const created = await bounded.createTask(flow, input);
		options.onSubmitted?.(created);
		return (await waitForAll(visionatrixJobs(bounded), created.tasks_ids.map(String), {
			env: this.http.env,
			submittedAt,
			endsAt: deadline.at,
			limitMs: deadline.limitMs,
			signal: options.signal,
			onProgress: options.onProgress as (progress: WaitProgress, task: TaskShort) => void,
			onJobFinished: options.onTaskFinished as (finished: FinishedJob<TaskShort>) => void,
			plan: options.plan,
			cancelOnStop: options.deleteOnStop !== false,
		})) as FinishedTask[];
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
			throw new JobFailedError(jobLabel(VISIONATRIX_JOB_WORDS, String(failed.task_id)), String(failed.task_id), failed.error);
		}
		if (!tasks.every((task) => taskStatus(task).phase === 'succeeded')) return { state: 'running' };
		const jobs = visionatrixJobs(this);
		const finished: FinishedTask[] = [];
		for (const task of tasks) finished.push({ job: task, files: jobs.results(task, signal) });
		return { state: 'succeeded', finished };
	}

	/** Deletes tasks nobody will collect (a stopped or timed-out run); returns those that could not be deleted. */
	async deleteQuietly(taskIds: number[]): Promise<number[]> {
		return (await cancelQuietly(visionatrixJobs(this), taskIds.map(String), this.http.env)).map(Number);
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
