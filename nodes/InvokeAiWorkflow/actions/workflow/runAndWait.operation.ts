import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { readInputBinary } from '../../../shared/n8n/binary.ts';
import { binaryPropertyField, binaryPropertyName, readTimeoutMs, timeoutField } from '../../../shared/n8n/fields.ts';
import { jobItems } from '../../../shared/n8n/jobItems.ts';
import type { ItemContext } from '../../../shared/n8n/router.ts';
import type { InvokeAI } from '../../../shared/providers/invokeai/api.ts';
import { invokeaiJobs } from '../../../shared/providers/invokeai/job.ts';
import type { OutputSelection } from '../../../shared/providers/invokeai/outputs.ts';
import { itemSummary } from '../../../shared/providers/invokeai/queueItem.ts';
import type { WorkflowInput } from '../../../shared/providers/invokeai/workflow/inputs.ts';
import { discoverInputs, findInput } from '../../../shared/providers/invokeai/workflow/inputs.ts';
import type { FieldType } from '../../../shared/providers/invokeai/workflow/templates.ts';
import type { Workflow } from '../../../shared/providers/invokeai/workflow/workflowSchema.ts';
import { readWorkflow, workflowSourceProperties } from '../../workflowSource.ts';

/** An image input's value that names a binary field of the item: `binary:<field>`. */
export const BINARY_VALUE = /^binary:(.+)$/;

const properties: INodeProperties[] = [
	...workflowSourceProperties,
	{
		displayName: 'Input Values',
		name: 'inputValues',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Input Value',
		default: {},
		description:
			'Values for the workflow\'s inputs; the rest keep the workflow\'s own. For an image input give binary:&lt;field&gt; (e.g. binary:data) to upload that binary field of the item. A model is given by name or key, a board by name or ID.',
		options: [
			{
				displayName: 'Value',
				name: 'values',
				values: [
					{
						displayName: 'Input Name or ID',
						name: 'name',
						type: 'options',
						typeOptions: { loadOptionsMethod: 'getWorkflowInputs', loadOptionsDependsOn: ['workflowSource', 'workflowId.value', 'workflowJson'] },
						default: '',
						description:
							'Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
					},
					{
						displayName: 'Value',
						name: 'value',
						type: 'string',
						default: '',
						description: 'Numbers, booleans and JSON lists are read from the text; binary:&lt;field&gt; for an image',
					},
				],
			},
		],
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Board',
				name: 'board',
				type: 'string',
				default: '',
				description: 'Board (name or ID) for the images of board inputs left on "auto"; a name no board has is created',
			},
			{
				displayName: 'Keep Other Items on Failure',
				name: 'keepOthersOnFailure',
				type: 'boolean',
				default: false,
				description: 'Whether a failed queue item leaves the run\'s other items running (by default they are cancelled)',
			},
			{
				displayName: 'Outputs',
				name: 'outputs',
				type: 'options',
				options: [
					{ name: 'All Images', value: 'all', description: 'Every image the run made, intermediate ones included' },
					{ name: 'Output Nodes', value: 'output-nodes', description: 'The images of the workflow\'s output nodes' },
				],
				default: 'output-nodes',
				description: 'Which images to return',
			},
			{
				displayName: 'Put at Front of Queue',
				name: 'prepend',
				type: 'boolean',
				default: false,
				description: 'Whether to queue the batch before the items already waiting',
			},
			binaryPropertyField,
			{
				displayName: 'Runs',
				name: 'runs',
				type: 'number',
				default: 1,
				typeOptions: { minValue: 1 },
				description: 'How many times the workflow runs (InvokeAI\'s Runs)',
			},
			timeoutField('queue items', 'are cancelled on the server'),
		],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['workflow'], operation: ['runAndWait'] } }, properties);

interface RunOptions {
	board?: string;
	keepOthersOnFailure?: boolean;
	outputs?: OutputSelection;
	prepend?: boolean;
	binaryPropertyName?: string;
	runs?: number;
	timeout?: number;
}

interface ValueEntry {
	name?: string;
	value?: unknown;
}

