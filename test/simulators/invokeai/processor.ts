// The session processor with one GPU (session_processor_default.py): takes the next pending item
// (priority, then age), marks it in_progress, runs its prepared nodes one at a time with
// invocation_started → progress → invocation_complete, or invocation_error and `failed` when a
// run-time check or the chosen outcome fails a node, stops quietly when the item is canceled,
// stores the session (results, mappings) and marks it completed, then takes the next.
import type { TimerSet } from '../shared/timers.ts';
import type { EventHub } from './events.ts';
import type { MediaStore } from './images.ts';
import type { NodeFailure, RunEnvironment } from './outputs.ts';
import { runtimeFailure, simulateOutput } from './outputs.ts';
import type { QueueItemRecord, SessionQueue } from './queue.ts';
import type { SchemaIndex } from './schema.ts';
import type { PreparedNode } from './session.ts';
import { SessionRun } from './session.ts';
import type { SimFailure, SimItemInfo, SimModel, SimOutcome } from './types.ts';
import type { VersionFeatures } from './version.ts';

export const DEFAULT_FAILURE_TYPE = 'OutOfMemoryError';
export const DEFAULT_FAILURE_TEXT = 'CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total capacity of 23.64 GiB of which 1.12 GiB is free.';

/** A Python traceback as the processor records it. */
export function traceback(type: string, message: string): string {
	return [
		'Traceback (most recent call last):',
		'  File "/opt/invokeai/invokeai/app/services/session_processor/session_processor_default.py", line 130, in run_node',
		'    output = invocation.invoke_internal(context=context, services=self._services)',
		'  File "/opt/invokeai/invokeai/app/invocations/baseinvocation.py", line 241, in invoke_internal',
		'    return self.invoke(context)',
		`${type}: ${message}`,
		'',
	].join('\n');
}

export interface ProcessorConfig {
	queue: SessionQueue;
	media: MediaStore;
	events: EventHub;
	timers: TimerSet;
	features(): VersionFeatures;
	index(): SchemaIndex;
	models: SimModel[];
	nodeMs(node: { id: string; type: string; sourceId: string }, item: SimItemInfo): number;
	startDelayMs: number;
	progressSteps: number;
	outcome(item: SimItemInfo): SimOutcome;
}

function textsOf(nodes: Record<string, Record<string, unknown>>): string[] {
	return Object.values(nodes).flatMap((node) => Object.entries(node).filter(([key, value]) => typeof value === 'string' && key !== 'id' && key !== 'type').map(([, value]) => value as string));
}

/** What a node says while it runs (the `signal_progress` texts of InvokeAI's nodes); none for most. */
function progressKind(type: string, outputType: string): { message: string; steps: boolean } | undefined {
	if (type.includes('denoise')) return { message: 'Denoising', steps: true };
	if (outputType === 'image_output' || outputType === 'video_output') return type === 'image' ? undefined : { message: type.startsWith('flux') ? 'Running VAE' : 'Running VAE decoder', steps: false };
	if (type === 'flux_text_encoder') return { message: 'Running T5 encoder', steps: false };
	if (type.includes('compel') || type.includes('text_encoder')) return { message: 'Building conditioning', steps: false };
	return undefined;
}

/** A tiny preview (`ProgressImage.dataURL`). */
const PREVIEW = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGNgYGAAAAAEAAH2FzhVAAAAAElFTkSuQmCC';

export class Processor {
	paused = false;
	private running: QueueItemRecord | undefined;
	private scheduled = false;
	private readonly failures: SimFailure[] = [];

	constructor(private readonly config: ProcessorConfig) {}

	/** Starts the next item after the start delay, unless one runs, is scheduled, or the processor is paused. */
	kick(): void {
		if (this.running || this.scheduled || this.paused || !this.config.queue.next()) return;
		this.scheduled = true;
		this.config.timers.after(this.config.startDelayMs, () => {
			this.scheduled = false;
			void this.runNext();
		});
	}

	failNext(failure: SimFailure, count: number): void {
		for (let at = 0; at < count; at++) this.failures.push(failure);
	}

	status(): { is_started: boolean; is_processing: boolean } {
		return { is_started: !this.paused, is_processing: this.running !== undefined };
	}

	private sleep(ms: number): Promise<void> {
		return new Promise((resolve) => this.config.timers.after(ms, resolve));
	}

