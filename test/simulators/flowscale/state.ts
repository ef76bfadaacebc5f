// Runs and the simulated containers: each run is queued on the least busy ComfyUI container, runs
// when that container is free (and it has been queued long enough), then completes, fails, times
// out or is cancelled. Output names can show up part-way through the run, files after it.
import { randomBytes, randomUUID } from 'node:crypto';

import type { FormEncoding, FormPart } from '../shared/formBody.ts';
import { TimerSet } from '../shared/timers.ts';
import { contentTypeOf } from '../shared/contentTypes.ts';
import { Waiters } from '../shared/waiters.ts';
import type { OutputSpec, RunOutcome, RunRequest, RunState, SimRun, WorkflowSpec } from './types.ts';

export interface InternalOutput {
	spec: OutputSpec;
	name: string;
	fileName: string;
	contentType: string;
	named: boolean;
	ready: boolean;
}

export interface InternalRun {
	id: string;
	/** Creation order: breaks created_at ties. */
	seq: number;
	workflow: WorkflowSpec;
	groupId: string | null;
	state: RunState;
	error: string | null;
	container: number;
	promptId: string;
	encoding: FormEncoding | 'none';
	contentType: string | null;
	parts: FormPart[];
	request: RunRequest;
	outputs: InternalOutput[];
	createdAt: number;
	startedAt: number | null;
	finishedAt: number | null;
	/** It has spent its least queue time (set by a timer: comparing clocks could find it a millisecond short). */
	eligible: boolean;
	timers: Set<NodeJS.Timeout>;
}

export interface EngineConfig {
	containers: number;
	queueMs(run: RunRequest): number;
	runMs(run: RunRequest): number;
	outcome(run: RunRequest): RunOutcome;
	statusOf(state: RunState): string;
	/** Called once per output as its file becomes downloadable (the run is completed by then). */
	onOutputReady(run: InternalRun, output: InternalOutput): void;
}

export interface NewRun {
	workflow: WorkflowSpec;
	groupId: string | null;
	encoding: FormEncoding | 'none';
	contentType: string | null;
	parts: FormPart[];
}

const TERMINAL: ReadonlySet<RunState> = new Set(['completed', 'failed', 'timeout', 'cancelled']);

export function isTerminal(state: RunState): boolean {
	return TERMINAL.has(state);
}

/** Ten characters of [A-Z0-9], like the suffix of "filename_prefix_58358_5WWF7GQUYF". */
function nameSuffix(): string {
	const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
	return Array.from(randomBytes(10), (byte) => alphabet[byte % alphabet.length]).join('');
}

/** Text fields as a run request sees them: the last value of each name. */
function textsOf(parts: FormPart[]): Record<string, string> {
	const texts: Record<string, string> = {};
	for (const { name, value } of parts) if (typeof value === 'string') texts[name] = value;
	return texts;
}

export function containerName(index: number): string {
	return `container #${index + 1}`;
}

export class Engine {
	readonly runs = new Map<string, InternalRun>();
	private readonly running: (InternalRun | undefined)[];
	private readonly timers = new TimerSet();
	private readonly waiters = new Waiters<SimRun>('Flowscale simulator');
	private nextSeq = 1;

	constructor(private readonly config: EngineConfig) {
		this.running = Array.from({ length: config.containers }, () => undefined);
	}

	create(input: NewRun): InternalRun {
		const request: RunRequest = { workflowId: input.workflow.id, groupId: input.groupId, texts: textsOf(input.parts) };
		const run: InternalRun = {
			...input,
			id: randomUUID(),
			seq: this.nextSeq++,
			state: 'queued',
			error: null,
			container: this.leastBusyContainer(),
			promptId: randomUUID(),
			request,
			outputs: input.workflow.outputs.map((spec) => {
				const name = `${spec.prefix}_${nameSuffix()}`;
				const fileName = `${name}.${spec.extension ?? 'png'}`;
				return { spec, name, fileName, contentType: contentTypeOf(fileName), named: spec.namedAt === 'create', ready: false };
			}),
			createdAt: Date.now(),
			startedAt: null,
			finishedAt: null,
			eligible: false,
			timers: new Set(),
		};
		this.runs.set(run.id, run);
		this.changed(run);
		this.timers.after(this.config.queueMs(request), () => {
			run.eligible = true;
			this.pump();
		});
		return run;
	}

	/** Runs in creation order. */
	all(): InternalRun[] {
		return [...this.runs.values()].sort((a, b) => a.seq - b.seq);
	}

	/** Queued runs on a container, in the order it will take them. */
	pendingOn(container: number): InternalRun[] {
		return this.all().filter((run) => run.container === container && run.state === 'queued');
	}

	runningOn(container: number): InternalRun | undefined {
		return this.running[container];
	}

