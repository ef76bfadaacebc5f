// `/api/v1/queue/{queue_id}/...` (routers/session_queue.py): enqueue, one item, cancel, delete,
// cancel by batch or destination, retry, the status routes and the lists, with the version each
// route appeared in and the non-admin rules (own items only, others' sanitized).
import { randomUUID } from 'node:crypto';

import { ParamReader } from '../shared/fastapi.ts';
import { expandBatch, readEnqueueBody, sessionCount } from './batch.ts';
import type { SimGraph } from './graphCheck.ts';
import { HttpError, invalid, json, jsonBody } from './http.ts';
import type { QueueItemRecord } from './queue.ts';
import { QUEUE_ID } from './queue.ts';
import { initialSession } from './session.ts';
import type { Route, RouteContext, SimState } from './state.ts';
import type { PydanticError } from './validate.ts';
import { batchStatus, countsByDestination, queueStatus, renderItem, stripNulls } from './views.ts';

const Q = '/api/v1/queue/([^/]+)';

function itemIdParam(context: RouteContext, at = 1): number {
	const reader = new ParamReader('path', new Map([['item_id', context.params[at]]]));
	const id = reader.int('item_id');
	reader.check();
	return id as number;
}

const notFound = (itemId: number, queueId: string): HttpError => new HttpError(404, `Queue item with id ${itemId} not found in queue ${queueId}`);

function ownItem(context: RouteContext, itemId: number, action: string): QueueItemRecord {
	const item = context.state.queue.get(itemId);
	if (!item) throw notFound(itemId, context.params[0]);
	if (!context.user.isAdmin && item.userId !== context.user.userId) throw new HttpError(403, `You do not have permission to ${action} this queue item`);
	return item;
}

/** A JSON body `{name: [...]}` (an embedded Body), its list checked item by item. */
function embeddedList(context: RouteContext, name: string, kind: 'int' | 'str'): unknown[] {
	const body = jsonBody(context.request);
	const list = (body as Record<string, unknown> | undefined)?.[name];
	if (list === undefined || list === null) throw invalid([{ type: 'missing', loc: ['body', name], msg: 'Field required', input: null }]);
	return checkedList(list, ['body', name], kind);
}

function checkedList(list: unknown, loc: (string | number)[], kind: 'int' | 'str'): unknown[] {
	if (!Array.isArray(list)) throw invalid([{ type: 'list_type', loc, msg: 'Input should be a valid list', input: list }]);
	const problems: PydanticError[] = [];
	list.forEach((item, at) => {
		if (kind === 'int' && !(typeof item === 'number' && Number.isInteger(item))) problems.push({ type: 'int_type', loc: [...loc, at], msg: 'Input should be a valid integer', input: item });
		if (kind === 'str' && typeof item !== 'string') problems.push({ type: 'string_type', loc: [...loc, at], msg: 'Input should be a valid string', input: item });
	});
	if (problems.length) throw invalid(problems);
	return list;
}

/** `populate_graph`: the graph dumped without nulls, each batch value set on its node. */
function sessionGraph(graph: SimGraph, values: { node_path: string; field_name: string; value: unknown }[]): SimGraph {
	const copy = stripNulls(structuredClone(graph)) as SimGraph;
	for (const { node_path, field_name, value } of values) copy.nodes[node_path][field_name] = structuredClone(value);
	return copy;
}

function enqueue(context: RouteContext): ReturnType<Route['handle']> {
	const { state, features, user } = context;
	const parsed = readEnqueueBody(jsonBody(context.request), state.openapi());
	if (!parsed.request) throw invalid(parsed.errors);
	const { batch, prepend } = parsed.request;
	const requested = sessionCount(batch);
	const room = Math.max(0, state.maxQueueSize - state.queue.pendingCount());
	const priority = prepend ? state.queue.highestPriority() + 1 : 0;
	const items = expandBatch(batch, room).map((values) => {
		const sessionId = randomUUID();
		return state.queue.insert({
			priority,
			batchId: batch.batch_id,
			origin: batch.origin,
			destination: batch.destination,
			sessionId,
			fieldValues: values,
			retriedFromItemId: null,
			userId: user.userId,
			session: initialSession(sessionId, sessionGraph(batch.graph, values), features),
			workflow: batch.workflow,
			fromEnqueue: true,
		});
	});
	const itemIds = items.map((item) => item.itemId);
	state.batches.push({
		batchId: batch.batch_id,
		userId: user.userId,
		prepend,
		priority,
		requested,
		enqueued: items.length,
		itemIds,
		origin: batch.origin,
		destination: batch.destination,
		at: Date.now(),
	});
	state.events.batchEnqueued({ batchId: batch.batch_id, origin: batch.origin, userId: user.userId }, { enqueued: items.length, requested, priority });
	state.processor.kick();
	return json(200, {
		queue_id: context.params[0],
		enqueued: items.length,
		requested,
		batch,
		priority,
		...(features.itemIdsInEnqueue ? { item_ids: [...itemIds].reverse() } : {}),
	});
}