/** One item per output image (the shared convention, see jobItems), each with its queue item's JSON. */
export async function execute(this: IExecuteFunctions, { itemIndex, client: invokeai, signal }: ItemContext<InvokeAI>): Promise<INodeExecutionData[]> {
	const options = this.getNodeParameter('options', itemIndex, {}) as RunOptions;
	const timeoutMs = readTimeoutMs(options.timeout);
	const workflow = await readWorkflow(this, invokeai, itemIndex, signal);
	const values = await readValues(this, invokeai, workflow, itemIndex, signal);
	const run = await invokeai.runWorkflow({
		workflow,
		values,
		runs: options.runs,
		prepend: options.prepend === true,
		board: options.board,
		outputs: options.outputs,
		keepOthersOnFailure: options.keepOthersOnFailure === true,
		timeoutMs,
		signal,
		onProgress: (progress, item, place) =>
			this.logger.debug(`InvokeAI item ${item.item_id} (${place.index + 1}/${place.count}): ${progress.phase}${progress.stage ? ` ${progress.stage}` : ''}`),
	});
	for (const warning of run.warnings) this.logger.warn(`InvokeAI: ${warning}`);
	return await jobItems(this, invokeaiJobs(invokeai), run.items, {
		binaryProperty: binaryPropertyName(options.binaryPropertyName),
		json: (item) => ({ ...itemSummary(item), ...(run.warnings.length ? { warnings: run.warnings } : {}) }) as IDataObject,
	});
}

/**
 * The Input Values as the module takes them: pairs of name and value, text read as JSON where it
 * is a number, boolean or list, and `binary:<field>` for an image input read from the item.
 */
async function readValues(context: IExecuteFunctions, invokeai: InvokeAI, workflow: Workflow, itemIndex: number, signal?: AbortSignal): Promise<Array<{ name: string; value: unknown }>> {
	const entries = (context.getNodeParameter('inputValues.values', itemIndex, []) as ValueEntry[]) ?? [];
	let inputs: { list: WorkflowInput[]; templates: Awaited<ReturnType<InvokeAI['openApi']>> } | undefined;
	const inputNamed = async (name: string) => {
		if (!inputs) {
			const templates = await invokeai.openApi(signal);
			inputs = { list: discoverInputs(workflow, templates), templates };
		}
		return findInput(inputs.list, name, workflow, inputs.templates);
	};
	const pairs: Array<{ name: string; value: unknown }> = [];
	for (const entry of entries) {
		const name = String(entry.name ?? '').trim();
		const raw = entry.value;
		const binary = typeof raw === 'string' ? BINARY_VALUE.exec(raw.trim()) : null;
		const input = await inputNamed(name);
		if (binary && takesImage(input?.type)) {
			const field = binary[1].trim();
			const file = await readInputBinary(context, itemIndex, field, `inputs.${name}`, `input "${name}"`);
			pairs.push({ name, value: file });
			continue;
		}
		// Text, model, board and image inputs take the text as it is (a name may be digits); others read numbers, booleans and lists from it.
		pairs.push({ name, value: typeof raw === 'string' && !TEXT_KINDS.has(input?.type.kind ?? '') ? readText(raw) : raw });
	}
	return pairs;
}

const TEXT_KINDS: ReadonlySet<string> = new Set(['string', 'model', 'board', 'image']);

function takesImage(type: FieldType | undefined): boolean {
	if (!type) return false;
	return type.kind === 'image' || (type.kind === 'collection' && type.item.kind === 'image');
}

/** Text from a string field: JSON numbers, booleans, null and lists as such, anything else as the text. */
function readText(text: string): unknown {
	const trimmed = text.trim();
	if (/^(-?\d+(\.\d+)?([eE][+-]?\d+)?|true|false|null)$/.test(trimmed) || /^\[.*\]$/s.test(trimmed) || /^\{.*\}$/s.test(trimmed)) {
		try {
			return JSON.parse(trimmed);
		} catch {
			return text;
		}
	}
	return text;
}
