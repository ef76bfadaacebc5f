// The ComfyUI behind the wrapper: one queue of prompts run one at a time, node by node in the
// workflow's order, the SaveImage node writing `<prefix>_00001_.png`, a failure at a chosen node.
// It tells the wrapper what a ComfyUI socket would (executing, execution_error, queue empty); what
// the wrapper makes of that is bridge.ts's business. It keeps running across a wrapper restart.
import { randomUUID } from 'node:crypto';

import type { TimerSet } from '../shared/timers.ts';
import type { ComfyFiles } from './comfyFiles.ts';
import type { ApiWorkflow, PromptOutcome, PromptRequest, PromptState } from './types.ts';
import { KSAMPLER_NODE } from './workflow.ts';

export interface ComfyPrompt extends PromptRequest {
	clientId: string;
	workflow: ApiWorkflow;
	order: string[];
	outcome: PromptOutcome;
	state: PromptState;
	output: { filename: string; subfolder: string } | null;
	error: string | null;
	queuedAt: number;
	startedAt: number | null;
	finishedAt: number | null;
}

export interface ComfyEvents {
	/** `executing {node}`; node null once the prompt is over (after its history entry is written). */
	executing(prompt: ComfyPrompt, node: string | null): void;
	/** `execution_error` at a node. */
	error(prompt: ComfyPrompt, node: string, message: string): void;
	/** The prompt left the queue, completed or failed. */
	finished(prompt: ComfyPrompt): void;
	/** The `status` broadcast with `queue_remaining: 0`. */
	queueEmpty(): void;
}

export interface ComfyConfig {
	timers: TimerSet;
	files: ComfyFiles;
	events: ComfyEvents;
	nodeMs(node: { id: string; type: string }, prompt: { texts: Record<string, string> }): number;
	/** How a prompt will end, decided as it is queued. */
	outcome(prompt: PromptRequest): PromptOutcome;
	startDelayMs: number;
	/** ComfyUI still sends `executing {node: null}` after an error. */
	executingNullAfterError: boolean;
	/** The picture a SaveImage node writes for a prompt. */
	render(prompt: ComfyPrompt): Buffer;
}

/** ComfyUI's `POST /prompt` refused the workflow (400): the wrapper throws `Failed to queue prompt: Bad Request`. */
export class PromptRejected extends Error {}

export interface NewPrompt extends Omit<PromptRequest, 'promptId'> {
	clientId: string;
	workflow: ApiWorkflow;
	order: string[];
}

/** ComfyUI's validation, as far as a wrapper's inputs can upset it: every input a scalar or a link to an existing node. */
function validate(workflow: ApiWorkflow): void {
	for (const [id, node] of Object.entries(workflow)) {
		for (const [name, value] of Object.entries(node.inputs ?? {})) {
			if (value === null || value === undefined) throw new PromptRejected(`Required input is missing: ${id}.${name}`);
			if (Array.isArray(value)) {
				if (value.length !== 2 || typeof value[0] !== 'string' || typeof value[1] !== 'number') throw new PromptRejected(`Bad linked input: ${id}.${name}`);
				continue;
			}
			if (typeof value === 'object') throw new PromptRejected(`Invalid input value: ${id}.${name}`);
		}
	}
}

export class Comfy {
	readonly prompts = new Map<string, ComfyPrompt>();
	private readonly queue: ComfyPrompt[] = [];
	private running: ComfyPrompt | undefined;
	private starting = false;
	private readonly counters = new Map<string, number>();

	constructor(private readonly config: ComfyConfig) {}

	/** `POST /upload/image` with overwrite=true. */
	upload(name: string, bytes: Buffer): { name: string; subfolder: string } {
		this.config.files.put('input', '', name, bytes);
		return { name, subfolder: '' };
	}

	/**
	 * `POST /prompt`: queues it (throws PromptRejected for an invalid workflow). `accepted` runs
	 * before anything can start, as the wrapper has its prompt id before any event arrives.
	 */
	queuePrompt(input: NewPrompt, accepted: (prompt: ComfyPrompt) => void): ComfyPrompt {
		validate(input.workflow);
		const promptId = randomUUID();
		const prompt: ComfyPrompt = {
			...input,
			promptId,
			outcome: this.config.outcome({ promptId, sessionId: input.sessionId, route: input.route, userInputs: input.userInputs, texts: input.texts, seed: input.seed }),
			state: 'queued',
			output: null,
			error: null,
			queuedAt: Date.now(),
			startedAt: null,
			finishedAt: null,
		};
		this.prompts.set(prompt.promptId, prompt);
		this.queue.push(prompt);
		accepted(prompt);
		this.schedule();
		return prompt;
	}

	private schedule(): void {
		if (this.running || this.starting || !this.queue.length) return;
		if (this.config.startDelayMs <= 0) {
			this.start();
			return;
		}
		this.starting = true;
		this.config.timers.after(this.config.startDelayMs, () => {
			this.starting = false;
			this.start();
		});
	}

	private start(): void {
		const prompt = this.queue.shift();
		if (!prompt) return;
		this.running = prompt;
		prompt.state = 'running';
		prompt.startedAt = Date.now();
		this.runNode(prompt, 0);
	}

	private runNode(prompt: ComfyPrompt, index: number): void {
		const id = prompt.order[index];
		const type = prompt.workflow[id]?.class_type ?? 'Unknown';
		this.config.events.executing(prompt, id);
		this.config.timers.after(this.config.nodeMs({ id, type }, prompt), () => {
			const outcome = prompt.outcome;
			if (outcome && id === this.failingNode(prompt, outcome.atNode)) {
				prompt.state = 'failed';
				prompt.error = outcome.error;
				this.config.events.error(prompt, id, outcome.error);
				if (this.config.executingNullAfterError) this.config.events.executing(prompt, null);
				this.finish(prompt);
				return;
			}
			if (type === 'SaveImage') this.save(prompt, id);
			if (index + 1 < prompt.order.length) {
				this.runNode(prompt, index + 1);
				return;
			}
			prompt.state = 'completed';
			this.config.events.executing(prompt, null);
			this.finish(prompt);
		});
	}

	private failingNode(prompt: ComfyPrompt, atNode: string | undefined): string {
		const wanted = atNode ?? KSAMPLER_NODE;
		return prompt.order.includes(wanted) ? wanted : prompt.order[0];
	}

	/** SaveImage: `<prefix>_<counter, 5 digits>_.png`, a `/` in the prefix making a subfolder. */
	private save(prompt: ComfyPrompt, id: string): void {
		const raw = prompt.workflow[id].inputs.filename_prefix;
		const prefix = typeof raw === 'string' && raw.trim() ? raw.trim() : 'ComfyUI';
		const slash = prefix.lastIndexOf('/');
		const subfolder = slash >= 0 ? prefix.slice(0, slash) : '';
		const base = prefix.slice(slash + 1);
		const count = (this.counters.get(prefix) ?? 0) + 1;
		this.counters.set(prefix, count);
		const filename = `${base}_${String(count).padStart(5, '0')}_.png`;
		prompt.output = { filename, subfolder };
		this.config.files.put('output', subfolder, filename, () => this.config.render(prompt));
	}

	private finish(prompt: ComfyPrompt): void {
		prompt.finishedAt = Date.now();
		this.running = undefined;
		this.config.events.finished(prompt);
		if (this.queue.length) this.schedule();
		else this.config.events.queueEmpty();
	}

	/** Prompts queued or running. */
	remaining(): number {
		return this.queue.length + (this.running ? 1 : 0);
	}

	count(): number {
		return this.prompts.size;
	}
}
