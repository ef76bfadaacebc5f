// `genflows flowscale …`: every command is a few calls into the Flowscale provider of the core
// (nodes/shared/providers/flowscale), the same code the n8n nodes run. status, results and
// cancel, and the output of run, are the shared job commands (../jobCommands.ts, ../jobRun.ts).
import { FLOWSCALE_JOB_WORDS, flowscaleJobs } from '../../../nodes/shared/providers/flowscale/job.ts';
import type { Run } from '../../../nodes/shared/providers/flowscale/schemas.ts';
import { UsageError } from '../args.ts';
import type { Command, ProviderCli } from '../command.ts';
import type { JobCli } from '../jobCli.ts';
import { jobCommands } from '../jobCommands.ts';
import { prepareRunOutput, RUN_OPTIONS, RUN_SYNOPSIS, runDetails, runReport, runTimeoutMs } from '../jobRun.ts';
import { describeRun, FLOWSCALE_EXTRA_COMMANDS } from './flowscaleCommands.ts';
import { connect, FLOWSCALE_SETTINGS } from './flowscaleConnection.ts';
import { flowscaleArgumentFor, runInputFromArgs } from './flowscaleInput.ts';

const flowscaleRuns: JobCli<Run> = {
	words: FLOWSCALE_JOB_WORDS,
	idArgument: '<run_id>',
	parseId(text) {
		const id = text.trim();
		if (!id) throw new UsageError('<run_id>', '<run_id> is empty');
		return id;
	},
	connect: (context) => flowscaleJobs(connect(context)),
	describe: describeRun,
	stateWord: (run) => run.status,
	cancel: { summary: 'Cancel a queued or running run.', done: 'cancelled' },
};

const run: Command = {
	name: 'run',
	positionals: ['<workflow_id>'],
	synopsis: `[--input name=value]... [--file name=path]... [--inputs file.json] [--group ID] ${RUN_SYNOPSIS}`,
	summary: 'Start a run of a deployed workflow, wait for it with a progress line, and save every output file into --out.',
	details: [
		"  --input name=value   a workflow input by the deployment's own name, e.g. text_51536=a red fox (repeatable);",
		'                       wins over the same name in --inputs',
		'  --file name=path     a file input uploaded from path (repeatable); a name given several times',
		'                       sends the files as name_0, name_1, …',
		'  --inputs file.json   workflow inputs as one JSON object',
		'  --group ID           the group the run belongs to',
		...runDetails(flowscaleRuns),
	],
	options: { input: 'list', file: 'list', inputs: 'value', group: 'value', ...RUN_OPTIONS },
	async run(context) {
		const timeoutMs = runTimeoutMs(context);
		const flowscale = connect(context);
		const input = await runInputFromArgs(context.runtime, context.args);
		await prepareRunOutput(context);
		const workflowId = input.workflowId.trim();
		const report = runReport(context, flowscaleRuns, flowscaleJobs(flowscale), { name: workflowId, fields: { workflow_id: workflowId } });
		// --timeout bounds the whole run: the start, the wait and the downloads; a run still going then is cancelled.
		const finished = await flowscale.runWorkflow(input, {
			timeoutMs,
			signal: context.signal,
			onSubmitted: (started) => report.submitted([started.run_id]),
			onProgress: report.onProgress,
		});
		await report.onJobFinished(finished);
		report.done();
	},
};

export const flowscaleCli: ProviderCli = {
	name: 'flowscale',
	summary: "Flowscale (hosted ComfyUI): run, status, results, cancel, list, health, queue, workflows",
	settings: FLOWSCALE_SETTINGS,
	commands: [run, ...jobCommands(flowscaleRuns), ...FLOWSCALE_EXTRA_COMMANDS],
	argumentFor: flowscaleArgumentFor,
};
