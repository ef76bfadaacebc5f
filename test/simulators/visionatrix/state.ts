// Tasks and the simulated worker: queue, progress clock, results, webhooks.
import type { ClientRequest, IncomingMessage } from 'node:http';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

import { PyFloat, isoNaive, nowMicros, pyJson } from '../shared/fastapi.ts';
import {
	CLASS_TYPE_BY_OUTPUT_TYPE,
	DEFAULT_EXTENSION_BY_TYPE,
	isServedForType,
	makeFileBytes,
	resultSeed,
	sha256Hex,
} from './files.ts';
import { makeResultPicture } from './resultPicture.ts';
import type { OutputSpec, ProgressWrite, SimTask, SimTaskState, WebhookPost } from './types.ts';
import { TimerSet } from '../shared/timers.ts';

/** `worker_id` of the simulated local worker: `${user}:${hostname}:[${device}]:${index}`. */
export const SIM_WORKER_ID = 'admin:visionatrix-sim:[cuda:0 NVIDIA GeForce RTX 4090 : cudaMallocAsync]:0';

export interface FlowInputParam {
	name: string;
	display_name?: string;
	type: string;
	optional?: boolean;
	default?: unknown;
	options?: Record<string, unknown>;
	comfy_node_id?: Record<string, unknown[]>;
}

export interface SimFlow {
	name: string;
	inputParams: FlowInputParam[];
	isSeedSupported: boolean;
	isSurpriseMeSupported: boolean;
	hidden: boolean;
}

export interface StoredFile {
	name: string;
	bytes: Buffer;
	mtimeMs: number;
}

export interface TaskOutput {
	comfy_node_id: number;
	type: string;
	file_size: number;
	batch_size: number;
}

export interface InternalTask {
	id: number;
	flow: string;
	userId: string;
	/** As stored: ((group_scope - 1) << 4) + priority. */
	priorityStored: number;
	groupScope: number;
	progress: number;
	error: string;
	inputParams: Record<string, string | number>;
	outputs: TaskOutput[];
	outputSpecs: OutputSpec[];
	inputFiles: StoredFile[];
	lockedAt: number | null;
	lockedAtIso: string | null;
	workerId: string | null;
	executionTime: number;
	parentTaskId: number | null;
	parentTaskNodeId: number | null;
	extraFlags: Record<string, unknown>;
	hidden: boolean;
	createdAtIso: string;
	updatedAtIso: string | null;
	finishedAtIso: string | null;
	flowComfy: Record<string, unknown>;
	webhookUrl: string | null;
	webhookHeaders: unknown;
	executionDetails: Record<string, unknown> | null;
	customWorker: string | null;
	// simulator bookkeeping
	createdAt: number;
	startedAt?: number;
	finishedAt?: number;
	startPerf: number;
	progressWrites: ProgressWrite[];
	webhookPosts: WebhookPost[];
	restarts: number;
	/** Files the "ComfyUI" run wrote to output/visionatrix, sorted by name. */
	resultFiles: StoredFile[];
	/** Bumped on every (re)start, restart and delete: stale timers check it. */
	run: number;
	timer?: NodeJS.Timeout;
	eligibleAt: number;
	webhookChain: Promise<void>;
}

export interface EngineConfig {
	duration(flow: string, inputs: Record<string, unknown>): number;
	failWhen(flow: string, inputs: Record<string, unknown>): string | undefined;
	queueDelayMs: (flow: string, inputs: Record<string, unknown>) => number;
	progressSteps: number;
	serial: boolean;
}

interface Waiter {
	id: number;
	check(): boolean;
	timer: NodeJS.Timeout;
	reject(error: Error): void;
}

const STEP_PATTERN = [1, 0.6, 1.4, 0.8, 1.2, 0.5, 1.5];
const ENGINE_DETAILS = {
	disable_smart_memory: false,
	vram_state: 'NORMAL_VRAM',
	cache_type: 'classic',
	cache_size: 1,
	vae_cpu: false,
};

