// `genflows visionatrix …`: every command is a few calls into the Visionatrix provider of the
// core (nodes/shared/providers/visionatrix), the same code the n8n nodes run.
import { fetchTransport } from '../../../nodes/shared/core/fetchTransport.ts';
import { JobFailedError } from '../../../nodes/shared/core/errors.ts';
import type { ResultFile } from '../../../nodes/shared/providers/visionatrix/api.ts';
import { Visionatrix, VISIONATRIX_ADDRESS_RULES, VISIONATRIX_DEFAULT_URL } from '../../../nodes/shared/providers/visionatrix/api.ts';
import type { Flow, TaskDetails, TaskShort } from '../../../nodes/shared/providers/visionatrix/schemas.ts';
import { taskStatus } from '../../../nodes/shared/providers/visionatrix/taskState.ts';
import { scriptEnv } from '../../runtime/timers.ts';
import { wholeNumberArg } from '../args.ts';
import type { Command, CommandContext, ProviderCli } from '../command.ts';
import type { SavedFile } from '../saveFiles.ts';
import { prepareOutDir, saveAndReport } from '../saveFiles.ts';
import { serverAddress } from '../serverAddress.ts';
import { taskInputFromArgs, visionatrixArgumentFor } from './visionatrixInput.ts';

const DEFAULT_TIMEOUT_S = 600;

function connect(context: CommandContext): Visionatrix {
	const { url, basicAuth } = serverAddress(context, VISIONATRIX_ADDRESS_RULES, { user: 'VISIONATRIX_USER', password: 'VISIONATRIX_PASSWORD' });
	const transport = fetchTransport({ basicAuth });
	const logger = { debug() {}, info() {}, warn: (message: string) => context.warn(message) };
	return new Visionatrix({ baseUrl: url, env: scriptEnv(transport, logger) });
}

function taskIdArg(context: CommandContext): number {
	return wholeNumberArg('<taskId>', context.args.positionals[0], 1) as number;
}

function outDir(context: CommandContext): string {
	return context.args.values.get('out') ?? '.';
}

/** A task as JSON without its ComfyUI graph, which can run to megabytes. */
function withoutGraph(task: TaskDetails | TaskShort): Record<string, unknown> {
	return Object.fromEntries(Object.entries(task).filter(([key]) => key !== 'flow_comfy'));
}

function describeTask(task: TaskShort): string {
	const status = taskStatus(task);
	const error = status.error ? `: ${status.error}` : '';
	return `task ${task.task_id}  ${task.name}  ${status.phase} ${task.progress.toFixed(1)} %${error}`;
}

function saveResults(context: CommandContext, files: ResultFile[]) {
	return saveAndReport(context.runtime, context.output, outDir(context), files, (file) => ({
		taskId: file.taskId,
		nodeId: file.nodeId,
		batchIndex: file.batchIndex,
	}));
}

