// `PUT /vapi/tasks/create/{name}`: routes/tasks_internal.create_task_logic + flows.prepare_flow_comfy.
import type { IncomingHttpHeaders } from 'node:http';

import { formEncoding, readFormParts } from '../shared/formBody.ts';
import { HttpError, PyFloat, UncaughtError, ValidationFailed, errors, parsePythonInt } from '../shared/fastapi.ts';
import { CLASS_TYPE_BY_OUTPUT_TYPE, pythonSuffix } from './files.ts';
import type { Engine, FlowInputParam, InternalTask, SimFlow, StoredFile } from './state.ts';
import { SIM_WORKER_ID } from './state.ts';
import type { OutputSpec } from './types.ts';

export interface UserInfo {
	user_id: string;
	full_name: string;
	email: string;
	is_admin: boolean;
}

interface UploadValue {
	fileName: string;
	bytes: Buffer;
}

type FormValue = string | UploadValue;

type FileParam =
	| { kind: 'upload'; upload: UploadValue }
	| { kind: 'task'; info: Record<string, unknown>; task: InternalTask }
	| { kind: 'remote'; info: Record<string, unknown>; content: Buffer };

export interface CreateContext {
	engine: Engine;
	flows: Map<string, SimFlow>;
	outputsFor(flow: string): OutputSpec[];
	user: UserInfo;
	headers: IncomingHttpHeaders;
	body: Buffer;
	/** The `{name}` path segment, percent-decoded, not lower-cased. */
	flowName: string;
}

const TEXT_TYPES = new Set(['text', 'number', 'list', 'bool', 'range', 'range_scale']);
const FILE_TYPES = new Set(['image', 'image-mask', 'video']);
/** TaskCreationWithFullParams fields, in pydantic's field order. */
const RESERVED = ['group_scope', 'priority', 'child_task', 'webhook_url', 'webhook_headers', 'seed', 'count', 'translate'];

/** Python's str() of a JSON value inside an f-string. */
function pyStr(value: unknown): string {
	if (value === null || value === undefined) return 'None';
	if (value === true) return 'True';
	if (value === false) return 'False';
	if (typeof value === 'number' || typeof value === 'string') return String(value);
	return JSON.stringify(value);
}

/** Python's int(x) for a JSON value; anything else raises (a 500). */
function pyIntOf(value: unknown): number {
	if (typeof value === 'number' && Number.isFinite(value)) return Math.trunc(value);
	if (typeof value === 'boolean') return value ? 1 : 0;
	if (typeof value === 'string') {
		const parsed = parsePythonInt(value);
		if (parsed !== undefined) return parsed;
	}
	throw new UncaughtError(`int() of ${JSON.stringify(value)}`);
}

const NOT_JSON = Symbol('not JSON');

function parseJson(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return NOT_JSON;
	}
}

function isUpload(value: unknown): value is UploadValue {
	return typeof value === 'object' && value !== null && 'bytes' in value && 'fileName' in value;
}

/** `request.form()`: last value of each key, keys in first-seen order; other content types give an empty form. */
async function parseForm(body: Buffer, contentType: string | undefined): Promise<Map<string, FormValue>> {
	const form = new Map<string, FormValue>();
	if (!formEncoding(contentType)) return form;
	const parts = await readFormParts(body, contentType ?? '');
	if (!parts) throw new HttpError(400, 'There was an error parsing the body');
	for (const { name, value } of parts) form.set(name, typeof value === 'string' ? value : { fileName: value.fileName, bytes: value.bytes });
	return form;
}

interface Reserved {
	groupScope: number;
	priority: number;
	childTask: number;
	webhookUrl: string;
	webhookHeaders: string;
	count: number;
}