export function taskState(task: Pick<InternalTask, 'progress' | 'error' | 'lockedAt'>): SimTaskState {
	if (task.error) return 'failed';
	if (task.progress === 100) return 'finished';
	if (task.progress > 0 || task.lockedAt !== null) return 'running';
	return 'queued';
}

export class Engine {
	readonly tasks = new Map<number, InternalTask>();
	/** Deleted tasks, kept so a test can still compare the bytes they served. */
	readonly deletedTasks = new Map<number, InternalTask>();
	readonly webhookPosts: WebhookPost[] = [];
	/** When the "server process" started: every task's `created_at` (the server's column default is evaluated once). */
	readonly processStartIso = isoNaive(nowMicros());
	private nextId = 1;
	private readonly createdIds = new Set<number>();
	private readonly timers = new TimerSet();
	private readonly waiters = new Set<Waiter>();
	private readonly webhookRequests = new Set<ClientRequest>();
	private activeSerial: number | null = null;
	private lastFlowName = '';
	private pumpTimer?: NodeJS.Timeout;
	private closed = false;

	constructor(private readonly config: EngineConfig) {}

	/** A new id from the task sequence; consumed even when creation then fails, like the server's TaskQueue row. */
	allocateId(): number {
		return this.nextId++;
	}

	createdCount(): number {
		return this.createdIds.size;
	}

	/** Puts a prepared task in the queue. */
	enqueue(task: InternalTask): void {
		this.tasks.set(task.id, task);
		this.createdIds.add(task.id);
		this.notify(task.id);
		this.schedule(task);
	}

	/** The tasks this user sees (owner only), in id order. */
	visibleTo(userId: string): InternalTask[] {
		return [...this.tasks.values()].filter((task) => task.userId === userId).sort((a, b) => a.id - b.id);
	}

	children(task: InternalTask): InternalTask[] {
		return [...this.tasks.values()].filter((child) => child.parentTaskId === task.id).sort((a, b) => a.id - b.id);
	}

	/** The task and all its descendants' ids (`collect_child_task_ids`). */
	withDescendants(task: InternalTask): number[] {
		const ids = [task.id];
		for (const child of this.children(task)) ids.push(...this.withDescendants(child));
		return ids;
	}

	// -------------------------------------------------------------------------------------------
	// Scheduling

	private setTimer(fn: () => void, ms: number): NodeJS.Timeout {
		return this.timers.after(ms, fn);
	}

	private clearTimer(timer: NodeJS.Timeout | undefined): void {
		this.timers.cancel(timer);
	}

	private setTaskTimer(task: InternalTask, ms: number, fn: () => void): void {
		this.clearTimer(task.timer);
		task.timer = this.setTimer(() => {
			task.timer = undefined;
			fn();
		}, ms);
	}

	/** Whether the local worker would take it: unlocked, no error, not done, not pinned to another worker. */
	private isWaiting(task: InternalTask): boolean {
		return (
			task.error === '' &&
			task.progress !== 100 &&
			task.lockedAt === null &&
			(task.customWorker === null || task.customWorker === SIM_WORKER_ID)
		);
	}

	private schedule(task: InternalTask): void {
		const queueDelayMs = Math.max(0, this.config.queueDelayMs(task.flow, { ...task.inputParams }));
		task.eligibleAt = Date.now() + queueDelayMs;
		if (this.config.serial) {
			this.pump();
			return;
		}
		if (!this.isWaiting(task)) return;
		const run = task.run;
		this.setTaskTimer(task, queueDelayMs, () => {
			if (task.run === run && this.tasks.get(task.id) === task && this.isWaiting(task)) this.start(task);
		});
	}