/** Cancels matching items: pending ones in one quiet update, the running one with its event. */
function cancelMatching(state: SimState, context: RouteContext, match: (item: QueueItemRecord) => boolean): number {
	const mine = (item: QueueItemRecord): boolean => context.user.isAdmin || item.userId === context.user.userId;
	const pending = state.queue.all().filter((item) => match(item) && mine(item) && (item.status === 'pending' || item.status === 'waiting'));
	state.queue.cancelQuietly(pending);
	const current = state.queue.current();
	let count = pending.length;
	if (current && match(current) && mine(current)) {
		state.queue.setStatus(current, 'canceled');
		if (context.features.v614) count += 1;
	}
	const byUser = new Map<string, number[]>();
	for (const item of pending) byUser.set(item.userId, [...(byUser.get(item.userId) ?? []), item.itemId]);
	state.events.bulk('queue_items_canceled', byUser);
	return count;
}

function retry(context: RouteContext): ReturnType<Route['handle']> {
	const { state, features } = context;
	const ids = checkedList(jsonBody(context.request), ['body'], 'int') as number[];
	const retried: number[] = [];
	const byUser = new Map<string, number[]>();
	for (const id of ids) {
		const item = state.queue.get(id);
		if (!item) throw new HttpError(500, `Unexpected error while retrying queue items: No queue item with id ${id}`);
		if (!context.user.isAdmin && item.userId !== context.user.userId) throw new HttpError(403, `You do not have permission to retry queue item ${id}`);
		if (item.status !== 'failed' && item.status !== 'canceled') continue;
		retried.push(id);
		byUser.set(item.userId, [...(byUser.get(item.userId) ?? []), id]);
		const sessionId = randomUUID();
		state.queue.insert({
			priority: item.priority,
			batchId: item.batchId,
			origin: item.origin,
			destination: item.destination,
			sessionId,
			fieldValues: item.fieldValues?.length ? item.fieldValues : null,
			retriedFromItemId: item.retriedFromItemId ?? item.itemId,
			userId: item.userId,
			session: initialSession(sessionId, item.session.graph as SimGraph, features),
			workflow: item.workflow,
			fromEnqueue: false,
		});
	}
	state.events.bulk('queue_items_retried', byUser);
	state.processor.kick();
	return json(200, { queue_id: context.params[0], retried_item_ids: retried });
}

function listed(context: RouteContext, items: QueueItemRecord[]): unknown[] {
	return items.map((item) => renderItem(item, context.features, context.state.accounts, context.user));
}

