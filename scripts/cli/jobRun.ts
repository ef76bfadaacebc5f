// The half of `run` every provider shares: the --out and --timeout options, the `submitted` line,
// a progress line per job, each job's files saved into --out as soon as it finishes (so a later
// job's failure or timeout loses none of them), and the final result. The provider submits; its
// wait (waitForAll from nodes/shared/core/run.ts, or a provider call built on it) takes the callbacks.
import type { JobAdapter } from '../../nodes/shared/core/job.ts';
import type { FinishedJob } from '../../nodes/shared/core/run.ts';
import type { WaitProgress } from '../../nodes/shared/core/waiter.ts';
import type { OptionSpecs } from './args.ts';
import { wholeNumberArg } from './args.ts';
import type { CommandContext } from './command.ts';
import type { JobCli } from './jobCli.ts';
import { idField } from './jobCli.ts';
import type { Fields } from './output.ts';
import type { SavedFile } from './saveFiles.ts';
import { doneLine, OUT_DETAIL, outDir, prepareOutDir, saveAndReport } from './saveFiles.ts';

const DEFAULT_TIMEOUT_S = 600;

/** The options every `run` has, after the provider's own: synopsis, parser specs and help lines. */
export const RUN_SYNOPSIS = '[--out DIR] [--timeout S]';
export const RUN_OPTIONS: OptionSpecs = { out: 'value', timeout: 'value' };
export function runDetails(cli: Pick<JobCli<unknown>, 'words' | 'cancel'>): string[] {
	const cancelled = cli.cancel ? `; the unfinished ${cli.words.noun} is then ${cli.cancel.done}` : '';
	return [OUT_DETAIL, `  --timeout S          give up after S seconds (default ${DEFAULT_TIMEOUT_S})${cancelled}`];
}

/** How long the whole run may take: the look-up, the submission, the wait and the downloads. */
export function runTimeoutMs(context: CommandContext): number {
	return (wholeNumberArg('--timeout', context.args.values.get('timeout'), 1) ?? DEFAULT_TIMEOUT_S) * 1000;
}

/** Makes --out before anything is submitted: one that is a file would otherwise fail only once the GPU has worked. */
export function prepareRunOutput(context: CommandContext): Promise<void> {
	return prepareOutDir(context.runtime, outDir(context.args));
}

export interface RunReport<Job> {
	/** Once the server has accepted the submission: the ids of the jobs it created, and what else the server said of it (JSON only). */
	submitted(ids: string[], fields?: Fields): void;
	onProgress(progress: WaitProgress, job: Job): void;
	onJobFinished(finished: FinishedJob<Job>): Promise<void>;
	/** After the last job: the result line, with every saved file. */
	done(): void;
}

/**
 * Reports a run of `what` (e.g. a flow: its name for people, its fields for JSON). Ids the server
 * gave pass `cli.parseId` unchanged but for their JSON type (Visionatrix's are numbers).
 */
export function runReport<Job>(context: CommandContext, cli: JobCli<Job>, jobs: Pick<JobAdapter<Job>, 'id' | 'noun'>, what: { name: string; fields: Fields }): RunReport<Job> {
	const { output } = context;
	const field = idField(cli);
	let ids: string[] = [];
	const finished: Array<Fields & { files: SavedFile[] }> = [];
	return {
		submitted(created, fields = {}) {
			ids = created;
			output.event('submitted', { ...what.fields, [`${field}s`]: ids.map((id) => cli.parseId(id)), ...fields }, `submitted ${what.name}: ${jobs.noun} ${ids.join(', ')}`);
		},
		onProgress(progress, job) {
			const id = jobs.id(job);
			const position = ids.length > 1 ? ` (${ids.indexOf(id) + 1}/${ids.length})` : '';
			const word = cli.stateWord?.(job);
			const said = word === undefined ? {} : { status: word };
			output.progress(`${jobs.noun} ${id}${position}${word ? ` ${word}` : ''}`, progress, { [field]: cli.parseId(id), ...said });
		},
		async onJobFinished({ job, files }) {
			const saved = await saveAndReport(context.runtime, output, outDir(context.args), files);
			finished.push({ [field]: cli.parseId(jobs.id(job)), files: saved });
		},
		done() {
			const count = finished.reduce((sum, job) => sum + job.files.length, 0);
			output.result({ ...what.fields, [`${jobs.noun}s`]: finished }, [doneLine(count, what.name)]);
		},
	};
}