/** FastAPI validating the form into TaskCreationWithFullParams ("" counts as not sent). */
function validateReserved(form: Map<string, FormValue>): Reserved {
	const problems: Record<string, unknown>[] = [];
	const values: Record<string, number | string> = {};
	const limits: Record<string, { fallback: number; ge?: number; le?: number }> = {
		group_scope: { fallback: 1, ge: 1, le: 255 },
		priority: { fallback: 0, ge: 0, le: 15 },
		child_task: { fallback: 0 },
		seed: { fallback: 1 },
		count: { fallback: 1, ge: 1 },
		translate: { fallback: 0 },
	};
	for (const name of RESERVED) {
		const raw = form.get(name);
		const limit = limits[name];
		if (!limit) {
			if (raw !== undefined && typeof raw !== 'string') {
				problems.push({ type: 'string_type', loc: ['body', name], msg: 'Input should be a valid string', input: raw.fileName });
			}
			values[name] = typeof raw === 'string' ? raw : '';
			continue;
		}
		values[name] = limit.fallback;
		if (raw === undefined || raw === '') continue;
		if (typeof raw !== 'string') {
			problems.push(errors.intType(['body', name], raw.fileName));
			continue;
		}
		const value = parsePythonInt(raw);
		if (value === undefined) problems.push(errors.intParsing(['body', name], raw));
		else if (limit.ge !== undefined && value < limit.ge) problems.push(errors.ge(['body', name], raw, limit.ge));
		else if (limit.le !== undefined && value > limit.le) problems.push(errors.le(['body', name], raw, limit.le));
		else values[name] = value;
	}
	if (problems.length) throw new ValidationFailed(problems);
	return {
		groupScope: values.group_scope as number,
		priority: values.priority as number,
		childTask: values.child_task as number,
		webhookUrl: values.webhook_url as string,
		webhookHeaders: values.webhook_headers as string,
		count: values.count as number,
	};
}

/** `get_task_creation_extra_flags` + `preprocess_federation_task`. */
function extraFlagsFor(ctx: CreateContext): { flags: Record<string, unknown>; customWorker: string | null } {
	const flags: Record<string, unknown> = {
		profiler_execution: false,
		unload_models: false,
		federated_task: false,
		save_metadata: false,
		smart_memory: true,
		cache_type: 'classic',
		cache_size: 1,
		vae_cpu: false,
		reserve_vram: new PyFloat(0.6),
	};
	let customWorker: string | null = null;
	if (ctx.user.is_admin) {
		const header = (name: string): string | undefined => {
			const value = ctx.headers[name];
			return Array.isArray(value) ? value.join(', ') : value;
		};
		customWorker = header('x-worker-id') || null;
		if (header('x-worker-unload-models') === '1') flags.unload_models = true;
		if (header('x-worker-execution-profiler') === '1') flags.profiler_execution = true;
		if (header('x-federated-task') === '1') {
			if (!customWorker) throw new HttpError(400, 'Missing `X-WORKER-ID` header.');
			flags.federated_task = true;
			if (customWorker !== SIM_WORKER_ID) throw new HttpError(400, 'No such worker available.');
			const tasks = [...ctx.engine.tasks.values()];
			if (tasks.some((task) => task.lockedAt !== null)) throw new HttpError(400, 'Worker is busy.');
			if (tasks.some((task) => task.customWorker === customWorker && task.progress !== 100 && !task.error)) {
				throw new HttpError(400, 'Worker has unfinished tasks.');
			}
		}
	}
	return { flags, customWorker };
}

/** `process_string_value`: a string part for a file input must be a JSON reference. */
async function processStringValue(ctx: CreateContext, value: string): Promise<FileParam> {
	const info = parseJson(value);
	if (info === NOT_JSON) throw new HttpError(400, `Invalid file input:${value}`);
	// `"remote_url" in info` on a str/list is a substring/element test; on numbers or None it raises.
	if (typeof info === 'string' || Array.isArray(info)) {
		if (info.includes('remote_url') || info.includes('task_id')) throw new UncaughtError('reference is not a dict');
		throw new HttpError(400, 'Missing `task_id` or `remote_url` parameter.');
	}
	if (info === null || typeof info !== 'object') throw new UncaughtError('reference is not iterable');
	const dict = info as Record<string, unknown>;
	if ('remote_url' in dict) {
		if (dict.type !== 'nextcloud') throw new HttpError(400, `Unknown type(${pyStr(dict.type)} for \`remote_url\` parameter`);
		const cookie = ctx.headers.cookie;
		const content = await fetch(String(dict.remote_url), {
			headers: cookie ? { cookie: String(cookie) } : {},
			redirect: 'manual',
			signal: AbortSignal.timeout(30_000),
		})
			.then(async (response) => Buffer.from(await response.arrayBuffer()))
			.catch(() => undefined);
		// httpx errors are not caught by the server: a 500.
		if (!content) throw new UncaughtError('remote_url could not be fetched');
		return { kind: 'remote', info: dict, content };
	}
	if ('task_id' in dict) {
		const task = ctx.engine.tasks.get(pyIntOf(dict.task_id));
		if (!task || task.userId !== ctx.user.user_id) throw new HttpError(400, `Missing task with id=${pyStr(dict.task_id)}`);
		return { kind: 'task', info: dict, task };
	}
	throw new HttpError(400, 'Missing `task_id` or `remote_url` parameter.');
}