export const queueRoutes: Route[] = [
	{ method: 'POST', pattern: new RegExp(`^${Q}/enqueue_batch$`), handle: enqueue },
	{
		method: 'GET',
		pattern: new RegExp(`^${Q}/i/([^/]+)$`),
		handle(context) {
			const itemId = itemIdParam(context);
			const item = context.state.queue.get(itemId);
			if (!item) throw notFound(itemId, context.params[0]);
			// The mismatch's own 404 is caught by the handler's `except Exception`.
			if (context.params[0] !== QUEUE_ID) throw new HttpError(500, `Unexpected error while fetching queue item: 404: Queue item with id ${itemId} not found in queue ${context.params[0]}`);
			return json(200, stripNulls(renderItem(item, context.features, context.state.accounts, context.user)));
		},
	},
	{
		method: 'PUT',
		pattern: new RegExp(`^${Q}/i/([^/]+)/cancel$`),
		handle(context) {
			const item = ownItem(context, itemIdParam(context), 'cancel');
			context.state.queue.setStatus(item, 'canceled');
			return json(200, renderItem(item, context.features, context.state.accounts, context.user));
		},
	},
	{
		method: 'DELETE',
		pattern: new RegExp(`^${Q}/i/([^/]+)$`),
		since: (features) => features.listAll,
		handle(context) {
			const item = ownItem(context, itemIdParam(context), 'delete');
			if (item.status === 'in_progress') context.state.queue.setStatus(item, 'canceled');
			context.state.queue.items.delete(item.itemId);
			return json(200, null);
		},
	},
	{
		method: 'PUT',
		pattern: new RegExp(`^${Q}/cancel_by_batch_ids$`),
		handle(context) {
			const batchIds = new Set(embeddedList(context, 'batch_ids', 'str') as string[]);
			return json(200, { canceled: cancelMatching(context.state, context, (item) => batchIds.has(item.batchId)) });
		},
	},
	{
		method: 'PUT',
		pattern: new RegExp(`^${Q}/cancel_by_destination$`),
		handle(context) {
			const reader = new ParamReader('query', context.request.query);
			const destination = reader.str('destination', true);
			reader.check();
			return json(200, { canceled: cancelMatching(context.state, context, (item) => item.destination === destination) });
		},
	},
	{ method: 'PUT', pattern: new RegExp(`^${Q}/retry_items_by_id$`), since: (features) => features.retry, handle: retry },
	{
		method: 'GET',
		pattern: new RegExp(`^${Q}/status$`),
		handle(context) {
			const { state, features, user } = context;
			const owner = user.isAdmin ? undefined : user.userId;
			const queue = queueStatus(state.queue, features, { ownerUserId: owner, countsUserId: owner });
			return json(200, { queue, processor: state.processor.status() });
		},
	},
	{
		method: 'GET',
		pattern: new RegExp(`^${Q}/b/([^/]+)/status$`),
		handle: (context) => json(200, batchStatus(context.state.queue, context.params[1], context.features, context.user.isAdmin ? undefined : context.user.userId)),
	},
	{
		method: 'GET',
		pattern: new RegExp(`^${Q}/current$`),
		handle(context) {
			const item = context.state.queue.current();
			return json(200, item ? renderItem(item, context.features, context.state.accounts, context.user) : null);
		},
	},
	{
		method: 'GET',
		pattern: new RegExp(`^${Q}/next$`),
		handle(context) {
			const item = context.state.queue.next();
			return json(200, item ? renderItem(item, context.features, context.state.accounts, context.user) : null);
		},
	},
	{
		method: 'GET',
		pattern: new RegExp(`^${Q}/list_all$`),
		since: (features) => features.listAll,
		handle(context) {
			const destination = context.request.query.get('destination');
			const items = context.state.queue
				.all()
				.filter((item) => destination === undefined || item.destination === destination)
				.sort((a, b) => b.priority - a.priority || a.itemId - b.itemId);
			return json(200, listed(context, items));
		},
	},
	{
		method: 'GET',
		pattern: new RegExp(`^${Q}/item_ids$`),
		since: (features) => features.itemIdsRoutes,
		handle(context) {
			const order = context.request.query.get('order_dir') ?? 'DESC';
			if (order !== 'ASC' && order !== 'DESC') {
				throw invalid([{ type: 'enum', loc: ['query', 'order_dir'], msg: "Input should be 'ASC' or 'DESC'", input: order, ctx: { expected: "'ASC' or 'DESC'" } }]);
			}
			const ids = context.state.queue.all().map((item) => item.itemId);
			if (order === 'DESC') ids.reverse();
			return json(200, { item_ids: ids, total_count: ids.length });
		},
	},
	{
		method: 'POST',
		pattern: new RegExp(`^${Q}/items_by_ids$`),
		since: (features) => features.itemIdsRoutes,
		handle(context) {
			const ids = embeddedList(context, 'item_ids', 'int') as number[];
			const items = ids.map((id) => context.state.queue.get(id)).filter((item): item is QueueItemRecord => item !== undefined);
			return json(200, listed(context, items));
		},
	},
	{
		method: 'GET',
		pattern: new RegExp(`^${Q}/counts_by_destination$`),
		handle(context) {
			const reader = new ParamReader('query', context.request.query);
			const destination = reader.str('destination', true);
			reader.check();
			return json(200, countsByDestination(context.state.queue, destination!, context.features, context.user.isAdmin ? undefined : context.user.userId));
		},
	},
	{
		method: 'PUT',
		pattern: new RegExp(`^${Q}/processor/(pause|resume)$`),
		handle(context) {
			const { processor } = context.state;
			processor.paused = context.params[1] === 'pause';
			processor.kick();
			return json(200, processor.status());
		},
	},
];
