// Runtime-neutral: web-standard APIs only (no node:, Deno, process), so n8n, Node and Deno share it.
//
// Values a user gives a workflow's inputs, checked against the server's types before anything is
// sent: the queue takes a graph only whole, so one wrong value would refuse the lot (422), and a
// missing model only shows when the item fails. Images, boards and models named here are found
// on the server later (the API module implements ValueResolver); until then they are a
// PlannedValue saying what to look up or upload.
import { InputError } from '../../../core/errors.ts';
import { requireImage } from '../../../core/inputChecks.ts';
import type { WorkflowInput } from './inputs.ts';
import { discoverInputs, requireInput } from './inputs.ts';
import type { FieldType, NodeTemplates } from './templates.ts';
import type { Workflow } from './workflowSchema.ts';
import { isInvocationNode, isRecord } from './workflowSchema.ts';

/** A file for an image input, uploaded before the run. */
export interface FileInput {
	data: Uint8Array;
	fileName?: string;
	mimeType?: string;
}

/** A model as a user names it: its key, its name (with base and type to tell same-named ones apart), or either. */
export type ModelRef = { key: string } | { name: string; base?: string; type?: string } | { keyOrName: string };

/** Which models an input takes (the template's `ui_model_*`); a missing list allows any. */
export interface ModelFilter {
	bases?: string[];
	types?: string[];
	formats?: string[];
	variants?: string[];
}

/** InvokeAI's ModelIdentifierField, as graphs and workflows hold a model. */
export interface ModelIdentifier {
	key: string;
	hash: string;
	name: string;
	base: string;
	type: string;
	submodel_type?: string | null;
}

export type PlannedValue =
	/** Goes into the node as it is. */
	| { kind: 'ready'; value: unknown }
	/** Upload the file (`POST /api/v1/images/upload`), then use `{image_name}`. */
	| { kind: 'upload-image'; file: FileInput }
	/** A board by id or name; use `{board_id}`. */
	| { kind: 'find-board'; ref: string }
	/** A model by key or name among those the input takes; use its ModelIdentifierField. */
	| { kind: 'find-model'; ref: ModelRef; filter: ModelFilter }
	/** A list whose items are planned one by one. */
	| { kind: 'list'; items: PlannedValue[] };

export interface PlannedInputValue {
	input: WorkflowInput;
	/** The parameter errors name: `inputs.<label>`. */
	parameter: string;
	planned: PlannedValue;
}

/** A value for one node input, ready for the graph. */
export interface InputValue {
	nodeId: string;
	fieldName: string;
	value: unknown;
}

/** Values by input name (label or `<node id>.<field>`), as an object or as a list of pairs. */
export type GivenInputs = Record<string, unknown> | Array<{ name: string; value: unknown }>;

/** The server look-ups a PlannedValue may need, done by the API module. */
export interface ValueResolver {
	uploadImage(file: FileInput, input: WorkflowInput): Promise<{ image_name: string }>;
	findBoard(ref: string, input: WorkflowInput): Promise<{ board_id: string }>;
	findModel(ref: ModelRef, filter: ModelFilter, input: WorkflowInput): Promise<ModelIdentifier>;
}

/**
 * Checks each given value against its input's type and says what is left to do on the server.
 * An unknown name, a name given twice, a value for a connected input or a value of the wrong
 * type is an InputError on `inputs.<name>`.
 */
export function planInputValues(
	workflow: Workflow,
	templates: NodeTemplates,
	given: GivenInputs,
	inputs: WorkflowInput[] = discoverInputs(workflow, templates),
): PlannedInputValue[] {
	const pairs = Array.isArray(given) ? given : Object.entries(given).map(([name, value]) => ({ name, value }));
	const seen = new Map<string, string>();
	return pairs.map(({ name, value }) => {
		const input = requireInput(inputs, name, workflow, templates);
		const parameter = `inputs.${input.label}`;
		const key = `${input.nodeId}.${input.fieldName}`;
		const earlier = seen.get(key);
		if (earlier !== undefined) {
			throw new InputError(parameter, `Input "${input.label}" is given twice ("${earlier}" and "${name}"); give it once.`);
		}
		seen.set(key, name);
		return { input, parameter, planned: checkInputValue(input, value, parameter) };
	});
}

