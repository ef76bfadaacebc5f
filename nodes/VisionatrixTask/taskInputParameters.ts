import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { InputError } from '../shared/core/errors.ts';
import type { Visionatrix } from '../shared/providers/visionatrix/api.ts';
import type { Flow } from '../shared/providers/visionatrix/schemas.ts';
import type { FileInput, FlowInputValue, TaskInput } from '../shared/providers/visionatrix/taskInput.ts';
import { isFileInput } from '../shared/providers/visionatrix/taskInput.ts';
import { readInputBinary } from '../shared/n8n/binary.ts';
import { flowLocator, groupScopeField } from './descriptions.ts';

/** Flow, inputs and the submission options shared by "Run Flow and Wait" and "Create Task". */
export const taskInputProperties: INodeProperties[] = [
	flowLocator,
	{
		displayName: 'Flow Inputs',
		name: 'flowInputs',
		type: 'resourceMapper',
		noDataExpression: true,
		default: { mappingMode: 'defineBelow', value: null },
		required: true,
		typeOptions: {
			loadOptionsDependsOn: ['flow.value'],
			resourceMapper: {
				resourceMapperMethod: 'getFlowInputs',
				mode: 'add',
				fieldWords: { singular: 'input', plural: 'inputs' },
				addAllFields: true,
				multiKeyMatch: false,
				supportAutoMap: false,
			},
		},
		description:
			'Values for the flow\'s inputs. For an image or video input, give the name of the binary field of the incoming item that holds the file.',
	},
];

export const submitOptions: INodeProperties[] = [
	{
		displayName: 'Count',
		name: 'count',
		type: 'number',
		default: 1,
		typeOptions: { minValue: 1 },
		description: 'How many tasks to create from these inputs (seeds count up from Seed)',
	},
	groupScopeField,
	{
		displayName: 'Priority',
		name: 'priority',
		type: 'number',
		default: 0,
		typeOptions: { minValue: 0, maxValue: 15 },
		description: 'Queue priority from 0 to 15; higher runs first',
	},
	{
		displayName: 'Seed',
		name: 'seed',
		type: 'number',
		default: 0,
		description: 'Seed for flows that support one; leave empty or 0 for a random seed per task',
	},
	{
		displayName: 'Translate Prompt',
		name: 'translate',
		type: 'boolean',
		default: false,
		description: 'Whether the server should translate non-English prompts (needs a translation provider on the server)',
	},
];

export interface SubmitOptions {
	count?: number;
	groupScope?: number;
	priority?: number;
	seed?: number;
	translate?: boolean;
}

/** The flow an item asks for (checked against the server) and the task input built from its parameters. */
export async function readSubmission(
	context: IExecuteFunctions,
	itemIndex: number,
	visionatrix: Visionatrix,
	options: SubmitOptions,
	signal?: AbortSignal,
): Promise<{ flow: Flow; input: TaskInput }> {
	const flowName = context.getNodeParameter('flow', itemIndex, '', { extractValue: true }) as string;
	const flow = await visionatrix.getInstalledFlow(flowName, signal);
	return { flow, input: await readTaskInput(context, itemIndex, flow, options) };
}

/** Reads the mapped flow inputs of an item; file inputs name a binary field of that item. */
export async function readTaskInput(
	context: IExecuteFunctions,
	itemIndex: number,
	flow: Flow,
	options: SubmitOptions,
): Promise<TaskInput> {
	const mapped = (context.getNodeParameter('flowInputs.value', itemIndex, {}) ?? {}) as IDataObject;
	const params = new Map(flow.input_params.map((param) => [param.name, param]));
	const inputs: Record<string, FlowInputValue> = {};
	const files: Record<string, FileInput> = {};

	for (const [name, raw] of Object.entries(mapped)) {
		if (raw === null || raw === undefined || raw === '') continue;
		const param = params.get(name);
		if (param && isFileInput(param) && typeof raw === 'string' && !raw.trim().startsWith('{')) {
			files[name] = await readInputBinary(context, itemIndex, raw.trim(), `files.${name}`);
			continue;
		}
		if (typeof raw === 'object') {
			throw new InputError(`inputs.${name}`, `Input "${name}" needs a text, number or true/false value, not an object.`);
		}
		inputs[name] = raw as FlowInputValue;
	}

	return {
		inputs,
		files,
		count: options.count,
		groupScope: options.groupScope,
		priority: options.priority,
		seed: options.seed ? options.seed : undefined,
		translate: options.translate,
	};
}