	private async runNext(): Promise<void> {
		const { queue, events } = this.config;
		const item = this.paused ? undefined : queue.next();
		if (!item || this.running) return;
		this.running = item;
		queue.setStatus(item, 'in_progress');
		const features = this.config.features();
		const index = this.config.index();
		const graph = item.session.graph as SessionRun['graph'];
		const run = new SessionRun(item.sessionId, graph, index.nodes);
		const info: SimItemInfo = { itemId: item.itemId, batchId: item.batchId, userId: item.userId, nodes: structuredClone(graph.nodes), texts: textsOf(graph.nodes) };
		const planned = this.failures.shift() ?? this.config.outcome(info);
		const failAt = planned && this.failurePoint(graph, planned);
		const env: RunEnvironment = {
			index,
			media: this.config.media,
			models: this.config.models,
			userId: item.userId,
			sessionId: item.sessionId,
			itemId: item.itemId,
			hasWorkflow: item.workflow !== null,
			sizes: new Map(),
			promptFor: (prepared) => this.promptFor(run, prepared),
			random: Math.random,
		};
		const live = (): boolean => item.status === 'in_progress';
		for (let prepared = run.next(); prepared && live(); prepared = run.next()) {
			const template = index.nodes.get(prepared.node.type)!;
			const ms = Math.max(0, this.config.nodeMs({ id: prepared.id, type: prepared.node.type, sourceId: prepared.sourceId }, info));
			events.invocation('invocation_started', item, prepared);
			let failure: NodeFailure | undefined = runtimeFailure(prepared, template, env);
			const kind = failure ? undefined : progressKind(prepared.node.type, template.outputType);
			const steps = kind?.steps ? Math.max(1, this.config.progressSteps) : kind ? 1 : 0;
			for (let step = 1; step <= steps && live(); step++) {
				await this.sleep(ms / (steps + 1));
				if (!live()) break;
				events.invocation('invocation_progress', item, prepared, {
					message: kind!.message,
					percentage: kind!.steps ? step / steps : null,
					image: kind!.steps ? { width: 128, height: 128, dataURL: PREVIEW } : null,
					...(features.v614 ? { device: null } : {}),
				});
				if (failAt === prepared.sourceId) break;
			}
			if (!live()) break;
			let tracebackText = failure && traceback(failure.type, failure.message);
			if (!failure && planned && failAt === prepared.sourceId) {
				failure = { type: planned.errorType ?? DEFAULT_FAILURE_TYPE, message: planned.errorMessage ?? DEFAULT_FAILURE_TEXT };
				tracebackText = planned.errorTraceback ?? traceback(failure.type, failure.message);
			}
			if (failure) {
				run.fail(prepared, failure.message);
				events.invocation('invocation_error', item, prepared, { error_type: failure.type, error_message: failure.message, error_traceback: tracebackText });
				// The session is stored a moment after `failed` in InvokeAI; stored first here, so a client reading the item on that event sees the errors.
				queue.setSession(item, run.toJson(features));
				queue.setStatus(item, 'failed', { type: failure.type, message: failure.message, traceback: tracebackText! });
				break;
			}
			await this.sleep(ms / (steps + 1));
			if (!live()) break;
			const output = simulateOutput(prepared, template, env);
			run.complete(prepared, output);
			events.invocation('invocation_complete', item, prepared, { result: output });
		}
		if (item.status !== 'failed') queue.setSession(item, run.toJson(features));
		if (live()) queue.setStatus(item, 'completed');
		this.running = undefined;
		this.kick();
	}

	/** The source node where a planned failure strikes: as given (an id or a type), else the first denoise node, else the last node. */
	private failurePoint(graph: SessionRun['graph'], failure: SimFailure): string | undefined {
		const nodes = Object.values(graph.nodes);
		if (failure.atNode) return nodes.find((node) => node.id === failure.atNode)?.id ?? nodes.find((node) => node.type === failure.atNode)?.id;
		return (nodes.find((node) => node.type.includes('denoise')) ?? nodes[nodes.length - 1])?.id;
	}

	/** The first prompt among the nodes run so far in the same iteration. */
	private promptFor(run: SessionRun, prepared: PreparedNode): string {
		for (const other of run.prepared.values()) {
			const agrees = Object.keys(other.context).every((key) => !(key in prepared.context) || prepared.context[key] === other.context[key]);
			const prompt = other.node.prompt;
			if (agrees && typeof prompt === 'string' && prompt.trim()) return prompt;
		}
		return '';
	}
}