/** One value for one input: checked, and planned. */
export function checkInputValue(input: WorkflowInput, value: unknown, parameter = `inputs.${input.label}`): PlannedValue {
	const what = `Input "${input.label}"`;
	if (input.connected) {
		throw new InputError(parameter, `${what} is fed by a connection from another node, so a value given here would not be used.`);
	}
	if (input.input === 'connection') {
		throw new InputError(parameter, `${what} is filled only by a connection from another node; it takes no value.`);
	}
	if (value === undefined) throw new InputError(parameter, `${what} was given no value.`);
	if (value === null) {
		if (input.nullable) return ready(null);
		throw new InputError(parameter, `${what} cannot be left empty (null); it takes ${expected(input.type)}.`);
	}
	if (!input.template) return ready(value);
	return checkValue(input.type, value, { what, parameter });
}

interface Context {
	what: string;
	parameter: string;
}

function checkValue(type: FieldType, value: unknown, context: Context): PlannedValue {
	switch (type.kind) {
		case 'string':
			if (typeof value !== 'string') return refuse(context, type, value);
			if (type.minLength !== undefined && value.length < type.minLength) return refuse(context, type, value, `at least ${type.minLength} characters`);
			if (type.maxLength !== undefined && value.length > type.maxLength) return refuse(context, type, value, `at most ${type.maxLength} characters`);
			return ready(value);
		case 'integer':
		case 'float':
			return checkNumber(type, value, context);
		case 'boolean':
			return typeof value === 'boolean' ? ready(value) : refuse(context, type, value);
		case 'enum': {
			if ((typeof value === 'string' || typeof value === 'number') && type.options.includes(value)) return ready(value);
			// The label the UI shows for an option ("Heun (2nd order)") stands for it too.
			const labelled = typeof value === 'string' && type.optionLabels ? Object.entries(type.optionLabels).find(([, label]) => label.toLowerCase() === value.trim().toLowerCase()) : undefined;
			return labelled && type.options.includes(labelled[0]) ? ready(labelled[0]) : refuse(context, type, value);
		}
		case 'image':
			return checkImage(value, context);
		case 'board':
			return checkBoard(value, context);
		case 'model':
			return checkModel(type, value, context);
		case 'color':
			return checkColor(value, context);
		case 'collection':
			return checkCollection(type, value, context);
		case 'other':
			return ready(value);
	}
}

function checkNumber(type: Extract<FieldType, { kind: 'integer' | 'float' }>, value: unknown, context: Context): PlannedValue {
	if (typeof value !== 'number' || !Number.isFinite(value)) return refuse(context, type, value);
	if (type.kind === 'integer' && !Number.isSafeInteger(value)) return refuse(context, type, value);
	const { minimum, maximum, exclusiveMinimum, exclusiveMaximum, multipleOf } = type;
	if (minimum !== undefined && value < minimum) return refuse(context, type, value, `${minimum} or more`);
	if (maximum !== undefined && value > maximum) return refuse(context, type, value, `${maximum} or less`);
	if (exclusiveMinimum !== undefined && value <= exclusiveMinimum) return refuse(context, type, value, `more than ${exclusiveMinimum}`);
	if (exclusiveMaximum !== undefined && value >= exclusiveMaximum) return refuse(context, type, value, `less than ${exclusiveMaximum}`);
	if (multipleOf !== undefined && multipleOf > 0) {
		const ratio = value / multipleOf;
		if (Math.abs(ratio - Math.round(ratio)) > 1e-9) return refuse(context, type, value, `a multiple of ${multipleOf}`);
	}
	return ready(value);
}

function checkImage(value: unknown, context: Context): PlannedValue {
	if (isFileInput(value)) {
		requireImage(context.parameter, value);
		return { kind: 'upload-image', file: value };
	}
	if (typeof value === 'string' && value.trim()) return ready({ image_name: value.trim() });
	if (isRecord(value) && typeof value.image_name === 'string' && value.image_name.trim()) return ready({ image_name: value.image_name.trim() });
	return refuse(context, { kind: 'image', name: 'ImageField' }, value);
}

function checkBoard(value: unknown, context: Context): PlannedValue {
	if (typeof value === 'string') {
		const text = value.trim();
		// "auto", "none" and "" are the UI's own values: the graph then leaves the board out.
		if (text === '' || text === 'auto' || text === 'none') return ready(text);
		return { kind: 'find-board', ref: text };
	}
	if (isRecord(value) && typeof value.board_id === 'string' && value.board_id.trim()) return ready({ board_id: value.board_id.trim() });
	return refuse(context, { kind: 'board', name: 'BoardField' }, value);
}

