// Runtime-neutral: web-standard APIs only (no node:, Deno, process), so n8n, Node and Deno share it.
import { InputError } from '../../core/errors.ts';
import type { FormPart } from '../../core/http.ts';
import { requireWholeNumber } from '../../core/inputChecks.ts';
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

	for (const name of [...Object.keys(inputs), ...Object.keys(files)]) {
		if (!params.has(name)) {
			throw new InputError(
				`inputs.${name}`,
				`Flow "${flow.name}" has no input named "${name}". Its inputs are: ${[...params.keys()].join(', ') || 'none'}.`,
			);
		}
	}

	for (const param of flow.input_params) {
		if (isFileInput(param)) {
			const file = files[param.name];
			const reference = inputs[param.name];
			if (file) parts.push({ name: param.name, data: file.data, fileName: file.fileName, mimeType: file.mimeType });
			else if (typeof reference === 'string' && reference.trim() !== '') parts.push({ name: param.name, value: reference });
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
		if (value === undefined || value === '') continue;
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
		if ((param.min !== undefined && number < param.min) || (param.max !== undefined && number > param.max)) {
			throw new InputError(where, `Input "${param.name}" of flow "${flow.name}" must be between ${param.min ?? '-∞'} and ${param.max ?? '∞'}; got ${number}.`);
		}
		return String(number);
	}
	return String(value);
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
