// `genflows visionatrix …`: every command is a few calls into the Visionatrix provider of the
// core (nodes/shared/providers/visionatrix), the same code the n8n nodes run. status, results and
// cancel, and the output of run, are the shared job commands (../jobCommands.ts, ../jobRun.ts).
import { fetchTransport } from '../../../nodes/shared/core/fetchTransport.ts';
import { Visionatrix, VISIONATRIX_ADDRESS_RULES, VISIONATRIX_DEFAULT_URL } from '../../../nodes/shared/providers/visionatrix/api.ts';
import { taskSummary, VISIONATRIX_JOB_WORDS, visionatrixJobs } from '../../../nodes/shared/providers/visionatrix/job.ts';
import type { TaskShort } from '../../../nodes/shared/providers/visionatrix/schemas.ts';
import { taskStatus } from '../../../nodes/shared/providers/visionatrix/taskState.ts';
import { scriptEnv } from '../../runtime/timers.ts';
import { wholeNumberArg } from '../args.ts';
import type { Command, CommandContext, ProviderCli } from '../command.ts';
import type { JobCli } from '../jobCli.ts';
import { jobCommands } from '../jobCommands.ts';
import { prepareRunOutput, RUN_OPTIONS, RUN_SYNOPSIS, runDetails, runReport, runTimeoutMs } from '../jobRun.ts';
import { serverAddress } from '../serverAddress.ts';
import { taskInputFromArgs, visionatrixArgumentFor } from './visionatrixInput.ts';

function connect(context: CommandContext): Visionatrix {
	const { url, basicAuth } = serverAddress(context, VISIONATRIX_ADDRESS_RULES, { user: 'VISIONATRIX_USER', password: 'VISIONATRIX_PASSWORD' });
	const transport = fetchTransport({ basicAuth });
	const logger = { debug() {}, info() {}, warn: (message: string) => context.warn(message) };
	return new Visionatrix({ baseUrl: url, env: scriptEnv(transport, logger) });
}

function describeTask(task: TaskShort): string {
	const status = taskStatus(task);
	const error = status.error ? `: ${status.error}` : '';
	return `task ${task.task_id}  ${task.name}  ${status.phase} ${task.progress.toFixed(1)} %${error}`;
}

const visionatrixTasks: JobCli<TaskShort> = {
	words: VISIONATRIX_JOB_WORDS,
	idArgument: '<taskId>',
	// Plain digits only: "0x1" and "1e3" are refused rather than read as 1 and 1000.
	parseId: (text) => wholeNumberArg('<taskId>', text, 1) as number,
	connect: (context) => visionatrixJobs(connect(context)),
	describe: describeTask,
	cancel: { summary: 'Delete a task; this is how Visionatrix cancels a queued or running one.', done: 'deleted' },
};

const run: Command = {
	name: 'run',
	positionals: ['<flow>'],
	synopsis: `[--input name=value]... [--file name=path]... [--inputs file.json] [--count N] [--seed N] ${RUN_SYNOPSIS}`,
	summary: 'Submit a job, wait for it with a progress bar, and save every output file into --out.',
	details: [
		'  --input name=value   a flow input (repeatable); wins over the same name in --inputs',
		'  --file name=path     a file input (image, mask, video) uploaded from path (repeatable)',
		'  --inputs file.json   flow inputs as one JSON object',
		'  --count N            how many tasks to create (flows that support it)',
		'  --seed N             the seed',
		...runDetails(visionatrixTasks),
	],
	options: { input: 'list', file: 'list', inputs: 'value', count: 'value', seed: 'value', ...RUN_OPTIONS },
	async run(context) {
		const timeoutMs = runTimeoutMs(context);
		const input = await taskInputFromArgs(context.runtime, context.args);
		await prepareRunOutput(context);
		// --timeout bounds the whole run: the flow look-up, the submission, the wait and the downloads.
		const visionatrix = connect(context).withDeadline(timeoutMs);
		const flow = await visionatrix.getInstalledFlow(context.args.positionals[0], context.signal);
		const report = runReport(context, visionatrixTasks, visionatrixJobs(visionatrix), { name: flow.name, fields: { flow: flow.name } });
		await visionatrix.runFlow(flow, input, {
			timeoutMs,
			signal: context.signal,
			onSubmitted: (created) => report.submitted(created.tasks_ids.map(String)),
			onProgress: report.onProgress,
			onTaskFinished: report.onJobFinished,
		});
		report.done();
	},
};

const list: Command = {
	name: 'list',
	positionals: [],
	synopsis: '[--flow NAME]',
	summary: 'Your tasks, oldest first, optionally of one flow.',
	details: ['  --flow NAME          only tasks of this flow'],
	options: { flow: 'value' },
	async run(context) {
		const tasks = (await connect(context).listTasks({ name: context.args.values.get('flow') }, { signal: context.signal })) as TaskShort[];
		const text = tasks.length > 0 ? tasks.map(describeTask) : ['no tasks'];
		context.output.result({ tasks: tasks.map((task) => ({ phase: taskStatus(task).phase, ...taskSummary(task) })) }, text);
	},
};

const flows: Command = {
	name: 'flows',
	positionals: [],
	synopsis: '',
	summary: 'The installed flows and their inputs.',
	details: [],
	options: {},
	async run(context) {
		const installed = await connect(context).listInstalledFlows(context.signal);
		const text = installed.map((flow) => {
			const inputs = flow.input_params.map((param) => `${param.name} (${param.type}${param.optional ? ', optional' : ''})`);
			return `${flow.name}  ${flow.display_name}: ${inputs.join(', ') || 'no inputs'}`;
		});
		context.output.result({ flows: installed }, text.length > 0 ? text : ['no flows installed']);
	},
};

export const visionatrixCli: ProviderCli = {
	name: 'visionatrix',
	summary: 'Visionatrix (ComfyUI flows): run, status, results, cancel, list, flows',
	settings: [
		{ option: 'url', env: 'VISIONATRIX_URL', description: 'server address, without /vapi', fallback: VISIONATRIX_DEFAULT_URL, warnWhenUnread: true },
		{ option: 'user', env: 'VISIONATRIX_USER', description: 'user name, when the server runs with VIX_AUTH=1' },
		{ option: 'password', env: 'VISIONATRIX_PASSWORD', description: 'password for --user' },
	],
	commands: [run, ...jobCommands(visionatrixTasks), list, flows],
	argumentFor: visionatrixArgumentFor,
};
