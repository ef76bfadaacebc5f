// Runtime-neutral: web-standard APIs only (no node:, Deno, process), so n8n, Node and Deno share it.
import { InputError } from '../../core/errors.ts';
import type { FormPart } from '../../core/http.ts';
import { requireImage, requireWholeNumber } from '../../core/inputChecks.ts';
import type { Flow, InputParam } from './schemas.ts';

export type FlowInputValue = string | number | boolean;

export interface FileInput {
	data: Uint8Array;
	fileName: string;
	mimeType: string;
}

/** What a user asks a flow to do. Parameter names in errors refer to these fields. */
export interface TaskInput {
	/** Text-like inputs by the flow's input name. A string for a file input is sent as a task reference. */
	inputs?: Record<string, FlowInputValue>;
	/** File inputs by the flow's input name. */
	files?: Record<string, FileInput>;
	seed?: number;
	count?: number;
	priority?: number;
	translate?: boolean;
	groupScope?: number;
	webhookUrl?: string;
	webhookHeaders?: Record<string, string>;
	/**
	 * The receiver expects "/task-progress" to land in its query string, as n8n's resume URLs do
	 * (`?signature=<token>/task-progress` is parsed back into token and path). Off by default.
	 */
	webhookUrlKeepsQuery?: boolean;
}

const FILE_TYPES = new Set(['image', 'image-mask', 'video']);
const NUMBER_TYPES = new Set(['number', 'range', 'range_scale']);
const TRUE_WORDS = new Set(['true', '1', 'yes', 'y', 'on']);
const FALSE_WORDS = new Set(['false', '0', 'no', 'n', 'off']);

export function isFileInput(param: Pick<InputParam, 'type'>): boolean {
	return FILE_TYPES.has(param.type);
}

/**
 * Checks a task's inputs against the flow's definition and builds the multipart form of
 * `PUT /vapi/tasks/create/{name}`. The server turns several mistakes into a bare 500 (an unknown
 * list key, a bad bool) or silently uses "" (a missing prompt), so they are caught here instead.
 */
export function buildTaskForm(flow: Flow, input: TaskInput): FormPart[] {
	const params = new Map(flow.input_params.map((param) => [param.name, param]));
	const parts: FormPart[] = [];
	const inputs = input.inputs ?? {};
	const files = input.files ?? {};

	const unknown = (where: string, name: string) =>
		new InputError(where, `Flow "${flow.name}" has no input named "${name}". Its inputs are: ${[...params.keys()].join(', ') || 'none'}.`);
	for (const name of Object.keys(inputs)) if (!params.has(name)) throw unknown(`inputs.${name}`, name);
	for (const [name, file] of Object.entries(files)) {
		const param = params.get(name);
		if (!param) throw unknown(`files.${name}`, name);
		if (!isFileInput(param)) {
			throw new InputError(`files.${name}`, `Input "${name}" of flow "${flow.name}" is a ${param.type} input and takes a value, not a file.`);
		}
		if (file.data.byteLength === 0) {
			throw new InputError(`files.${name}`, `The file "${file.fileName}" for input "${name}" of flow "${flow.name}" is empty (0 bytes).`);
		}
		// The server stores whatever it gets and the flow fails later, or makes a picture of noise.
		if (param.type === 'image') requireImage(`files.${name}`, file);
	}

	for (const param of flow.input_params) {
		if (isFileInput(param)) {
			const file = files[param.name];
			const reference = inputs[param.name];
			if (file) parts.push({ name: param.name, data: file.data, fileName: file.fileName, mimeType: file.mimeType });
			else if (typeof reference === 'string' && reference.trim() !== '') parts.push({ name: param.name, value: taskReference(flow, param, reference) });
			else if (reference !== undefined && reference !== '') throw notAFile(flow, param, reference);
			else if (!param.optional) {
				throw new InputError(
					`files.${param.name}`,
					`Flow "${flow.name}" needs a file for its input "${param.name}" (${param.display_name}), and none was given.`,
				);
			}
			continue;
		}
		const value = inputs[param.name];
		// Omitted, the server uses the flow's default; an empty string would be sent as-is.
		if (value === undefined || value === '') {
			// The server enforces nothing for text inputs: a missing prompt silently becomes "".
			if (!param.optional) {
				throw new InputError(`inputs.${param.name}`, `Flow "${flow.name}" needs a value for its input "${param.name}" (${param.display_name}), and none was given.`);
			}
			continue;
		}
		parts.push({ name: param.name, value: formValue(flow, param, value) });
	}

	parts.push(...reservedFields(input));
	return parts;
}