	/** Serial mode: the one worker takes the highest stored priority, preferring the flow it ran last. */
	private pump(): void {
		if (!this.config.serial || this.closed) return;
		if (this.activeSerial !== null) {
			const active = this.tasks.get(this.activeSerial);
			if (active && active.lockedAt !== null) return;
			this.activeSerial = null;
		}
		const waiting = [...this.tasks.values()].filter((task) => this.isWaiting(task));
		if (!waiting.length) return;
		const now = Date.now();
		const ready = waiting.filter((task) => task.eligibleAt <= now);
		if (!ready.length) {
			this.clearTimer(this.pumpTimer);
			const next = Math.min(...waiting.map((task) => task.eligibleAt));
			this.pumpTimer = this.setTimer(() => {
				this.pumpTimer = undefined;
				this.pump();
			}, next - now);
			return;
		}
		ready.sort(
			(a, b) =>
				b.priorityStored - a.priorityStored ||
				Number(b.flow === this.lastFlowName) - Number(a.flow === this.lastFlowName) ||
				a.id - b.id,
		);
		const next = ready[0];
		this.activeSerial = next.id;
		this.lastFlowName = next.flow;
		this.start(next);
	}

	// -------------------------------------------------------------------------------------------
	// Running

	private start(task: InternalTask): void {
		const run = ++task.run;
		task.lockedAt = Date.now();
		task.lockedAtIso = isoNaive(nowMicros());
		task.startedAt = Date.now();
		task.startPerf = performance.now();
		const inputs = { ...task.inputParams };
		const duration = Math.max(1, this.config.duration(task.flow, inputs));
		const failure = this.config.failWhen(task.flow, inputs);
		const steps = Math.max(1, Math.floor(this.config.progressSteps));
		const unit = 99 / (steps + 3.4);
		const values: number[] = [];
		let progress = 0;
		for (let k = 0; k < steps; k++) {
			progress = Math.min(progress + unit * STEP_PATTERN[(k + task.id) % STEP_PATTERN.length], 99.0);
			values.push(progress);
		}
		let failAt = -1;
		if (failure !== undefined) {
			failAt = values.findIndex((value) => value >= 30);
			if (failAt < 0) failAt = values.length - 1;
		}
		const interval = duration / (steps + 1);
		const step = (k: number): void => {
			if (task.run !== run || this.tasks.get(task.id) !== task) return;
			if (k === failAt) {
				this.write(task, values[k], failure ?? 'Unknown error');
				this.unlock(task);
				return;
			}
			if (k < values.length) {
				this.write(task, values[k], '');
				this.setTaskTimer(task, interval, () => step(k + 1));
				return;
			}
			this.finish(task);
		};
		this.setTaskTimer(task, interval, () => step(0));
		this.notify(task.id);
	}

	private elapsedSeconds(task: InternalTask): number {
		return (performance.now() - task.startPerf) / 1000;
	}

	/** One progress write (`update_task_progress_database`) and its webhook. */
	private write(task: InternalTask, progress: number, error: string): void {
		task.progress = progress;
		task.error = error;
		task.executionTime = this.elapsedSeconds(task);
		task.updatedAtIso = isoNaive(nowMicros());
		task.workerId = SIM_WORKER_ID;
		if (progress === 100) {
			task.finishedAtIso = task.updatedAtIso;
			task.finishedAt = Date.now();
		}
		task.progressWrites.push({ progress, error, executionTime: task.executionTime, at: Date.now() });
		this.queueWebhook(task);
		this.notify(task.id);
	}

	/** The worker releases its lock (`remove_task_lock` in the update thread's `finally`). */
	private unlock(task: InternalTask): void {
		task.lockedAt = null;
		task.lockedAtIso = null;
		if (this.activeSerial === task.id) this.activeSerial = null;
		this.notify(task.id);
		this.pump();
	}

