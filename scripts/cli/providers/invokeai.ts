// `genflows invokeai …`: every command is a few calls into the InvokeAI provider of the core
// (nodes/shared/providers/invokeai), the same code the n8n nodes run. A job is a queue item (one
// session of a batch); status, results and cancel are the shared job commands (../jobCommands.ts),
// and the output half of run is ../jobRun.ts. Ctrl-C or --timeout cancels the run's queue items.
import { isApiError } from '../../../nodes/shared/core/errors.ts';
import type { JobAdapter } from '../../../nodes/shared/core/job.ts';
import type { Enqueued } from '../../../nodes/shared/providers/invokeai/api.ts';
import { INVOKEAI_JOB_WORDS, invokeaiJobs, itemIdFrom } from '../../../nodes/shared/providers/invokeai/job.ts';
import { itemStatus } from '../../../nodes/shared/providers/invokeai/queueItem.ts';
import type { QueueItem } from '../../../nodes/shared/providers/invokeai/schemas.ts';
import { UsageError, wholeNumberArg } from '../args.ts';
import type { Command, ProviderCli } from '../command.ts';
import type { JobCli } from '../jobCli.ts';
import { jobCommands } from '../jobCommands.ts';
import { prepareRunOutput, RUN_OPTIONS, RUN_SYNOPSIS, runDetails, runReport, runTimeoutMs } from '../jobRun.ts';
import { INVOKEAI_EXTRA_COMMANDS, inputsCommand } from './invokeaiCommands.ts';
import { connect, INVOKEAI_SETTINGS } from './invokeaiConnection.ts';
import { asUsageError, givenValues, invokeaiArgumentFor, loadWorkflow, valuePairs, WORKFLOW_ARGUMENT } from './invokeaiInput.ts';

const ITEM_ARGUMENT = '<item_id>';

/** A queue item in one line: "queue item 7  failed: OutOfMemoryError: … (at node "Denoise - SDXL")". */
export function describeItem(item: QueueItem): string {
	const status = itemStatus(item);
	const error = status.phase === 'failed' && status.error ? `: ${status.error}` : '';
	return `queue item ${item.item_id}  ${item.status}${error}`;
}

/** The items' adapter, where an item the server does not know is a bad <item_id> (exit 2). */
function knownItems(jobs: JobAdapter<QueueItem>): JobAdapter<QueueItem> {
	return {
		...jobs,
		async read(id, signal) {
			try {
				return await jobs.read(id, signal);
			} catch (error) {
				if (isApiError(error) && error.status === 404) throw new UsageError(ITEM_ARGUMENT, `InvokeAI's queue has no item ${id} (404: ${error.serverMessage})`);
				throw error;
			}
		},
	};
}

export const invokeaiItems: JobCli<QueueItem> = {
	words: INVOKEAI_JOB_WORDS,
	idArgument: ITEM_ARGUMENT,
	parseId(text) {
		try {
			return itemIdFrom(text);
		} catch {
			throw new UsageError(ITEM_ARGUMENT, `${ITEM_ARGUMENT} must be a queue item id, a whole number of 1 or more; got "${text}"`);
		}
	},
	connect: (context) => knownItems(invokeaiJobs(connect(context))),
	describe: describeItem,
	stateWord: (item) => item.status,
	cancel: { summary: "Cancel a queue item in InvokeAI's queue (pending or running; a finished one stays as it is).", done: 'cancelled' },
};

const run: Command = {
	name: 'run',
	positionals: [WORKFLOW_ARGUMENT],
	synopsis: `[--set name=value]... [--file name=path]... [--runs N] [--board NAME] ${RUN_SYNOPSIS}`,
	summary: 'Run a workflow (a JSON file exported from InvokeAI, or the id of one in its library), wait for its queue items, and save their images into --out.',
	details: [
		'  <workflow>           a workflow JSON file, else the id of a workflow in the library (`workflows` lists them)',
		'  --set name=value     an input by its label (as `inputs` lists it) or as nodeId.field (any node input); a',
		'                       model by its name or key, a number or true/false as such, a list as JSON (repeatable)',
		'  --file name=path     an image input from a local picture, uploaded first (repeatable)',
		'  --runs N             queue the workflow N times (default 1)',
		'  --board NAME         the board (name or id; a name no board has is created) for images left on "auto"',
		...runDetails(invokeaiItems),
	],
	options: { set: 'list', file: 'list', runs: 'value', board: 'value', ...RUN_OPTIONS },
	async run(context) {
		const { args, signal } = context;
		const timeoutMs = runTimeoutMs(context);
		const runs = wholeNumberArg('--runs', args.values.get('runs'), 1) ?? 1;
		// Malformed pairs are refused before anything is sent.
		valuePairs(args);
		const invokeai = connect(context);
		const loaded = await loadWorkflow(context.runtime, args.positionals[0], invokeai, signal);
		const templates = await invokeai.openApi(signal);
		const given = await givenValues(context.runtime, args, loaded.workflow, templates);
		await prepareRunOutput(context);
		const name = loaded.name ? `workflow "${loaded.name}"` : `workflow ${args.positionals[0]}`;
		const report = runReport(context, invokeaiItems, invokeaiJobs(invokeai), {
			name,
			fields: { ...loaded.source, ...(loaded.name ? { workflowName: loaded.name } : {}) },
		});
		const board = args.values.get('board');
		try {
			const done = await invokeai.runWorkflow({
				workflow: loaded.workflow,
				values: given.values.map(({ name: label, value }) => ({ name: label, value })),
				runs,
				...(board === undefined ? {} : { board }),
				timeoutMs,
				signal,
				onSubmitted: (enqueued: Enqueued) => report.submitted(enqueued.itemIds.map(String), { batchId: enqueued.batchId, enqueued: enqueued.enqueued, requested: enqueued.requested }),
				onProgress: (progress, item) => report.onProgress(progress, item),
				onItemFinished: (finished) => report.onJobFinished(finished),
			});
			for (const warning of done.warnings) context.warn(warning);
			for (const created of done.createdBoards) context.output.event('board-created', { ...created }, `created board "${created.board_name}" (${created.board_id})`);
		} catch (error) {
			throw asUsageError(given, error);
		}
		report.done();
	},
};

export const invokeaiCli: ProviderCli = {
	name: 'invokeai',
	summary: 'InvokeAI (workflows on a local or remote InvokeAI server): run, inputs, status, results, cancel, models, boards, workflows',
	settings: INVOKEAI_SETTINGS,
	commands: [run, inputsCommand, ...jobCommands(invokeaiItems), ...INVOKEAI_EXTRA_COMMANDS],
	argumentFor: invokeaiArgumentFor,
};