/** `set_node_value`: writes `value` at `path` (e.g. ["inputs", "text"]) inside the node. */
function setNodeValue(node: Record<string, unknown>, path: unknown[], value: unknown): void {
	let target = node;
	for (let i = 0; i < path.length - 1; i++) {
		const key = String(path[i]);
		if (typeof target[key] !== 'object' || target[key] === null) target[key] = {};
		target = target[key] as Record<string, unknown>;
	}
	if (path.length) target[String(path[path.length - 1])] = value;
}

const INPUT_CLASS_BY_TYPE: Record<string, string> = {
	text: 'VixUiPrompt',
	list: 'VixUiListLogic',
	bool: 'VixUiCheckboxLogic',
	range: 'VixUiRangeInt',
	range_scale: 'VixUiRangeScaleFloat',
	number: 'VixUiRangeFloat',
	image: 'LoadImage',
	'image-mask': 'LoadImage',
	video: 'VHS_LoadVideo',
};

function comfyNode(comfy: Record<string, Record<string, unknown>>, nodeId: string, classType: string, title: string): Record<string, unknown> {
	comfy[nodeId] ??= { inputs: {}, class_type: classType, _meta: { title } };
	return comfy[nodeId];
}

function setParamValue(comfy: Record<string, Record<string, unknown>>, param: FlowInputParam, value: unknown): void {
	for (const [nodeId, path] of Object.entries(param.comfy_node_id ?? {})) {
		const node = comfyNode(comfy, nodeId, INPUT_CLASS_BY_TYPE[param.type] ?? 'VixUiPrompt', param.display_name ?? param.name);
		setNodeValue(node, Array.isArray(path) ? path : ['inputs', param.name], value);
	}
}

function freeNodeId(comfy: Record<string, unknown>, preferred: number): string {
	let id = preferred;
	while (String(id) in comfy) id++;
	return String(id);
}