	private finish(task: InternalTask): void {
		// Outputs are recorded first, progress=100 is written afterwards.
		task.resultFiles = this.makeResults(task);
		for (const output of task.outputs) {
			const prefix = `${task.id}_${output.comfy_node_id}_`;
			const files = task.resultFiles.filter((file) => file.name.startsWith(prefix));
			output.file_size = files.reduce((sum, file) => sum + file.bytes.length, 0);
			output.batch_size = files.length;
		}
		const profiling = task.extraFlags.profiler_execution === true;
		const elapsed = this.elapsedSeconds(task);
		task.executionDetails = {
			...ENGINE_DETAILS,
			reserve_vram: new PyFloat(0.6),
			nodes_profiling: profiling
				? Object.entries(task.flowComfy).map(([nodeId, node], index, all) => ({
						execution_time: new PyFloat((elapsed / all.length) * (0.5 + ((index * 7) % 10) / 10)),
						gpu_memory_usage: new PyFloat(index * 12.5),
						class_type: String((node as { class_type?: unknown }).class_type ?? ''),
						title: String((node as { _meta?: { title?: unknown } })._meta?.title ?? ''),
						node_id: nodeId,
					}))
				: null,
			max_memory_usage: profiling ? new PyFloat(6144.25) : null,
			nodes_execution_time: profiling ? new PyFloat(elapsed * 0.97) : null,
		};
		this.write(task, 100.0, '');
		this.unlock(task);
	}

	/** What SaveImage & co. write for this run (`{task}_{node}_{counter:05}_.{ext}`), sorted like `get_task_files`. */
	private makeResults(task: InternalTask): StoredFile[] {
		const files: StoredFile[] = [];
		const inputDigest = task.inputFiles.length ? sha256Hex(Buffer.concat(task.inputFiles.map((file) => file.bytes))) : '';
		const requestedBatch = Number(task.inputParams.batch_size);
		const now = Date.now();
		for (const spec of task.outputSpecs) {
			const extension = spec.extension ?? DEFAULT_EXTENSION_BY_TYPE[spec.type] ?? 'bin';
			const batch = Math.max(
				1,
				Math.floor(spec.batchSize ?? (Number.isInteger(requestedBatch) && requestedBatch >= 1 ? requestedBatch : 1)),
			);
			const classType = CLASS_TYPE_BY_OUTPUT_TYPE[spec.type];
			for (let index = 0; index < batch; index++) {
				const counter = String(index + 1).padStart(5, '0');
				const comment =
					`visionatrix-simulator flow=${task.flow} task=${task.id} node=${spec.nodeId} batch=${index}` +
					(inputDigest ? ` input-sha256=${inputDigest}` : '');
				// A PNG result is a picture of what was asked; other types are plausible filler.
				const picture = { flow: task.flow, taskId: task.id, nodeId: spec.nodeId, batchIndex: index, batchSize: batch };
				const bytes =
					extension === 'png'
						? makeResultPicture({ ...picture, inputs: task.inputParams, inputFiles: task.inputFiles, inputDigest }, comment)
						: makeFileBytes(extension, resultSeed(task.id, spec.nodeId, index, inputDigest), comment);
				let name = `${task.id}_${spec.nodeId}_${counter}_.${extension}`;
				if (classType === 'SaveText|pysssss' && batch === 1) name = `${task.id}_${spec.nodeId}_.${extension}`;
				if (classType === 'VHS_VideoCombine' && extension === 'mp4') {
					// VideoHelperSuite: no trailing "_", plus a first-frame PNG that /results filters out.
					name = `${task.id}_${spec.nodeId}_${counter}.${extension}`;
					const preview = makeFileBytes('png', resultSeed(task.id, spec.nodeId, index + 1000, inputDigest), comment);
					files.push({ name: `${task.id}_${spec.nodeId}_${counter}.png`, bytes: preview, mtimeMs: now });
				}
				files.push({ name, bytes, mtimeMs: now });
			}
		}
		return files.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
	}

	/** `get_files_for_node`: the files `GET /results` serves for a node, `batch_index` indexes this list. */
	servedFiles(task: InternalTask, output: TaskOutput): StoredFile[] {
		const prefix = `${task.id}_${output.comfy_node_id}_`;
		return task.resultFiles.filter((file) => file.name.startsWith(prefix) && isServedForType(file.name, output.type));
	}

