// `genflows invokeai`'s own arguments: the workflow (a JSON file, else a library id), and the
// `--set name=value` / `--file name=path` input values, typed by the server's templates. The core
// checks every value (planInputValues); this turns command-line text into the JSON value an input
// takes, and names the flag at fault when the core refuses one.
import { isApiError, isInputError } from '../../../nodes/shared/core/errors.ts';
import type { InvokeAI } from '../../../nodes/shared/providers/invokeai/api.ts';
import type { WorkflowInput } from '../../../nodes/shared/providers/invokeai/workflow/inputs.ts';
import { discoverInputs, requireInput } from '../../../nodes/shared/providers/invokeai/workflow/inputs.ts';
import type { FieldType, NodeTemplates } from '../../../nodes/shared/providers/invokeai/workflow/templates.ts';
import { planInputValues } from '../../../nodes/shared/providers/invokeai/workflow/values.ts';
import type { Workflow } from '../../../nodes/shared/providers/invokeai/workflow/workflowSchema.ts';
import { parseWorkflow } from '../../../nodes/shared/providers/invokeai/workflow/workflowSchema.ts';
import type { CliRuntime } from '../../runtime/cliRuntime.ts';
import type { ParsedArgs } from '../args.ts';
import { keyValue, UsageError } from '../args.ts';
import { uploadFromPath } from '../inputFiles.ts';

export const WORKFLOW_ARGUMENT = '<workflow>';

export interface LoadedWorkflow {
	workflow: Workflow;
	/** The workflow's name, if it has one. */
	name?: string;
	/** Where it came from: a file path or a library id. */
	source: { file: string } | { workflowId: string };
}

/** Looks like a path rather than a library id: a folder separator or a .json ending. */
const PATH_LIKE = /[/\\]|\.json$/i;

/**
 * The `<workflow>` argument: a file that can be read is read as a workflow (exported from InvokeAI's
 * editor, or a library record); otherwise a library id, fetched from the server.
 */
export async function loadWorkflow(runtime: CliRuntime, text: string, invokeai: InvokeAI, signal: AbortSignal): Promise<LoadedWorkflow> {
	const ref = text.trim();
	if (!ref) throw new UsageError(WORKFLOW_ARGUMENT, `${WORKFLOW_ARGUMENT} is empty: name a workflow JSON file or the id of a workflow in the library`);
	let bytes: Uint8Array | undefined;
	let readError: unknown;
	try {
		bytes = await runtime.readFile(ref);
	} catch (error) {
		readError = error;
	}
	if (bytes !== undefined) return { ...workflowFromFile(ref, bytes), source: { file: ref } };
	if (PATH_LIKE.test(ref)) {
		throw new UsageError(WORKFLOW_ARGUMENT, `cannot read "${ref}" (${readError instanceof Error ? readError.message : String(readError)})`);
	}
	try {
		const found = await invokeai.getWorkflow(ref, signal);
		return { workflow: found.workflow, ...(found.name ? { name: found.name } : {}), source: { workflowId: found.workflowId } };
	} catch (error) {
		if (isApiError(error) && error.status === 404) {
			throw new UsageError(WORKFLOW_ARGUMENT, `"${ref}" is neither a file here nor the id of a workflow in InvokeAI's library (\`genflows invokeai workflows\` lists them)`);
		}
		if (isInputError(error)) throw new UsageError(WORKFLOW_ARGUMENT, `the library workflow "${ref}" cannot be run: ${error.message}`);
		throw error;
	}
}

function workflowFromFile(path: string, bytes: Uint8Array): { workflow: Workflow; name?: string } {
	const text = new TextDecoder().decode(bytes);
	let parsed: unknown;
	try {
		parsed = JSON.parse(text);
	} catch (error) {
		throw new UsageError(WORKFLOW_ARGUMENT, `"${path}" is not JSON (${error instanceof Error ? error.message : String(error)}), so not an InvokeAI workflow`);
	}
	try {
		const workflow = parseWorkflow(parsed);
		const name = typeof workflow.name === 'string' && workflow.name.trim() ? workflow.name.trim() : undefined;
		return { workflow, ...(name ? { name } : {}) };
	} catch (error) {
		if (isInputError(error)) throw new UsageError(WORKFLOW_ARGUMENT, `"${path}" is not an InvokeAI workflow: ${error.message}`);
		throw error;
	}
}

/** One value given on the command line, with the flag that gave it (for messages). */
export interface GivenValue {
	name: string;
	value: unknown;
	/** e.g. `--set Positive Prompt`. */
	argument: string;
}