/** `prepare_flow_comfy` (text values, seed, files) for one task; builds a small ComfyUI workflow. */
function prepareTask(
	flow: SimFlow,
	taskId: number,
	texts: Record<string, unknown>,
	files: Map<string, FileParam>,
	outputs: OutputSpec[],
): { flowComfy: Record<string, unknown>; inputFiles: StoredFile[] } {
	const comfy: Record<string, Record<string, unknown>> = {};
	for (const param of flow.inputParams.filter((candidate) => TEXT_TYPES.has(candidate.type))) {
		let value = texts[param.name];
		if (value === undefined || value === null) {
			if ('default' in param) value = param.default;
			else if (!param.optional) throw new HttpError(400, `Missing \`${param.name}\` parameter.`);
			else continue;
		}
		if (isUpload(value)) throw new UncaughtError(`an uploaded file for the text input ${param.name}`);
		if (param.type === 'list') {
			const options = param.options ?? {};
			if (typeof value !== 'string' || !Object.prototype.hasOwnProperty.call(options, value)) {
				throw new UncaughtError(`KeyError: ${JSON.stringify(value)}`);
			}
			value = options[value];
		} else if (param.type === 'bool') {
			if (typeof value === 'string') {
				const lower = value.trim().toLowerCase();
				if (['true', '1', 'yes', 'y', 'on'].includes(lower)) value = true;
				else if (['false', '0', 'no', 'n', 'off'].includes(lower)) value = false;
				else throw new UncaughtError(`Invalid boolean value: ${value}`);
			} else value = Boolean(value);
		}
		setParamValue(comfy, param, value);
	}

	// process_seed_value: a random seed goes into the workflow only (not into input_params).
	const samplerId = freeNodeId(comfy, 3);
	const seed = typeof texts.seed === 'number' ? texts.seed : ((taskId * 2_654_435_761) % 2_147_483_647) + 1;
	comfy[samplerId] = {
		inputs: {
			seed: flow.inputParams.some((param) => param.name === 'seed') ? 0 : seed,
			steps: 8,
			cfg: 1,
			sampler_name: 'euler',
			scheduler: 'sgm_uniform',
			denoise: 1,
		},
		class_type: 'KSampler',
		_meta: { title: 'KSampler' },
	};

	const fileParams = flow.inputParams.filter((param) => FILE_TYPES.has(param.type));
	for (const param of fileParams) {
		if (!files.has(param.name) && !param.optional) throw new HttpError(400, `The parameter '${param.name}' is required, but missing.`);
	}
	const inputFiles: StoredFile[] = [];
	const now = Date.now();
	for (const [name, file] of files) {
		let bytes: Buffer;
		let sourceName: string;
		if (file.kind === 'upload') {
			sourceName = file.upload.fileName;
			const marker = file.upload.bytes.subarray(0, 30).indexOf('base64,');
			bytes = marker >= 0 ? Buffer.from(file.upload.bytes.subarray(marker + 7).toString('latin1'), 'base64') : file.upload.bytes;
		} else if (file.kind === 'remote') {
			sourceName = String(file.info.remote_url);
			bytes = file.content;
		} else if ('input_index' in file.info) {
			const list = file.task.inputFiles;
			const raw = file.info.input_index;
			if (typeof raw !== 'number' || !Number.isInteger(raw)) throw new UncaughtError('list indices must be integers');
			const index = raw < 0 ? raw + list.length : raw;
			const source = list[index];
			if (index < 0 || !source) throw new UncaughtError('IndexError: list index out of range');
			sourceName = source.name;
			bytes = source.bytes;
		} else if ('node_id' in file.info) {
			const prefix = `${file.task.id}_${pyStr(file.info.node_id)}_`;
			const source = file.task.resultFiles.find((candidate) => candidate.name.startsWith(prefix));
			if (!source) {
				throw new HttpError(400, `Bad flow, file from task_id=\`${pyStr(file.info.task_id)}\`, node_id=${pyStr(file.info.node_id)} not found.`);
			}
			sourceName = source.name;
			bytes = source.bytes;
		} else {
			throw new HttpError(400, `Bad flow, \`input_index\`, \`node_id\` or \`file_content\` should be present for '${name}' parameter.`);
		}
		const fileName = `${taskId}_${name}${pythonSuffix(sourceName)}`;
		inputFiles.push({ name: fileName, bytes: Buffer.from(bytes), mtimeMs: now });
		const param = fileParams.find((candidate) => candidate.name === name);
		if (param) setParamValue(comfy, param, fileName);
	}

	for (const output of outputs) {
		const classType = CLASS_TYPE_BY_OUTPUT_TYPE[output.type] ?? 'SaveImage';
		const inputs: Record<string, unknown> =
			classType === 'SaveText|pysssss'
				? { file: `visionatrix/${taskId}_${output.nodeId}_.txt`, text: [samplerId, 0] }
				: { filename_prefix: `visionatrix/${taskId}_${output.nodeId}`, images: [samplerId, 0] };
		comfy[String(output.nodeId)] = { inputs, class_type: classType, _meta: { title: classType } };
	}
	const ordered: Record<string, unknown> = {};
	for (const key of Object.keys(comfy).sort((a, b) => Number(a) - Number(b) || (a < b ? -1 : 1))) ordered[key] = comfy[key];
	return { flowComfy: ordered, inputFiles };
}