function formValue(flow: Flow, param: InputParam, value: FlowInputValue): string {
	const where = `inputs.${param.name}`;
	if (param.type === 'list') {
		const keys = Object.keys(param.options ?? {});
		const key = String(value);
		if (!keys.includes(key)) {
			throw new InputError(where, `Input "${param.name}" of flow "${flow.name}" must be one of: ${keys.map((k) => `"${k}"`).join(', ')}; got "${key}".`);
		}
		return key;
	}
	if (param.type === 'bool') {
		const word = String(value).trim().toLowerCase();
		if (TRUE_WORDS.has(word)) return 'true';
		if (FALSE_WORDS.has(word)) return 'false';
		throw new InputError(where, `Input "${param.name}" of flow "${flow.name}" must be true or false; got "${value}".`);
	}
	if (NUMBER_TYPES.has(param.type)) {
		const number = typeof value === 'number' ? value : Number(String(value).trim());
		if (typeof value === 'boolean' || String(value).trim() === '' || !Number.isFinite(number)) {
			throw new InputError(where, `Input "${param.name}" of flow "${flow.name}" must be a number; got "${value}".`);
		}
		if (takesWholeNumbers(param) && !Number.isInteger(number)) {
			// ComfyUI would refuse it with a bare "prompt_outputs_failed_validation" that names no input.
			throw new InputError(where, `Input "${param.name}" of flow "${flow.name}" must be a whole number (its step is ${param.step}); got ${value}.`);
		}
		if ((param.min !== undefined && number < param.min) || (param.max !== undefined && number > param.max)) {
			throw new InputError(where, `Input "${param.name}" of flow "${flow.name}" must be between ${param.min ?? '-∞'} and ${param.max ?? '∞'}; got ${number}.`);
		}
		return String(number);
	}
	return String(value);
}

/** A range whose step and lower bound are whole numbers feeds an INT input of a ComfyUI node. */
function takesWholeNumbers(param: InputParam): boolean {
	return param.step !== undefined && Number.isInteger(param.step) && (param.min === undefined || Number.isInteger(param.min));
}

/** A text value for a file input must reference another task's file, e.g. {"task_id": 42, "node_id": 9}. */
function taskReference(flow: Flow, param: InputParam, text: string): string {
	let parsed: unknown;
	try {
		parsed = JSON.parse(text);
	} catch {
		throw notAFile(flow, param, text);
	}
	if (typeof parsed !== 'object' || parsed === null || !('task_id' in parsed || 'remote_url' in parsed)) throw notAFile(flow, param, text);
	return text;
}

function notAFile(flow: Flow, param: InputParam, value: FlowInputValue): InputError {
	return new InputError(
		`inputs.${param.name}`,
		`Input "${param.name}" of flow "${flow.name}" takes a file (${param.type}), not the value ${JSON.stringify(value)}.`,
		`Give it a file (genflows: --file ${param.name}=PATH), or a reference to another task's output such as {"task_id": 42, "node_id": 9}.`,
	);
}

function reservedFields(input: TaskInput): FormPart[] {
	const parts: FormPart[] = [];
	const integer = (name: string, label: string, value: number | undefined, min: number, max?: number): void => {
		if (value === undefined) return;
		parts.push({ name: snakeCase(name), value: String(requireWholeNumber(name, label, value, min, max)) });
	};
	integer('seed', 'seed', input.seed, 0);
	integer('count', 'count', input.count, 1, 1000);
	integer('priority', 'priority', input.priority, 0, 15);
	integer('groupScope', 'group scope', input.groupScope, 1, 255);
	if (input.translate) parts.push({ name: 'translate', value: '1' });
	if (input.webhookUrl) {
		if (input.webhookUrl.includes('?') && !input.webhookUrlKeepsQuery) {
			// The server appends "/task-progress" to the raw URL, query string included.
			throw new InputError('webhookUrl', 'The webhook URL must not contain a query string: Visionatrix appends "/task-progress" to it.');
		}
		parts.push({ name: 'webhook_url', value: input.webhookUrl });
		if (input.webhookHeaders) parts.push({ name: 'webhook_headers', value: JSON.stringify(input.webhookHeaders) });
	}
	return parts;
}

function snakeCase(name: string): string {
	return name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

/** The server's ComfyUI refused a value our checks let through; its answer names no input, so this lists what was sent. */
export function refusedByComfyUi(flow: Flow, input: TaskInput): InputError {
	const sent = Object.entries(input.inputs ?? {})
		.map(([name, value]) => `${name}=${JSON.stringify(value)}`)
		.join(', ');
	return new InputError(
		'inputs',
		`The server's ComfyUI refused the values given to flow "${flow.name}" (prompt_outputs_failed_validation): an input is outside what its node accepts, for example a fraction for a whole-number input or a value out of range. Inputs sent: ${sent || 'none'}.`,
	);
}
