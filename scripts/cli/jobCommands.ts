// `status <id>`, `results <id> [--out DIR]` and `cancel <id>`, written once over the job contract
// (nodes/shared/core/job.ts): each reads the job through the provider's JobAdapter, so a provider
// gets all three from its JobCli (jobCli.ts).
import { JobFailedError } from '../../nodes/shared/core/errors.ts';
import type { JobAdapter } from '../../nodes/shared/core/job.ts';
import { jobLabel } from '../../nodes/shared/core/job.ts';
import { describeState } from '../../nodes/shared/core/waiter.ts';
import type { Command, CommandContext } from './command.ts';
import type { JobCli, JobId } from './jobCli.ts';
import { idField } from './jobCli.ts';
import { doneLine, OUT_DETAIL, outDir, saveAndReport } from './saveFiles.ts';

/** The commands on one job by its id: status, results, and cancel where the server can. */
export function jobCommands<Job>(cli: JobCli<Job>): Command[] {
	const commands = [statusCommand(cli), resultsCommand(cli)];
	if (cli.cancel) commands.push(cancelCommand(cli, cli.cancel));
	return commands;
}

/** The id argument, checked before anything is sent, and the provider's jobs to look it up in. */
function jobAt<Job>(cli: JobCli<Job>, context: CommandContext): { id: JobId; jobs: JobAdapter<Job> } {
	const id = cli.parseId(context.args.positionals[0]);
	return { id, jobs: cli.connect(context) };
}

function statusCommand<Job>(cli: JobCli<Job>): Command {
	return {
		name: 'status',
		positionals: [cli.idArgument],
		synopsis: '',
		summary: `A ${cli.words.noun}'s state: queued, running (with percent), succeeded or failed (with the server's error).`,
		details: [],
		options: {},
		async run(context) {
			const { id, jobs } = jobAt(cli, context);
			const job = await jobs.read(String(id), context.signal);
			context.output.result({ phase: jobs.status(job).phase, [jobs.noun]: jobs.summary(job) }, [cli.describe(job)]);
		},
	};
}

function resultsCommand<Job>(cli: JobCli<Job>): Command {
	return {
		name: 'results',
		positionals: [cli.idArgument],
		synopsis: '[--out DIR]',
		summary: `Save every output file of a finished ${cli.words.noun} into --out (default: the current folder).`,
		details: [OUT_DETAIL],
		options: { out: 'value' },
		async run(context) {
			const { id, jobs } = jobAt(cli, context);
			const job = await jobs.read(String(id), context.signal);
			const status = jobs.status(job);
			const label = jobLabel(jobs, String(id));
			if (status.phase === 'failed') throw new JobFailedError(label, String(id), status.error ?? '');
			if (status.phase !== 'succeeded') throw new Error(`${label} has not finished yet (${describeState(status)}).`);
			const files = await saveAndReport(context.runtime, context.output, outDir(context.args), jobs.results(job, context.signal));
			context.output.result({ [idField(cli)]: id, files }, [doneLine(files.length, `${jobs.noun} ${id}`)]);
		},
	};
}

function cancelCommand<Job>(cli: JobCli<Job>, cancel: NonNullable<JobCli<Job>['cancel']>): Command {
	return {
		name: 'cancel',
		positionals: [cli.idArgument],
		synopsis: '',
		summary: cancel.summary,
		details: [],
		options: {},
		async run(context) {
			const { id, jobs } = jobAt(cli, context);
			if (!jobs.cancel) throw new Error(`${jobs.service} offers no way to cancel a ${jobs.noun}.`);
			// The adapter's cancel is clean-up that must reach the server: Ctrl-C does not cut it short.
			await jobs.cancel(String(id));
			context.output.result({ [idField(cli)]: id, [cancel.done]: true }, [`${jobs.noun} ${id} ${cancel.done}`]);
		},
	};
}