	/** The output called `name` (as in output_names, or with its extension) of any run. */
	findOutput(name: string): { run: InternalRun; output: InternalOutput } | undefined {
		for (const run of this.runs.values()) {
			const output = run.outputs.find((candidate) => candidate.name === name || candidate.fileName === name);
			if (output) return { run, output };
		}
		return undefined;
	}

	createdCount(): number {
		return this.nextSeq - 1;
	}

	/** Cancels a queued or running run; false when it had already ended. */
	cancel(run: InternalRun): boolean {
		if (isTerminal(run.state)) return false;
		this.end(run, 'cancelled', null);
		return true;
	}

	private leastBusyContainer(): number {
		const load = (container: number) => this.pendingOn(container).length + (this.running[container] ? 1 : 0);
		let best = 0;
		for (let container = 1; container < this.running.length; container++) if (load(container) < load(best)) best = container;
		return best;
	}

	/** Starts the next eligible run on every free container. */
	private pump(): void {
		for (let container = 0; container < this.running.length; container++) {
			if (this.running[container]) continue;
			const next = this.pendingOn(container).find((run) => run.eligible);
			if (next) this.start(next);
		}
	}

	private start(run: InternalRun): void {
		const runMs = Math.max(0, this.config.runMs(run.request));
		this.running[run.container] = run;
		run.state = 'running';
		run.startedAt = Date.now();
		for (const output of run.outputs) {
			const at = output.spec.namedAt;
			if (typeof at !== 'number' || output.named) continue;
			if (at <= 0) output.named = true;
			else this.setRunTimer(run, at * runMs, () => this.name(run, output));
		}
		this.changed(run);
		this.setRunTimer(run, runMs, () => this.finish(run));
	}

	private name(run: InternalRun, output: InternalOutput): void {
		output.named = true;
		this.changed(run);
	}

	private finish(run: InternalRun): void {
		const outcome = this.config.outcome(run.request);
		if (outcome === 'timeout') {
			this.end(run, 'timeout', null);
			return;
		}
		if (outcome !== 'complete') {
			this.end(run, 'failed', outcome.error);
			return;
		}
		// A completed run lists every output, late-named ones included.
		for (const output of run.outputs) output.named = true;
		this.end(run, 'completed', null);
		for (const output of run.outputs) {
			this.timers.after(output.spec.readyDelayMs ?? 0, () => {
				output.ready = true;
				this.config.onOutputReady(run, output);
				this.changed(run);
			});
		}
	}

	private end(run: InternalRun, state: RunState, error: string | null): void {
		for (const timer of run.timers) this.timers.cancel(timer);
		run.timers.clear();
		run.state = state;
		run.error = error;
		run.finishedAt = Date.now();
		if (this.running[run.container] === run) this.running[run.container] = undefined;
		this.changed(run);
		this.pump();
	}

	/** A timer that ends with the run: cancelling or ending it stops what was still to come. */
	private setRunTimer(run: InternalRun, ms: number, fn: () => void): void {
		const timer = this.timers.after(ms, () => {
			run.timers.delete(timer);
			fn();
		});
		run.timers.add(timer);
	}

	// -------------------------------------------------------------------------------------------
	// Observation

	snapshot(run: InternalRun): SimRun {
		return {
			id: run.id,
			workflowId: run.workflow.id,
			groupId: run.groupId,
			state: run.state,
			status: this.config.statusOf(run.state),
			error: run.error,
			container: containerName(run.container),
			promptId: run.promptId,
			encoding: run.encoding,
			contentType: run.contentType,
			inputs: run.parts.map(({ name, value }) =>
				typeof value === 'string' ? { name, value } : { name, file: { fileName: value.fileName, contentType: value.contentType, size: value.bytes.length } },
			),
			outputNames: run.outputs.filter((output) => output.named).map((output) => output.name),
			outputs: run.outputs.map((output) => ({
				name: output.name,
				fileName: output.fileName,
				contentType: output.contentType,
				named: output.named,
				ready: output.ready,
			})),
			createdAt: run.createdAt,
			startedAt: run.startedAt,
			finishedAt: run.finishedAt,
		};
	}

	private changed(run: InternalRun): void {
		this.waiters.notify(run.id, () => this.snapshot(run));
	}

	waitFor(id: string, predicate: (run: SimRun) => boolean, timeoutMs = 10_000): Promise<SimRun> {
		const run = this.runs.get(id);
		return this.waiters.wait(id, run && this.snapshot(run), predicate, timeoutMs, () => {
			const last = this.runs.get(id);
			return last ? `state=${last.state} outputs named=${last.outputs.filter((output) => output.named).length}` : 'no such run';
		});
	}

	close(): void {
		this.timers.stop();
		this.waiters.close();
	}
}
