// HTTP side of the simulator: auth middleware, routes under /vapi, FastAPI-style answers, faults.
import type { IncomingHttpHeaders } from 'node:http';

import type { FaultList } from '../shared/faults.ts';
import type { Reply, SimHttpServer, SimRequest } from '../shared/httpShell.ts';
import { createSimHttpServer } from '../shared/httpShell.ts';

import type { UserInfo } from './create.ts';
import { createTasks } from './create.ts';
import { HttpError, ParamReader, UncaughtError, ValidationFailed, errors, pyJson } from '../shared/fastapi.ts';
import { buildZip, contentDisposition, contentTypeFor, downloadName, fileHeaders } from './files.ts';
import { renderDetails, renderShort } from './render.ts';
import type { Engine, InternalTask, SimFlow } from './state.ts';
import type { OutputSpec, RequestRecord, SimUser } from './types.ts';

export interface ServerConfig {
	engine: Engine;
	flowsJson: unknown[];
	flows: Map<string, SimFlow>;
	outputsFor(flow: string): OutputSpec[];
	users?: Record<string, SimUser>;
	hostLacksMimeTypes: boolean;
	faults: FaultList;
	requests: RequestRecord[];
}

interface RouteContext {
	user: UserInfo;
	query: Map<string, string>;
	params: string[];
	headers: IncomingHttpHeaders;
	body: Buffer;
}

interface Route {
	method: string;
	pattern: RegExp;
	handle(ctx: RouteContext): Reply | Promise<Reply>;
}

/** With auth off every request is this user (`database.DEFAULT_USER`). */
export const DEFAULT_USER: UserInfo = { user_id: 'admin', full_name: 'John Doe', email: 'admin@example.com', is_admin: true };

export function jsonReply(status: number, value: unknown): Reply {
	return { status, headers: { 'content-type': 'application/json' }, body: pyJson(value) };
}

const detail = (status: number, text: unknown): Reply => jsonReply(status, { detail: text });
const noContent = (): Reply => ({ status: 204, headers: {}, body: null });
const internalError = (): Reply => ({
	status: 500,
	headers: { 'content-type': 'text/plain; charset=utf-8' },
	body: 'Internal Server Error',
});
const notFound = (id: number): HttpError => new HttpError(404, `Task \`${id}\` was not found.`);

/** Python list indexing: negative counts from the end; out of range raises (500). */
function pyIndex<T>(list: T[], index: number): T {
	const at = index < 0 ? index + list.length : index;
	if (at < 0 || at >= list.length) throw new UncaughtError('IndexError: list index out of range');
	return list[at];
}

function safeDecode(path: string): string {
	try {
		return decodeURIComponent(path);
	} catch {
		return path;
	}
}

export type { Reply } from '../shared/httpShell.ts';