	// -------------------------------------------------------------------------------------------
	// Client actions

	/** `POST /restart`: progress 0, error "", execution_time 0, worker_id null, lock removed; queued again. */
	restart(task: InternalTask): void {
		this.clearTimer(task.timer);
		task.run++;
		task.progress = 0;
		task.error = '';
		task.executionTime = 0;
		task.updatedAtIso = isoNaive(nowMicros());
		task.workerId = null;
		task.lockedAt = null;
		task.lockedAtIso = null;
		task.restarts++;
		if (this.activeSerial === task.id) this.activeSerial = null;
		this.notify(task.id);
		this.schedule(task);
		this.pump();
	}

	/** Removes rows and files; a running task's worker stops at its next write, no webhook follows. */
	remove(ids: number[]): void {
		for (const id of ids) {
			const task = this.tasks.get(id);
			if (!task) continue;
			this.clearTimer(task.timer);
			task.run++;
			this.tasks.delete(id);
			this.deletedTasks.set(id, task);
			if (this.activeSerial === id) this.activeSerial = null;
			this.notify(id);
		}
		this.pump();
	}

	/** `PUT /update`: new stored priority; the serial worker sees it at its next pick. */
	setPriority(task: InternalTask, priorityStored: number): void {
		task.priorityStored = priorityStored;
		this.notify(task.id);
	}

	// -------------------------------------------------------------------------------------------
	// Webhooks

	private queueWebhook(task: InternalTask): void {
		if (!task.webhookUrl) return;
		const body = {
			task_id: task.id,
			progress: new PyFloat(task.progress),
			execution_time: new PyFloat(task.executionTime),
			error: task.error,
		};
		task.webhookChain = task.webhookChain.then(() => this.postWebhook(task, body));
	}

	/** `webhooks.webhook_task_progress`: httpx POST to `{url}/task-progress`, 3 s timeout, errors swallowed. */
	private postWebhook(task: InternalTask, body: Record<string, unknown>): Promise<void> {
		if (this.closed || this.tasks.get(task.id) !== task || !task.webhookUrl) return Promise.resolve();
		const post: WebhookPost = { taskId: task.id, url: '', headers: {}, body: JSON.parse(pyJson(body)), at: Date.now() };
		this.webhookPosts.push(post);
		task.webhookPosts.push(post);
		let target: URL;
		try {
			target = new URL(task.webhookUrl);
			if (target.protocol !== 'http:' && target.protocol !== 'https:') throw new Error(`Request URL has an unsupported protocol '${target.protocol}//'.`);
		} catch (error) {
			post.url = task.webhookUrl;
			post.error = error instanceof Error ? error.message : String(error);
			return Promise.resolve();
		}
		// httpx base_url: a trailing "/" is forced onto the raw path (query included), then "task-progress" appended.
		let rawPath = target.pathname + target.search;
		if (!rawPath.endsWith('/')) rawPath += '/';
		const path = `${rawPath}task-progress`;
		post.url = `${target.protocol}//${target.host}${path}`;
		const payload = Buffer.from(pyJson(body), 'utf8');
		const headers: Record<string, string> = {
			host: target.host,
			accept: '*/*',
			'accept-encoding': 'gzip, deflate',
			connection: 'keep-alive',
			'user-agent': 'python-httpx/0.28.1',
			'content-length': String(payload.length),
			'content-type': 'application/json',
		};
		let socketPath: string | undefined;
		const custom = task.webhookHeaders;
		if (custom && typeof custom === 'object' && !Array.isArray(custom)) {
			for (const [key, value] of Object.entries(custom as Record<string, unknown>)) {
				if (key === 'x-transport-uds') {
					socketPath = String(value);
					continue;
				}
				headers[key.toLowerCase()] = String(value);
			}
		}
		post.headers = { ...headers };
		return new Promise<void>((resolve) => {
			let settled = false;
			const done = (): void => {
				if (settled) return;
				settled = true;
				this.webhookRequests.delete(request);
				resolve();
			};
			const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
			const request = send(
				{
					method: 'POST',
					host: target.hostname.replace(/^\[|\]$/g, ''),
					port: target.port || undefined,
					path,
					headers,
					socketPath,
					agent: false,
					timeout: 3000,
				},
				(response: IncomingMessage) => {
					post.status = response.statusCode;
					response.resume();
					response.on('end', () => {
						request.destroy();
						done();
					});
					response.on('error', done);
				},
			);
			this.webhookRequests.add(request);
			request.on('timeout', () => {
				post.error = 'ReadTimeout: timed out';
				request.destroy();
				done();
			});
			request.on('error', (error: Error) => {
				if (post.status === undefined && !post.error) post.error = error.message;
				done();
			});
			request.on('close', done);
			request.end(payload);
		});
	}

