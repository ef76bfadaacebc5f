// The `genflows invokeai` commands beyond a run and its queue items: inputs, models, boards,
// workflows. Each is one or two calls into the InvokeAI provider of the core, printed as lines or
// one JSON result.
import type { WorkflowInput } from '../../../nodes/shared/providers/invokeai/workflow/inputs.ts';
import { discoverInputs } from '../../../nodes/shared/providers/invokeai/workflow/inputs.ts';
import type { WorkflowRecord } from '../../../nodes/shared/providers/invokeai/schemas.ts';
import type { Command } from '../command.ts';
import { connect } from './invokeaiConnection.ts';
import { loadWorkflow, WORKFLOW_ARGUMENT } from './invokeaiInput.ts';

/** A current value in a few characters: models by name, images by name, long texts cut. */
function shownValue(value: unknown): string {
	if (value === undefined) return 'no value';
	if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
		const record = value as Record<string, unknown>;
		for (const key of ['name', 'image_name', 'board_id']) if (typeof record[key] === 'string') return JSON.stringify(record[key]);
	}
	const text = JSON.stringify(value);
	return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function inputLine(input: WorkflowInput): string {
	const notes = [input.type.name, ...(input.required ? ['required'] : []), ...(input.connected ? ['connected: takes no value'] : [])];
	return `  ${String(input.position).padStart(2)}  ${input.label}  (${input.nodeId}.${input.fieldName}, ${notes.join(', ')})  = ${shownValue(input.value)}`;
}

export const inputsCommand: Command = {
	name: 'inputs',
	positionals: [WORKFLOW_ARGUMENT],
	synopsis: '',
	summary: "The inputs a workflow's form shows, in its order: the label --set takes, node id and field, type and current value (needs the server, for the types).",
	details: ['  <workflow>           a workflow JSON file, else the id of a workflow in the library', '  (any other node input can be set too, as --set nodeId.field=value)'],
	options: {},
	async run(context) {
		const invokeai = connect(context);
		const loaded = await loadWorkflow(context.runtime, context.args.positionals[0], invokeai, context.signal);
		const templates = await invokeai.openApi(context.signal);
		const inputs = discoverInputs(loaded.workflow, templates);
		const fields = inputs.map((input) => ({
			position: input.position,
			label: input.label,
			nodeId: input.nodeId,
			fieldName: input.fieldName,
			nodeType: input.nodeType,
			nodeLabel: input.nodeLabel,
			type: input.type.name,
			kind: input.type.kind,
			...(input.value === undefined ? {} : { value: input.value }),
			required: input.required,
			connected: input.connected,
			...(input.description ? { description: input.description } : {}),
		}));
		const title = loaded.name ? `workflow "${loaded.name}"` : 'workflow';
		const text = inputs.length > 0 ? [`${title}: ${inputs.length} input${inputs.length === 1 ? '' : 's'} (--set label=value)`, ...inputs.map(inputLine)] : [`${title}: its form shows no inputs (set any node input as --set nodeId.field=value)`];
		context.output.result({ ...loaded.source, ...(loaded.name ? { workflowName: loaded.name } : {}), inputs: fields }, text);
	},
};

const models: Command = {
	name: 'models',
	positionals: [],
	synopsis: '[--base B] [--type T]',
	summary: 'The installed models, by name: what --set takes for a model input.',
	details: ['  --base B             only models of this base, e.g. sdxl, sd-1, flux', '  --type T             only models of this type, e.g. main, vae, lora'],
	options: { base: 'value', type: 'value' },
	async run(context) {
		const base = context.args.values.get('base')?.trim() || undefined;
		const type = context.args.values.get('type')?.trim() || undefined;
		const list = await connect(context).listModels({ base, type }, context.signal);
		const text = list.length > 0 ? list.map((model) => `${model.name}  ${model.base}/${model.type}${model.format ? `  ${model.format}` : ''}  ${model.key}`) : ['no models'];
		context.output.result({ models: list.map(({ key, hash, name, base: modelBase, type: modelType, format }) => ({ key, hash, name, base: modelBase, type: modelType, format })) }, text);
	},
};

const boards: Command = {
	name: 'boards',
	positionals: [],
	synopsis: '',
	summary: 'The boards, with their ids and image counts: what --board takes.',
	details: [],
	options: {},
	async run(context) {
		const list = await connect(context).listBoards({}, context.signal);
		const count = (n: number | null | undefined) => (typeof n === 'number' ? `  ${n} image${n === 1 ? '' : 's'}` : '');
		const text = list.length > 0 ? list.map((board) => `${board.board_id}  ${board.board_name}${count(board.image_count)}`) : ['no boards'];
		context.output.result({ boards: list }, text);
	},
};

/** Pages of the library read at most, of PER_PAGE each. */
const MAX_PAGES = 20;
const PER_PAGE = 100;

const workflows: Command = {
	name: 'workflows',
	positionals: [],
	synopsis: '[--category C] [--query TEXT]',
	summary: "The workflows in InvokeAI's library, with the ids `run` and `inputs` take.",
	details: ['  --category C         only this category: user, default, project (repeatable)', '  --query TEXT         only workflows whose name, description or tags hold TEXT'],
	options: { category: 'list', query: 'value' },
	async run(context) {
		const invokeai = connect(context);
		const categories = context.args.lists.get('category')?.map((category) => category.trim()).filter(Boolean);
		const query = context.args.values.get('query')?.trim() || undefined;
		const records: WorkflowRecord[] = [];
		for (let page = 0; page < MAX_PAGES; page++) {
			const list = await invokeai.listWorkflows({ categories, query, page, perPage: PER_PAGE }, context.signal);
			records.push(...list.items);
			if (list.items.length === 0 || typeof list.pages !== 'number' || page + 1 >= list.pages) break;
		}
		const text = records.length > 0 ? records.map((record) => `${record.workflow_id}  ${record.name ?? ''}${record.category ? `  (${record.category})` : ''}`) : ['no workflows'];
		context.output.result({ workflows: records }, text);
	},
};

export const INVOKEAI_EXTRA_COMMANDS: Command[] = [models, boards, workflows];