export function createSimServer(config: ServerConfig): SimHttpServer {
	const { engine } = config;

	const own = (ctx: RouteContext, id: number): InternalTask => {
		const task = engine.tasks.get(id);
		if (!task || task.userId !== ctx.user.user_id) throw notFound(id);
		return task;
	};
	const ownOrAdmin = (ctx: RouteContext, id: number): InternalTask => {
		const task = engine.tasks.get(id);
		if (!task || (task.userId !== ctx.user.user_id && !ctx.user.is_admin)) throw notFound(id);
		return task;
	};
	const listTasks = (ctx: RouteContext): InternalTask[] => {
		const q = new ParamReader('query', ctx.query);
		const name = q.str('name');
		const groupScope = q.int('group_scope', 1);
		const onlyParent = q.bool('only_parent', false);
		q.check();
		return engine
			.visibleTo(ctx.user.user_id)
			.filter(
				(task) =>
					(name === undefined || task.flow === name) &&
					(!onlyParent || !task.parentTaskId) &&
					(!groupScope || task.groupScope === groupScope),
			);
	};
	const taskMap = (tasks: InternalTask[], render: (task: InternalTask) => unknown): Record<string, unknown> => {
		const map: Record<string, unknown> = {};
		for (const task of tasks) map[String(task.id)] = render(task);
		return map;
	};
	const fileReply = (bytes: Buffer, mtimeMs: number, name: string, disposition: string | undefined): Reply => {
		const headers: Record<string, string> = { 'content-type': contentTypeFor(name, config.hostLacksMimeTypes), ...fileHeaders(bytes, mtimeMs) };
		if (disposition) headers['content-disposition'] = disposition;
		return { status: 200, headers, body: bytes };
	};

	const routes: Route[] = [
		{
			method: 'GET',
			pattern: /^\/vapi\/other\/whoami$/,
			handle: (ctx) => jsonReply(200, { ...ctx.user, record_expires_at: null }),
		},
		{
			method: 'GET',
			pattern: /^\/vapi\/flows\/installed$/,
			handle: () => ({ status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(config.flowsJson) }),
		},
		{
			method: 'PUT',
			pattern: /^\/vapi\/tasks\/create\/([^/]+)$/,
			handle: async (ctx) => {
				const created = await createTasks({
					engine,
					flows: config.flows,
					outputsFor: config.outputsFor,
					user: ctx.user,
					headers: ctx.headers,
					body: ctx.body,
					flowName: ctx.params[0],
				});
				return jsonReply(200, { tasks_ids: created.map((task) => task.id), outputs: created[0]?.outputs ?? [] });
			},
		},
		{
			method: 'GET',
			pattern: /^\/vapi\/tasks\/progress$/,
			handle: (ctx) => jsonReply(200, taskMap(listTasks(ctx), (task) => renderDetails(engine, task))),
		},
		{
			method: 'GET',
			pattern: /^\/vapi\/tasks\/progress-summary$/,
			handle: (ctx) => jsonReply(200, taskMap(listTasks(ctx), (task) => renderShort(engine, task))),
		},
		{
			method: 'GET',
			pattern: /^\/vapi\/tasks\/progress\/([^/]+)$/,
			handle: (ctx) => {
				const p = new ParamReader('path', new Map([['task_id', ctx.params[0]]]));
				const id = p.int('task_id');
				p.check();
				return jsonReply(200, renderDetails(engine, own(ctx, id as number)));
			},
		},
		{
			method: 'GET',
			pattern: /^\/vapi\/tasks\/results$/,
			handle: (ctx) => {
				const q = new ParamReader('query', ctx.query);
				const id = q.int('task_id');
				const nodeId = q.int('node_id');
				const batchIndex = q.int('batch_index', 0);
				q.check();
				const task = own(ctx, id as number);
				if (task.progress < 100) throw new HttpError(400, `Task \`${id}\` is not completed yet.`);
				const output = task.outputs.find((candidate) => candidate.comfy_node_id === nodeId);
				if (!output) throw new HttpError(404, `No such node in the flow for task=\`${id}\`.`);
				const files = engine.servedFiles(task, output);
				const missing = new HttpError(404, `Missing result for task=\`${id}\` and node=\`${nodeId}\`.`);
				if (!files.length) throw missing;
				if (batchIndex === -1) {
					return {
						status: 200,
						headers: {
							'content-disposition': `attachment; filename=${id}_${nodeId}_results.zip`,
							'content-type': 'application/zip',
						},
						body: buildZip(files.map((file) => ({ name: file.name, data: file.bytes }))),
					};
				}
				if (batchIndex + 1 > files.length) throw missing;
				const file = pyIndex(files, batchIndex);
				const name = downloadName(file.name);
				return fileReply(file.bytes, file.mtimeMs, name, contentDisposition(name));
			},
		},
		{
			method: 'GET',
			pattern: /^\/vapi\/tasks\/inputs$/,
			handle: (ctx) => {
				const q = new ParamReader('query', ctx.query);
				const id = q.int('task_id');
				const index = q.int('input_index');
				q.check();
				const task = ownOrAdmin(ctx, id as number);
				const file = pyIndex(task.inputFiles, index as number);
				return fileReply(file.bytes, file.mtimeMs, file.name, undefined);
			},
		},
		{
			method: 'POST',
			pattern: /^\/vapi\/tasks\/restart$/,
			handle: (ctx) => {
				const q = new ParamReader('query', ctx.query);
				const id = q.int('task_id');
				const force = q.bool('force', false);
				q.check();
				const task = own(ctx, id as number);
				if (task.progress === 100) throw new HttpError(400, `Task \`${id}\` already finished.`);
				if (!task.error && !force) throw new HttpError(400, `Task \`${id}\` has no error set.`);
				engine.restart(task);
				return noContent();
			},
		},
		{
			method: 'DELETE',
			pattern: /^\/vapi\/tasks\/task$/,
			handle: (ctx) => {
				const q = new ParamReader('query', ctx.query);
				const id = q.int('task_id');
				q.check();
				engine.remove(engine.withDescendants(ownOrAdmin(ctx, id as number)));
				return noContent();
			},
		},
		{
			method: 'DELETE',
			pattern: /^\/vapi\/tasks\/clear$/,
			handle: (ctx) => {
				const q = new ParamReader('query', ctx.query);
				const name = q.str('name', true);
				const groupScope = q.int('group_scope', 1);
				q.check();
				const finished = engine
					.visibleTo(ctx.user.user_id)
					.filter((task) => task.flow === name && task.progress === 100 && !task.parentTaskId && (!groupScope || task.groupScope === groupScope));
				engine.remove(finished.flatMap((task) => engine.withDescendants(task)));
				return noContent();
			},
		},
		{
			method: 'DELETE',
			pattern: /^\/vapi\/tasks\/queue$/,
			handle: (ctx) => {
				const q = new ParamReader('query', ctx.query);
				const name = q.str('name', true);
				const groupScope = q.int('group_scope', 1);
				q.check();
				const unfinished = engine
					.visibleTo(ctx.user.user_id)
					.filter((task) => task.flow === name && task.progress !== 100 && !task.parentTaskId && (!groupScope || task.groupScope === groupScope));
				engine.remove(unfinished.map((task) => task.id));
				return noContent();
			},
		},
		{
			method: 'DELETE',
			pattern: /^\/vapi\/tasks\/queue\/([^/]+)$/,
			handle: (ctx) => {
				const p = new ParamReader('path', new Map([['task_id', ctx.params[0]]]));
				const id = p.int('task_id');
				p.check();
				const task = own(ctx, id as number);
				if (task.progress !== 100) engine.remove([task.id]);
				return noContent();
			},
		},
		{
			method: 'PUT',
			pattern: /^\/vapi\/tasks\/update$/,
			handle: (ctx) => {
				const q = new ParamReader('query', ctx.query);
				const id = q.int('task_id');
				const bodyProblems: Record<string, unknown>[] = [];
				let priority: number | null | undefined;
				const parsed = readJsonBody(ctx, bodyProblems);
				if (parsed.present && !bodyProblems.length) {
					const body = parsed.value;
					if (typeof body !== 'object' || body === null || Array.isArray(body)) {
						bodyProblems.push(errors.modelAttributes(['body'], body));
					} else if (!('priority' in body)) {
						bodyProblems.push(errors.missing(['body', 'priority'], body));
					} else {
						const value = (body as Record<string, unknown>).priority;
						if (value === null) priority = null;
						else if (typeof value !== 'number' || !Number.isInteger(value)) bodyProblems.push(errors.intType(['body', 'priority'], value));
						else if (value < 0) bodyProblems.push(errors.ge(['body', 'priority'], value, 0));
						else if (value > 15) bodyProblems.push(errors.le(['body', 'priority'], value, 15));
						else priority = value;
					}
				} else if (!parsed.present) {
					bodyProblems.push(errors.missing(['body']));
				}
				q.check(bodyProblems);
				const task = ownOrAdmin(ctx, id as number);
				if (task.progress !== 0) throw new HttpError(400, `Task \`${id}\` cannot be updated because it has already started.`);
				// `update_fields["priority"] > 15` with None raises a TypeError.
				if (priority === null || priority === undefined) throw new UncaughtError("'>' not supported between 'NoneType' and 'int'");
				engine.setPriority(task, ((task.groupScope - 1) << 4) + priority);
				return noContent();
			},
		},
	];

	/** FastAPI's JSON body reading: no body → missing; JSON content types (or none) parsed; others left raw. */
	function readJsonBody(ctx: RouteContext, problems: Record<string, unknown>[]): { present: boolean; value: unknown } {
		if (!ctx.body.length) return { present: false, value: undefined };
		const contentType = (ctx.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
		const isJson = !contentType || (contentType.startsWith('application/') && (contentType === 'application/json' || contentType.endsWith('+json')));
		const text = ctx.body.toString('utf8');
		if (!isJson) return { present: true, value: text };
		try {
			return { present: true, value: JSON.parse(text) };
		} catch (error) {
			const position = /position (\d+)/.exec(error instanceof Error ? error.message : '')?.[1];
			problems.push(errors.jsonInvalid(Number(position ?? 0), 'Expecting value'));
			return { present: true, value: undefined };
		}
	}

	function authenticate(headers: IncomingHttpHeaders): UserInfo | null {
		if (!config.users) return DEFAULT_USER;
		const header = headers.authorization;
		if (!header) return null;
		const parts = header.trim().split(/\s+/);
		if (parts.length !== 2 || parts[0].toLowerCase() !== 'basic') return null;
		const decoded = Buffer.from(parts[1], 'base64');
		if (decoded.some((byte) => byte > 0x7f)) return null;
		const text = decoded.toString('latin1');
		const colon = text.indexOf(':');
		const userName = colon >= 0 ? text.slice(0, colon) : text;
		const password = colon >= 0 ? text.slice(colon + 1) : '';
		const user = Object.prototype.hasOwnProperty.call(config.users, userName) ? config.users[userName] : undefined;
		if (!user || user.password !== password) return null;
		return {
			user_id: userName,
			full_name: user.fullName ?? 'John Doe',
			email: user.email ?? 'user@example.com',
			is_admin: user.isAdmin ?? false,
		};
	}

	async function handle({ method, path, query, headers, body, record }: SimRequest): Promise<Reply> {
		const user = authenticate(headers);
		if (!user) return { status: 401, headers: { 'www-authenticate': 'Basic' }, body: 'Not authenticated' };
		record.user = user.user_id;
		const routeMethod = method === 'HEAD' ? 'GET' : method;
		const decoded = safeDecode(path);
		for (const route of routes) {
			if (route.method !== routeMethod) continue;
			const match = route.pattern.exec(decoded);
			if (!match) continue;
			try {
				return await route.handle({ user, query, params: match.slice(1), headers, body });
			} catch (error) {
				if (error instanceof HttpError) return detail(error.status, error.detail);
				if (error instanceof ValidationFailed) return detail(422, error.errors);
				if (!(error instanceof UncaughtError)) console.error('[visionatrix simulator] handler bug:', error);
				return internalError();
			}
		}
		// The web UI's StaticFiles mount at "/" answers every other path: GET → 404, other methods → 405.
		return routeMethod === 'GET' ? detail(404, 'Not Found') : detail(405, 'Method Not Allowed');
	}

	return createSimHttpServer({ name: 'visionatrix simulator', serverHeader: 'uvicorn', faults: config.faults, requests: config.requests, handle });
}