function checkModel(type: Extract<FieldType, { kind: 'model' }>, value: unknown, context: Context): PlannedValue {
	const filter: ModelFilter = {
		...(type.bases ? { bases: type.bases } : {}),
		...(type.types ? { types: type.types } : {}),
		...(type.formats ? { formats: type.formats } : {}),
		...(type.variants ? { variants: type.variants } : {}),
	};
	if (typeof value === 'string') {
		return value.trim() ? { kind: 'find-model', ref: { keyOrName: value.trim() }, filter } : refuse(context, type, value);
	}
	if (!isRecord(value)) return refuse(context, type, value);
	const text = (key: string): string | undefined => (typeof value[key] === 'string' && (value[key] as string).trim() ? (value[key] as string).trim() : undefined);
	const [key, hash, name, base, modelType] = ['key', 'hash', 'name', 'base', 'type'].map(text);
	if (base !== undefined && type.bases && !type.bases.includes(base) && !type.bases.includes('any')) {
		throw new InputError(context.parameter, `${context.what} takes a model of base ${list(type.bases)}; "${name ?? key}" is a ${base} model.`);
	}
	if (modelType !== undefined && type.types && !type.types.includes(modelType)) {
		throw new InputError(context.parameter, `${context.what} takes a model of type ${list(type.types)}; "${name ?? key}" is of type ${modelType}.`);
	}
	if (key && hash && name && base && modelType) {
		const submodel = value.submodel_type;
		return ready({ key, hash, name, base, type: modelType, ...(typeof submodel === 'string' ? { submodel_type: submodel } : {}) });
	}
	if (key) return { kind: 'find-model', ref: { key }, filter };
	if (name) return { kind: 'find-model', ref: { name, ...(base ? { base } : {}), ...(modelType ? { type: modelType } : {}) }, filter };
	return refuse(context, type, value);
}

function checkColor(value: unknown, context: Context): PlannedValue {
	if (typeof value === 'string') {
		const hex = /^#?([0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})$/i.exec(value.trim())?.[1];
		if (hex) {
			const digits = hex.length <= 4 ? [...hex].map((digit) => digit + digit).join('') : hex;
			const [r, g, b, a = 255] = (digits.match(/../g) ?? []).map((pair) => parseInt(pair, 16));
			return ready({ r, g, b, a });
		}
	} else if (isRecord(value)) {
		const channel = (key: string, fallback?: number): number | undefined => {
			const part = value[key] ?? fallback;
			return typeof part === 'number' && Number.isInteger(part) && part >= 0 && part <= 255 ? part : undefined;
		};
		const [r, g, b, a] = [channel('r'), channel('g'), channel('b'), channel('a', 255)];
		if (r !== undefined && g !== undefined && b !== undefined && a !== undefined) return ready({ r, g, b, a });
	}
	return refuse(context, { kind: 'color', name: 'ColorField' }, value);
}

function checkCollection(type: Extract<FieldType, { kind: 'collection' }>, value: unknown, context: Context): PlannedValue {
	if (!Array.isArray(value)) {
		if (type.orSingle) return checkValue(type.item, value, context);
		return refuse(context, type, value);
	}
	if (type.minItems !== undefined && value.length < type.minItems) return refuse(context, type, value, `at least ${type.minItems} items`);
	if (type.maxItems !== undefined && value.length > type.maxItems) return refuse(context, type, value, `at most ${type.maxItems} items`);
	const items = value.map((item, index) => {
		if (item === null || item === undefined) throw new InputError(context.parameter, `${context.what}: item ${index + 1} of the list is empty.`);
		return checkValue(type.item, item, { ...context, what: `${context.what}, item ${index + 1},` });
	});
	return items.every((item) => item.kind === 'ready') ? ready(items.map((item) => (item as { value: unknown }).value)) : { kind: 'list', items };
}

function ready(value: unknown): PlannedValue {
	return { kind: 'ready', value };
}

function refuse(context: Context, type: FieldType, value: unknown, bound?: string): never {
	const takes = bound ? `${expected(type)}, ${bound}` : expected(type);
	throw new InputError(context.parameter, `${context.what} takes ${takes}; got ${describeValue(value)}.`);
}

