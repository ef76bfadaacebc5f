// The `genflows flowscale` commands beyond a single run: list, health, queue, workflows. Each is
// one call into the Flowscale provider of the core, printed as lines or one JSON result.
import type { Run } from '../../../nodes/shared/providers/flowscale/schemas.ts';
import { runStatus } from '../../../nodes/shared/providers/flowscale/runState.ts';
import { wholeNumberArg } from '../args.ts';
import type { Command } from '../command.ts';
import { connect } from './flowscaleConnection.ts';

const DEFAULT_LIST_LIMIT = 50;

/** A run in one line: "run 808f…  bncu0a1kipv  running", the server's own status word shown as it is. */
export function describeRun(run: Run): string {
	const status = runStatus(run);
	const group = run.group_id ? `  group ${run.group_id}` : '';
	const error = status.phase === 'failed' && status.error ? `: ${status.error}` : '';
	return `run ${run.run_id}  ${run.workflow_id ?? '?'}${group}  ${run.status}${error}`;
}

const list: Command = {
	name: 'list',
	positionals: [],
	synopsis: '[--group ID] [--limit N]',
	summary: 'Runs, newest first, optionally of one group.',
	details: ['  --group ID           only runs of this group', `  --limit N            at most N runs (default ${DEFAULT_LIST_LIMIT})`],
	options: { group: 'value', limit: 'value' },
	async run(context) {
		const limit = wholeNumberArg('--limit', context.args.values.get('limit'), 1) ?? DEFAULT_LIST_LIMIT;
		const flowscale = connect(context);
		const runs = await flowscale.listAllRuns({ groupId: context.args.values.get('group'), sortBy: 'created_at', sortOrder: 'desc' }, { limit, signal: context.signal });
		const text = runs.length > 0 ? runs.map(describeRun) : ['no runs'];
		context.output.result({ runs: runs.map((run) => ({ phase: runStatus(run).phase, ...run })) }, text);
	},
};

const health: Command = {
	name: 'health',
	positionals: [],
	synopsis: '',
	summary: "The deployment's ComfyUI containers and their state.",
	details: [],
	options: {},
	async run(context) {
		const containers = await connect(context).health(context.signal);
		const text = containers.map((container) => `${container.name}  ${container.status}`);
		context.output.result({ containers }, text.length > 0 ? text : ['no containers']);
	},
};

const queue: Command = {
	name: 'queue',
	positionals: [],
	synopsis: '',
	summary: "Each container's ComfyUI queue: how many prompts are running and pending.",
	details: [],
	options: {},
	async run(context) {
		const containers = await connect(context).queue(context.signal);
		const text = containers.map(({ name, queue: { queue_running, queue_pending } }) => `${name}  running ${queue_running.length}, pending ${queue_pending.length}`);
		context.output.result({ containers }, text.length > 0 ? text : ['no containers']);
	},
};

const workflows: Command = {
	name: 'workflows',
	positionals: [],
	synopsis: '',
	summary: 'The deployed workflows and their inputs, where the deployment lists them.',
	details: [],
	options: {},
	async run(context) {
		const listed = await connect(context).listWorkflows(context.signal);
		if (listed === undefined) {
			throw new Error('This Flowscale deployment does not list its workflows (GET /api/v1/comfy/workflows answered 404): take the workflow id from the Flowscale dashboard.');
		}
		const text = listed.map((workflow) => {
			const inputs = Object.entries(workflow.inputs).map(([name, type]) => `${name} (${type})`);
			return `${workflow.id}  ${workflow.name}: ${inputs.join(', ') || 'no inputs'}`;
		});
		context.output.result({ workflows: listed }, text.length > 0 ? text : ['no workflows deployed']);
	},
};

export const FLOWSCALE_EXTRA_COMMANDS: Command[] = [list, health, queue, workflows];