const run: Command = {
	name: 'run',
	positionals: ['<flow>'],
	synopsis: '[--input name=value]... [--file name=path]... [--inputs file.json] [--count N] [--seed N] [--out DIR] [--timeout S]',
	summary: 'Submit a job, wait for it with a progress bar, and save every output file into --out.',
	details: [
		'  --input name=value   a flow input (repeatable); wins over the same name in --inputs',
		'  --file name=path     a file input (image, mask, video) uploaded from path (repeatable)',
		'  --inputs file.json   flow inputs as one JSON object',
		'  --count N            how many tasks to create (flows that support it)',
		'  --seed N             the seed',
		'  --out DIR            where to save the files (default: the current folder); names never overwrite',
		`  --timeout S          give up (and delete the task) after S seconds (default ${DEFAULT_TIMEOUT_S})`,
	],
	options: { input: 'list', file: 'list', inputs: 'value', count: 'value', seed: 'value', out: 'value', timeout: 'value' },
	async run(context) {
		const timeoutS = wholeNumberArg('--timeout', context.args.values.get('timeout'), 1) ?? DEFAULT_TIMEOUT_S;
		const input = await taskInputFromArgs(context.runtime, context.args);
		// Checked before the GPU works: an --out that is a file would otherwise fail only at the end.
		await prepareOutDir(context.runtime, outDir(context));
		// --timeout bounds the whole run: the flow look-up, the submission, the wait and the downloads.
		const visionatrix = connect(context).withDeadline(timeoutS * 1000);
		const flow: Flow = await visionatrix.getInstalledFlow(context.args.positionals[0], context.signal);
		let taskIds: number[] = [];
		const tasks: { taskId: number; files: SavedFile[] }[] = [];
		await visionatrix.runFlow(flow, input, {
			timeoutMs: timeoutS * 1000,
			signal: context.signal,
			onSubmitted(created) {
				taskIds = created.tasks_ids;
				context.output.event('submitted', { flow: flow.name, taskIds }, `submitted ${flow.name}: task ${taskIds.join(', ')}`);
			},
			onProgress(progress, task) {
				const position = taskIds.length > 1 ? ` (${taskIds.indexOf(task.task_id) + 1}/${taskIds.length})` : '';
				context.output.progress(`task ${task.task_id}${position}`, progress, { taskId: task.task_id });
			},
			// Saved as each task finishes, so a later task's failure or timeout loses none of them.
			async onTaskFinished({ task, files }) {
				tasks.push({ taskId: task.task_id, files: await saveResults(context, files) });
			},
		});
		const count = tasks.reduce((sum, task) => sum + task.files.length, 0);
		context.output.result({ flow: flow.name, tasks }, [`done: ${count} file${count === 1 ? '' : 's'} from ${flow.name}`]);
	},
};

const status: Command = {
	name: 'status',
	positionals: ['<taskId>'],
	synopsis: '',
	summary: "A task's state: queued, running (with percent), succeeded or failed (with the server's error).",
	details: [],
	options: {},
	async run(context) {
		const task = await connect(context).getTask(taskIdArg(context), context.signal);
		context.output.result({ phase: taskStatus(task).phase, task: withoutGraph(task) }, [describeTask(task)]);
	},
};

const results: Command = {
	name: 'results',
	positionals: ['<taskId>'],
	synopsis: '[--out DIR]',
	summary: 'Save every output file of a finished task into --out (default: the current folder).',
	details: ['  --out DIR            where to save the files; names never overwrite'],
	options: { out: 'value' },
	async run(context) {
		const visionatrix = connect(context);
		const task = await visionatrix.getTask(taskIdArg(context), context.signal);
		const { phase, error } = taskStatus(task);
		if (phase === 'failed') throw new JobFailedError(`Visionatrix task ${task.task_id}`, String(task.task_id), error ?? '');
		if (phase !== 'succeeded') throw new Error(`Visionatrix task ${task.task_id} has not finished yet (${phase}, ${task.progress.toFixed(1)} %).`);
		const files = await saveResults(context, await visionatrix.downloadAllResults(task, context.signal));
		context.output.result({ taskId: task.task_id, files }, [`done: ${files.length} file${files.length === 1 ? '' : 's'} from task ${task.task_id}`]);
	},
};

const cancel: Command = {
	name: 'cancel',
	positionals: ['<taskId>'],
	synopsis: '',
	summary: 'Delete a task; this is how Visionatrix cancels a queued or running one.',
	details: [],
	options: {},
	async run(context) {
		const taskId = taskIdArg(context);
		await connect(context).deleteTask(taskId, context.signal);
		context.output.result({ taskId, deleted: true }, [`task ${taskId} deleted`]);
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
		context.output.result({ tasks: tasks.map((task) => ({ phase: taskStatus(task).phase, ...withoutGraph(task) })) }, text);
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
	commands: [run, status, results, cancel, list, flows],
	argumentFor: visionatrixArgumentFor,
};
