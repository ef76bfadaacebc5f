// What the shared job commands (jobCommands.ts, jobRun.ts) need from a provider besides its
// JobAdapter (nodes/shared/core/job.ts): how to connect, how its ids are typed, how a job reads
// in one line. A provider's CLI module fills one in and gets status, results, cancel and the
// output half of run.
import type { JobAdapter } from '../../nodes/shared/core/job.ts';
import type { CommandContext } from './command.ts';

/** A job id as typed and as JSON lines carry it: a number where the server counts jobs (Visionatrix), a string elsewhere. */
export type JobId = string | number;

export interface JobCli<Job> {
	/** The service and its word for a job, as the adapter has them; help texts need them before any connection. */
	words: Pick<JobAdapter<Job>, 'service' | 'noun'>;
	/** The id argument as usage shows it, e.g. "<taskId>"; without its brackets it names the id in JSON lines. */
	idArgument: string;
	/** Reads an id as typed; throws a UsageError naming `idArgument` when it is not one. */
	parseId(text: string): JobId;
	/** The provider's jobs on the server that the command's connection settings point at. */
	connect(context: CommandContext): JobAdapter<Job>;
	/** A job in one line for a person, e.g. "task 42  sdxl_lighting  running 45.0 %". */
	describe(job: Job): string;
	/**
	 * The server's own word for where a job stands (Flowscale's run `status`), shown with its
	 * progress: where not every word is known, "running" alone would hide what the server said.
	 */
	stateWord?(job: Job): string;
	/** What `cancel` does on this server, and its word for done ("deleted"); without it there is no `cancel`. */
	cancel?: { summary: string; done: string };
}

/** The JSON field of one id: "<taskId>" → "taskId". */
export function idField(cli: Pick<JobCli<unknown>, 'idArgument'>): string {
	return cli.idArgument.replace(/^<|>$/g, '');
}