/** Creates the task(s); returns them in creation order. Throws HttpError / ValidationFailed / UncaughtError. */
export async function createTasks(ctx: CreateContext): Promise<InternalTask[]> {
	const form = await parseForm(ctx.body, ctx.headers['content-type']);
	const reserved = validateReserved(form);
	const { flags, customWorker } = extraFlagsFor(ctx);

	const flow = ctx.flows.get(ctx.flowName);
	if (!flow) throw new HttpError(404, `Flow \`${ctx.flowName}\` is not installed.`);

	const params = new Map(flow.inputParams.map((param) => [param.name, param]));
	const texts: Record<string, unknown> = {};
	const files = new Map<string, FileParam>();
	for (const [key, value] of form) {
		if (flow.isSeedSupported && key === 'seed') {
			const seed = typeof value === 'string' ? parsePythonInt(value) : undefined;
			if (seed === undefined) throw new UncaughtError('int() of the seed');
			texts.seed = seed;
			continue;
		}
		// surprise_me=1 would ask an LLM for prompts; the simulator has none, so it is ignored.
		if (key === 'surprise_me' && flow.isSurpriseMeSupported && value === '1') continue;
		if (RESERVED.includes(key)) continue;
		const param = params.get(key);
		if (!param) continue;
		if (TEXT_TYPES.has(param.type)) {
			texts[key] = value;
			continue;
		}
		if (!FILE_TYPES.has(param.type)) throw new HttpError(400, `Unsupported input type '${param.type}' for ${key} parameter.`);
		files.set(key, typeof value === 'string' ? await processStringValue(ctx, value) : { kind: 'upload', upload: value });
	}

	const webhookHeaders = reserved.webhookHeaders ? parseJson(reserved.webhookHeaders) : null;
	if (webhookHeaders === NOT_JSON) throw new UncaughtError('json.loads(webhook_headers)');

	const outputs = ctx.outputsFor(flow.name);
	const created: InternalTask[] = [];
	for (let i = 0; i < reserved.count; i++) {
		const taskId = ctx.engine.allocateId();
		const taskTexts = { ...texts };
		if (typeof texts.seed === 'number') taskTexts.seed = texts.seed + i;
		const { flowComfy, inputFiles } = prepareTask(flow, taskId, taskTexts, files, outputs);

		let parentTaskId: number | null = null;
		let parentTaskNodeId: number | null = null;
		if (reserved.childTask) {
			const first = files.values().next().value;
			if (!first) throw new HttpError(400, "No input file provided. Use the parent task's node ID.");
			if (first.kind === 'upload') throw new HttpError(400, "Invalid input file. Use the parent task's node ID.");
			if (!('task_id' in first.info) || !('node_id' in first.info)) throw new UncaughtError('KeyError in child_task reference');
			parentTaskId = pyIntOf(first.info.task_id);
			parentTaskNodeId = pyIntOf(first.info.node_id);
		}

		const task: InternalTask = {
			id: taskId,
			flow: flow.name,
			userId: ctx.user.user_id,
			priorityStored: ((reserved.groupScope - 1) << 4) + reserved.priority,
			groupScope: reserved.groupScope,
			progress: 0,
			error: '',
			inputParams: taskTexts as Record<string, string | number>,
			outputs: outputs.map((output) => ({ comfy_node_id: output.nodeId, type: output.type, file_size: -1, batch_size: -1 })),
			outputSpecs: outputs.map((output) => ({ ...output })),
			inputFiles,
			lockedAt: null,
			lockedAtIso: null,
			workerId: null,
			executionTime: 0,
			parentTaskId,
			parentTaskNodeId,
			extraFlags: { ...flags },
			hidden: flow.hidden || flags.federated_task === true,
			createdAtIso: ctx.engine.processStartIso,
			updatedAtIso: null,
			finishedAtIso: null,
			flowComfy,
			webhookUrl: reserved.webhookUrl || null,
			webhookHeaders,
			executionDetails: null,
			customWorker,
			createdAt: Date.now(),
			startPerf: 0,
			progressWrites: [],
			webhookPosts: [],
			restarts: 0,
			resultFiles: [],
			run: 0,
			eligibleAt: 0,
			webhookChain: Promise.resolve(),
		};
		ctx.engine.enqueue(task);
		created.push(task);
	}
	return created;
}