	// -------------------------------------------------------------------------------------------
	// Observation

	snapshot(task: InternalTask): SimTask {
		return {
			id: task.id,
			flow: task.flow,
			userId: task.userId,
			state: taskState(task),
			progress: task.progress,
			error: task.error,
			inputs: { ...task.inputParams },
			priority: task.priorityStored & 15,
			groupScope: task.groupScope,
			parentTaskId: task.parentTaskId,
			parentTaskNodeId: task.parentTaskNodeId,
			lockedAt: task.lockedAt,
			workerId: task.workerId,
			executionTime: task.executionTime,
			createdAt: task.createdAt,
			startedAt: task.startedAt,
			finishedAt: task.finishedAt,
			outputs: task.outputs.map((output) => ({ ...output })),
			inputFiles: task.inputFiles.map((file) => ({ file_name: file.name, file_size: file.bytes.length })),
			progressWrites: task.progressWrites.map((write) => ({ ...write })),
			webhookUrl: task.webhookUrl,
			webhookHeaders: task.webhookHeaders === null ? null : JSON.parse(JSON.stringify(task.webhookHeaders)),
			webhookPosts: task.webhookPosts.map((post) => ({ ...post, headers: { ...post.headers } })),
			customWorker: task.customWorker,
			hidden: task.hidden,
			restarts: task.restarts,
		};
	}

	private notify(id: number): void {
		for (const waiter of [...this.waiters]) {
			if (waiter.id !== id) continue;
			if (waiter.check()) {
				this.waiters.delete(waiter);
				this.clearTimer(waiter.timer);
			}
		}
	}

	waitFor(id: number, predicate: (task: SimTask) => boolean, timeoutMs = 10_000): Promise<SimTask> {
		return new Promise<SimTask>((resolve, reject) => {
			if (this.closed) {
				reject(new Error('The Visionatrix simulator is closed.'));
				return;
			}
			const check = (): boolean => {
				const task = this.tasks.get(id);
				if (task) {
					const snapshot = this.snapshot(task);
					if (!predicate(snapshot)) return false;
					resolve(snapshot);
					return true;
				}
				if (this.createdIds.has(id)) {
					reject(new Error(`waitFor(${id}): the task was deleted.`));
					return true;
				}
				return false;
			};
			if (check()) return;
			const waiter: Waiter = {
				id,
				check,
				reject,
				timer: this.setTimer(() => {
					this.waiters.delete(waiter);
					const task = this.tasks.get(id);
					const last = task
						? `state=${taskState(task)} progress=${task.progress} error=${JSON.stringify(task.error)}`
						: 'no such task';
					reject(new Error(`waitFor(${id}) timed out after ${timeoutMs} ms (${last}).`));
				}, timeoutMs),
			};
			this.waiters.add(waiter);
		});
	}

	close(): void {
		this.closed = true;
		this.timers.stop();
		for (const request of this.webhookRequests) request.destroy();
		this.webhookRequests.clear();
		for (const waiter of this.waiters) waiter.reject(new Error('The Visionatrix simulator was closed.'));
		this.waiters.clear();
	}
}