/** What a type takes, in words: "a whole number", "one of: euler, ddim". */
export function expected(type: FieldType): string {
	switch (type.kind) {
		case 'string':
			return 'text';
		case 'integer':
			return 'a whole number';
		case 'float':
			return 'a number';
		case 'boolean':
			return 'true or false';
		case 'enum':
			return `one of: ${type.options.join(', ')}`;
		case 'image':
			return 'an image: a file, or the name of an image on the server ({"image_name": "…"})';
		case 'board':
			return 'a board: its id or name, {"board_id": "…"}, "auto" or "none"';
		case 'model':
			return `a model${type.bases ? ` of base ${list(type.bases)}` : ''}${type.types ? ` and type ${list(type.types)}` : ''}: its key or name, or {"key", "hash", "name", "base", "type"}`;
		case 'color':
			return 'a color: "#rgb", "#rrggbb", "#rrggbbaa" or {"r", "g", "b", "a"} of 0-255';
		case 'collection':
			return `a list${type.orSingle ? ' (or a single item)' : ''} whose items are each ${expected(type.item)}`;
		case 'other':
			return `a ${type.name} value`;
	}
}

function describeValue(value: unknown): string {
	if (typeof value === 'string') return `the text ${JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value)}`;
	if (typeof value === 'number' || typeof value === 'boolean') return String(value);
	if (value === null) return 'null';
	if (Array.isArray(value)) return `a list of ${value.length}`;
	if (isFileInput(value)) return `a file${value.fileName ? ` (${value.fileName})` : ''}`;
	if (isRecord(value)) {
		const text = JSON.stringify(value);
		return text.length > 80 ? `${text.slice(0, 77)}...` : text;
	}
	return typeof value;
}

function list(values: string[]): string {
	return values.length === 1 ? values[0] : `${values.slice(0, -1).join(', ')} or ${values[values.length - 1]}`;
}

function isFileInput(value: unknown): value is FileInput {
	return isRecord(value) && value.data instanceof Uint8Array;
}

/** True when the value needs the server (an upload, a board or model to find) before it can go into a graph. */
export function needsResolution(planned: PlannedValue): boolean {
	if (planned.kind === 'ready') return false;
	if (planned.kind === 'list') return planned.items.some(needsResolution);
	return true;
}

/** Does the server look-ups of one planned value, in order, and returns the value for the graph. */
export async function resolvePlannedValue(planned: PlannedValue, resolver: ValueResolver, input: WorkflowInput): Promise<unknown> {
	switch (planned.kind) {
		case 'ready':
			return planned.value;
		case 'upload-image':
			return resolver.uploadImage(planned.file, input);
		case 'find-board':
			return resolver.findBoard(planned.ref, input);
		case 'find-model':
			return resolver.findModel(planned.ref, planned.filter, input);
		case 'list': {
			const values: unknown[] = [];
			for (const item of planned.items) values.push(await resolvePlannedValue(item, resolver, input));
			return values;
		}
	}
}

/** Resolves every planned value, one after another (uploads stay in the order given). */
export async function resolveInputValues(planned: PlannedInputValue[], resolver: ValueResolver): Promise<InputValue[]> {
	const values: InputValue[] = [];
	for (const { input, planned: value } of planned) {
		values.push({ nodeId: input.nodeId, fieldName: input.fieldName, value: await resolvePlannedValue(value, resolver, input) });
	}
	return values;
}

/** The values when none needs the server; otherwise an InputError naming the first that does. */
export function readyInputValues(planned: PlannedInputValue[]): InputValue[] {
	return planned.map(({ input, parameter, planned: value }) => {
		if (needsResolution(value)) throw new InputError(parameter, `Input "${input.label}" needs the server to find or upload what it names.`);
		return { nodeId: input.nodeId, fieldName: input.fieldName, value: (value as { value: unknown }).value };
	});
}

/**
 * A copy of the workflow with these input values set, as the UI holds it after a user typed
 * them: build the graph from it, and embed it in the batch.
 */
export function withInputValues(workflow: Workflow, values: InputValue[]): Workflow {
	const copy = structuredClone(workflow);
	const nodes = new Map(copy.nodes.filter(isInvocationNode).map((node) => [node.id, node]));
	for (const { nodeId, fieldName, value } of values) {
		const node = nodes.get(nodeId);
		if (!node) throw new InputError('inputs', `The workflow has no node "${nodeId}".`);
		const existing = node.data.inputs[fieldName];
		node.data.inputs[fieldName] = existing ? { ...existing, value } : { name: fieldName, value };
	}
	return copy;
}