export interface GivenValues {
	values: GivenValue[];
	/** The flag for each input label the core may name (`inputs.<label>`). */
	arguments: Map<string, string>;
}

/** `--set` and `--file` pairs split, before anything is sent: one without `=` is a bad argument. */
export function valuePairs(args: ParsedArgs): Array<{ option: 'set' | 'file'; name: string; text: string }> {
	const pairs: Array<{ option: 'set' | 'file'; name: string; text: string }> = [];
	for (const option of ['set', 'file'] as const) {
		for (const raw of args.lists.get(option) ?? []) {
			const [name, text] = keyValue(option, raw);
			if (!name.trim()) throw new UsageError(`--${option}`, `--${option} wants name=value; got "${raw}"`);
			pairs.push({ option, name: name.trim(), text });
		}
	}
	return pairs;
}

/**
 * The values of `--set` (typed by each input's template) and `--file` (read), checked by the core
 * as a run would check them; a refusal is a UsageError naming the flag and the input.
 */
export async function givenValues(runtime: CliRuntime, args: ParsedArgs, workflow: Workflow, templates: NodeTemplates): Promise<GivenValues> {
	const inputs = discoverInputs(workflow, templates);
	const values: GivenValue[] = [];
	const argumentsByLabel = new Map<string, string>();
	for (const { option, name, text } of valuePairs(args)) {
		const argument = `--${option} ${name}`;
		let input: WorkflowInput;
		try {
			input = requireInput(inputs, name, workflow, templates);
		} catch (error) {
			if (isInputError(error)) throw new UsageError(argument, error.message);
			throw error;
		}
		const value = option === 'file' ? await uploadFromPath(runtime, argument, text) : typedValue(input.type, text);
		values.push({ name, value, argument });
		argumentsByLabel.set(input.label, argument);
	}
	const given = { values, arguments: argumentsByLabel };
	withArgumentNames(given, () => planInputValues(workflow, templates, values, inputs));
	return given;
}

/** Runs `action`; an InputError on one of the given inputs becomes a UsageError naming its flag. */
export function withArgumentNames<T>(given: GivenValues, action: () => T): T {
	try {
		return action();
	} catch (error) {
		throw asUsageError(given, error);
	}
}

export function asUsageError(given: GivenValues, error: unknown): unknown {
	if (!isInputError(error) || !error.parameter.startsWith('inputs.')) return error;
	const argument = given.arguments.get(error.parameter.slice('inputs.'.length));
	return argument === undefined ? error : new UsageError(argument, error.message);
}

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;

/**
 * Command-line text as the value an input of `type` takes: numbers and true/false read as such,
 * JSON for lists and objects; text the type cannot read is passed on as text, for the core to
 * refuse with what the input takes.
 */
export function typedValue(type: FieldType, text: string): unknown {
	const trimmed = text.trim();
	switch (type.kind) {
		case 'string':
			return text;
		case 'integer':
		case 'float':
			return NUMBER.test(trimmed) ? Number(trimmed) : text;
		case 'boolean': {
			const word = trimmed.toLowerCase();
			if (['true', 'yes', 'on', '1'].includes(word)) return true;
			if (['false', 'no', 'off', '0'].includes(word)) return false;
			return text;
		}
		case 'enum':
			if (type.options.includes(text)) return text;
			return NUMBER.test(trimmed) && type.options.includes(Number(trimmed)) ? Number(trimmed) : text;
		case 'collection':
			if (trimmed.startsWith('[')) return jsonOr(trimmed, text);
			return typedValue(type.item, text);
		case 'image':
		case 'board':
		case 'model':
		case 'color':
			return trimmed.startsWith('{') ? jsonOr(trimmed, text) : text;
		case 'other':
			return jsonOr(trimmed, text);
	}
}

function jsonOr(json: string, text: string): unknown {
	try {
		return JSON.parse(json);
	} catch {
		return text;
	}
}

/** The argument a core InputError's parameter stands for. */
export function invokeaiArgumentFor(parameter: string): string | undefined {
	if (parameter.startsWith('inputs.')) return `--set ${parameter.slice('inputs.'.length)}`;
	return NAMED_PARAMETERS.get(parameter);
}

const NAMED_PARAMETERS = new Map([
	['inputs', '--set'],
	['workflow', WORKFLOW_ARGUMENT],
	['workflowId', WORKFLOW_ARGUMENT],
	['runs', '--runs'],
	['board', '--board'],
	['itemId', '<item_id>'],
	['baseUrl', '--url'],
]);
