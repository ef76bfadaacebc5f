// The InvokeAI simulator driven over real sockets with Node's fetch and socket.io-client: the
// queue (enqueue, events, results mapped back to workflow nodes, image bytes), graph validation
// (each kind of 422), batch expansion, cancel (by the client, by someone else), the version
// differences (duplicated events in 6.13, redacted copies in 6.14, routes by version), multi-user
// auth on HTTP, media and the socket, boards/images/models/workflows, and faults.
import type { Socket } from 'socket.io-client';
import { io } from 'socket.io-client';

import { encodeRgbPng } from '../shared/picture/png.ts';
import type { InvokeAiSimulator, InvokeAiSimulatorOptions, SimQueueItem } from './index.ts';
import { DEFAULT_FAILURE_TEXT, DEFAULT_MODELS, SOCKET_PATH, defaultWorkflowsFor, modelIdentifier, startInvokeAiSimulator } from './index.ts';
import { withModels, workflowGraph } from './testGraphs.ts';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const SQLITE_TIME = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}$/;
const UPLOAD_PNG = encodeRgbPng(3, 2, new Uint8Array(18).fill(120), 'upload');

type Json = Record<string, unknown>;

interface EventRecord {
	event: string;
	data: Json;
}

interface Client {
	socket: Socket;
	events: EventRecord[];
	waitFor(predicate: (event: EventRecord) => boolean, timeoutMs?: number): Promise<EventRecord>;
}

const started: InvokeAiSimulator[] = [];
const clients: Socket[] = [];

async function start(options: InvokeAiSimulatorOptions = {}): Promise<InvokeAiSimulator> {
	const sim = await startInvokeAiSimulator({ nodeMs: 2, startDelayMs: 5, ...options });
	started.push(sim);
	return sim;
}

afterEach(async () => {
	for (const socket of clients.splice(0)) socket.disconnect();
	await Promise.all(started.splice(0).map((sim) => sim.close()));
});

function api(sim: InvokeAiSimulator, path: string, init: RequestInit & { token?: string; json?: unknown } = {}): Promise<Response> {
	const headers: Record<string, string> = { ...(init.headers as Record<string, string>) };
	if (init.token) headers.authorization = `Bearer ${init.token}`;
	let body = init.body;
	if (init.json !== undefined) {
		headers['content-type'] = 'application/json';
		body = JSON.stringify(init.json);
	}
	return fetch(`${sim.url}${path}`, { ...init, headers, body });
}

async function getJson<T = Json>(sim: InvokeAiSimulator, path: string, token?: string): Promise<T> {
	const response = await api(sim, path, { token });
	expect(response.status).toBe(200);
	return (await response.json()) as T;
}

async function enqueue(sim: InvokeAiSimulator, batch: Json, options: { prepend?: boolean; token?: string } = {}): Promise<Json & { item_ids: number[]; batch: Json }> {
	const response = await api(sim, '/api/v1/queue/default/enqueue_batch', { method: 'POST', json: { batch, prepend: options.prepend ?? false }, token: options.token });
	const body = (await response.json()) as Json & { item_ids: number[]; batch: Json };
	if (response.status !== 200) throw new Error(`enqueue: ${response.status} ${JSON.stringify(body).slice(0, 600)}`);
	return body;
}

async function detail422(response: Response): Promise<Json[]> {
	expect(response.status).toBe(422);
	return ((await response.json()) as { detail: Json[] }).detail;
}

/** Connects (websocket transport), subscribes to the default queue unless told not to. */
async function connect(sim: InvokeAiSimulator, options: { token?: string; subscribe?: boolean; reconnection?: boolean } = {}): Promise<Client> {
	const socket = io(sim.url, { path: SOCKET_PATH, transports: ['websocket'], auth: options.token ? { token: options.token } : {}, reconnectionDelay: 20, reconnectionDelayMax: 50, reconnection: options.reconnection ?? true });
	clients.push(socket);
	const events: EventRecord[] = [];
	const listeners = new Set<() => void>();
	socket.onAny((event: string, data: Json) => {
		events.push({ event, data });
		for (const listener of [...listeners]) listener();
	});
	await new Promise<void>((resolve, reject) => {
		socket.once('connect', () => resolve());
		socket.once('connect_error', (error) => reject(error));
	});
	if (options.subscribe !== false) {
		// With an acknowledgement: the rooms are joined before the test goes on.
		await socket.timeout(2000).emitWithAck('subscribe_queue', { queue_id: 'default' });
	}
	return {
		socket,
		events,
		waitFor(predicate, timeoutMs = 5000) {
			return new Promise((resolve, reject) => {
				const check = (): boolean => {
					const found = events.find(predicate);
					if (found) {
						listeners.delete(listener);
						clearTimeout(timer);
						resolve(found);
					}
					return Boolean(found);
				};
				const listener = (): void => void check();
				const timer = setTimeout(() => {
					listeners.delete(listener);
					reject(new Error(`no matching event after ${timeoutMs} ms; got ${events.map((event) => event.event).join(', ')}`));
				}, timeoutMs);
				listeners.add(listener);
				check();
			});
		},
	};
}

const statusOf = (itemId: number, status: string) => (event: EventRecord) => event.event === 'queue_item_status_changed' && event.data.item_id === itemId && event.data.status === status;

function workflow(sim: InvokeAiSimulator, name: string): Json {
	const found = defaultWorkflowsFor(sim.version()).find((candidate) => candidate.name === name);
	if (!found) throw new Error(`no default workflow ${name}`);
	return found;
}

const FLUX_T2I = 'Text to Image - FLUX';
const FLUX_PROMPT_NODE = '01f674f8-b3d1-4df1-acac-6cb8e0bfb63c';
const FLUX_DECODE_NODE = '7e5172eb-48c1-44db-a770-8fd83e1435d1';
const FLUX_DENOISE_NODE = '0940bc54-21fb-4346-bc68-fca5724c2747';

function fluxBatch(sim: InvokeAiSimulator, prompt = 'a cat in a hat', extra: Json = {}): Json {
	const graph = withModels(workflowGraph(workflow(sim, FLUX_T2I), { [FLUX_PROMPT_NODE]: { prompt } }));
	return { graph, runs: 1, origin: 'workflows', destination: 'gallery', ...extra };
}

function pngSize(bytes: Uint8Array): { width: number; height: number } {
	const buffer = Buffer.from(bytes);
	expect(buffer.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
	return { width: buffer.readUInt32BE(16), height: buffer.readUInt32BE(20) };
}

async function finished(sim: InvokeAiSimulator, itemId: number): Promise<SimQueueItem> {
	return sim.waitFor(itemId, (item) => ['completed', 'failed', 'canceled'].includes(item.status));
}

describe('enqueue and run', () => {
	it('runs a FLUX graph: events in order, results keyed by prepared ids mapped back to the workflow, the image downloadable', async () => {
		const sim = await start({ version: '6.14.0' });
		const client = await connect(sim);
		const reply = await enqueue(sim, fluxBatch(sim));
		expect(reply).toMatchObject({ queue_id: 'default', enqueued: 1, requested: 1, priority: 0 });
		expect(reply.batch.batch_id).toMatch(UUID);
		expect(reply.batch).toMatchObject({ data: null, workflow: null, runs: 1, origin: 'workflows' });
		const itemId = reply.item_ids[0];
		// The echoed graph is the validated one: defaults filled in.
		expect((reply.batch.graph as { nodes: Record<string, Json> }).nodes[FLUX_DENOISE_NODE]).toMatchObject({ num_steps: 4, scheduler: 'euler', control: null });

		const done = await client.waitFor(statusOf(itemId, 'completed'));
		expect(done.data).toMatchObject({ queue_id: 'default', batch_id: reply.batch.batch_id, error_type: null, user_id: 'system', origin: 'workflows' });
		expect(done.data.batch_status).toMatchObject({ completed: 1, total: 1, pending: 0, waiting: 0 });
		const names = client.events.filter((event) => event.data.item_id === itemId).map((event) => event.event);
		expect(names[0]).toBe('queue_item_status_changed');
		expect(names[names.length - 1]).toBe('queue_item_status_changed');
		const sources = client.events.filter((event) => event.event === 'invocation_complete').map((event) => event.data.invocation_source_id);
		expect(new Set(sources)).toEqual(new Set(Object.keys((reply.batch.graph as { nodes: Json }).nodes)));
		const denoising = client.events.filter((event) => event.event === 'invocation_progress' && event.data.invocation_source_id === FLUX_DENOISE_NODE);
		expect(denoising.map((event) => event.data.percentage)).toEqual([1 / 3, 2 / 3, 1]);
		const decoding = client.events.find((event) => event.event === 'invocation_progress' && event.data.invocation_source_id === FLUX_DECODE_NODE);
		expect(decoding?.data).toMatchObject({ percentage: null, message: 'Running VAE', image: null });

		const item = await getJson(sim, `/api/v1/queue/default/i/${itemId}`);
		expect(item).toMatchObject({ item_id: itemId, status: 'completed', status_sequence: 2, user_id: 'system' });
		expect(item).not.toHaveProperty('error_type');
		expect(item.created_at).toMatch(SQLITE_TIME);
		const session = item.session as SimQueueItem['session'];
		const decodeIds = session.source_prepared_mapping[FLUX_DECODE_NODE];
		expect(decodeIds).toHaveLength(1);
		expect(decodeIds[0]).toMatch(UUID);
		expect(Object.keys(session.results)).not.toContain(FLUX_DECODE_NODE);
		expect(session.prepared_source_mapping[decodeIds[0]]).toBe(FLUX_DECODE_NODE);
		const result = session.results[decodeIds[0]] as { type: string; image: { image_name: string }; width: number; height: number };
		expect(result).toMatchObject({ type: 'image_output', width: 1024, height: 1024 });
		const complete = client.events.find((event) => event.event === 'invocation_complete' && event.data.invocation_source_id === FLUX_DECODE_NODE)!;
		expect(complete.data.result).toEqual({ output_meta: null, ...result });

		const dto = await getJson(sim, `/api/v1/images/i/${result.image.image_name}`);
		expect(dto).toMatchObject({ image_origin: 'internal', image_category: 'general', is_intermediate: false, session_id: item.session_id, node_id: decodeIds[0], width: 1024, height: 1024 });
		expect(dto.image_url).toBe(`api/v1/images/i/${result.image.image_name}/full`);
		expect(dto).not.toHaveProperty('board_id');
		const full = await api(sim, `/${dto.image_url as string}`);
		expect(full.status).toBe(200);
		expect(full.headers.get('content-type')).toBe('image/png');
		const bytes = new Uint8Array(await full.arrayBuffer());
		expect(pngSize(bytes)).toEqual({ width: 1024, height: 1024 });
		expect(Buffer.from(bytes).equals(Buffer.from(sim.imageBytes(result.image.image_name)!))).toBe(true);
		expect(Buffer.from(bytes).toString('latin1')).toContain(`item ${itemId}`);
	});

	it('answers the enqueue with item ids newest first, honours a chosen batch_id and prepend, and runs by priority', async () => {
		const sim = await start({ paused: true });
		const first = await enqueue(sim, { ...fluxBatch(sim), runs: 3, batch_id: 'my-batch' });
		expect(first.batch.batch_id).toBe('my-batch');
		expect(first.item_ids).toEqual([3, 2, 1]);
		const urgent = await enqueue(sim, fluxBatch(sim, 'urgent'), { prepend: true });
		expect(urgent.priority).toBe(1);
		expect(sim.enqueuedCount()).toBe(4);
		expect(sim.batches().map((batch) => [batch.batchId === 'my-batch', batch.itemIds])).toEqual([
			[true, [1, 2, 3]],
			[false, [4]],
		]);
		sim.resume();
		const order: number[] = [];
		await Promise.all([1, 2, 3, 4].map((id) => sim.waitFor(id, (item) => item.status === 'in_progress').then(() => order.push(id))));
		expect(order).toEqual([4, 1, 2, 3]);
		await Promise.all([1, 2, 3, 4].map((id) => finished(sim, id)));
		expect((await getJson(sim, '/api/v1/queue/default/status')).queue).toMatchObject({ completed: 4, total: 4, item_id: null });
		expect(await getJson(sim, `/api/v1/queue/default/b/my-batch/status`)).toMatchObject({ batch_id: 'my-batch', completed: 3, total: 3, origin: 'workflows' });
	});
});

describe('graph validation (422, nothing enqueued)', () => {
	const node = (type: string, id: string, fields: Json = {}): Json => ({ type, id, ...fields });
	const base = (): { nodes: Record<string, Json>; edges: Json[] } => ({
		nodes: { a: node('string', 'a', { value: 'x' }), b: node('string_join', 'b') },
		edges: [{ source: { node_id: 'a', field: 'value' }, destination: { node_id: 'b', field: 'string_left' } }],
	});
	const GRAPH = ['body', 'batch', 'graph'];
	const cases: [string, (graph: ReturnType<typeof base>) => unknown, Json][] = [
		[
			'an unknown node type',
			(graph) => (graph.nodes.b.type = 'no_such_node'),
			{ type: 'union_tag_invalid', loc: [...GRAPH, 'nodes', 'b'], ctx: expect.objectContaining({ tag: 'no_such_node', discriminator: "'type'" }) },
		],
		['a node without a type', (graph) => delete graph.nodes.b.type, { type: 'union_tag_not_found', loc: [...GRAPH, 'nodes', 'b'], msg: "Unable to extract tag using discriminator 'type'" }],
		['a field of the wrong type', (graph) => (graph.nodes.b.string_right = ['x']), { type: 'string_type', loc: [...GRAPH, 'nodes', 'b', 'string_join', 'string_right'], msg: 'Input should be a valid string' }],
		['an out-of-range value', (graph) => (graph.nodes.a = node('flux_denoise', 'a', { width: 1000 })), { type: 'multiple_of', loc: [...GRAPH, 'nodes', 'a', 'flux_denoise', 'width'], msg: 'Input should be a multiple of 16' }],
		['an unparsable number', (graph) => (graph.nodes.a = node('integer', 'a', { value: 'seven' })), { type: 'int_parsing', loc: [...GRAPH, 'nodes', 'a', 'integer', 'value'] }],
		['a key that is not the node id', (graph) => (graph.nodes.b.id = 'c'), { type: 'value_error', loc: GRAPH, msg: 'Value error, Node ids must match, got b and c' }],
		['an edge from an unknown node', (graph) => ((graph.edges[0].source as Json).node_id = 'zz'), { type: 'value_error', loc: GRAPH, msg: 'Value error, Edge source node zz does not exist in the graph' }],
		['an edge to an unknown field', (graph) => ((graph.edges[0].destination as Json).field = 'nope'), { msg: 'Value error, Edge destination field nope does not exist in node b' }],
		['an edge from an unknown output', (graph) => ((graph.edges[0].source as Json).field = 'nope'), { msg: 'Value error, Edge source field nope does not exist in node a' }],
		[
			'an edge between incompatible types',
			(graph) => (graph.nodes.a = node('boolean', 'a', { value: true })),
			{ msg: 'Value error, Edge source and target types do not match (a.value -> b.string_left)' },
		],
		['a cycle', (graph) => graph.edges.push({ source: { node_id: 'b', field: 'value' }, destination: { node_id: 'a', field: 'value' } }), { msg: 'Value error, Graph contains cycles' }],
		['an edge field left null (the py-client)', (graph) => ((graph.edges[0].source as Json).field = null), { type: 'string_type', loc: [...GRAPH, 'edges', 0, 'source', 'field'] }],
	];

	it.each(cases)('refuses %s', async (_name, spoil, expected) => {
		const sim = await start();
		const graph = base();
		spoil(graph);
		const response = await api(sim, '/api/v1/queue/default/enqueue_batch', { method: 'POST', json: { batch: { graph, runs: 1 } } });
		const problems = await detail422(response);
		expect(problems).toEqual([expect.objectContaining(expected)]);
		expect(sim.enqueuedCount()).toBe(0);
	});

	it('accepts the base graph, and refuses bad bodies, runs and batch data with FastAPI’s errors', async () => {
		const sim = await start({ paused: true });
		expect((await enqueue(sim, { graph: base() })).enqueued).toBe(1);
		const post = (body: string | unknown) =>
			api(sim, '/api/v1/queue/default/enqueue_batch', { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': 'application/json' } });
		expect(await detail422(await post('{"batch": '))).toEqual([expect.objectContaining({ type: 'json_invalid', msg: 'JSON decode error' })]);
		expect(await detail422(await post({ graph: base() }))).toEqual([{ type: 'missing', loc: ['body', 'batch'], msg: 'Field required', input: null }]);
		expect(await detail422(await post({ batch: { graph: base(), runs: 0 } }))).toEqual([expect.objectContaining({ type: 'greater_than_equal', loc: ['body', 'batch', 'runs'], ctx: { ge: 1 } })]);
		const datum = (items: unknown[], field = 'value', path = 'a') => ({ node_path: path, field_name: field, items });
		expect(await detail422(await post({ batch: { graph: base(), data: [[datum(['x', 'y']), datum(['z'], 'string_right', 'b')]] } }))).toEqual([
			expect.objectContaining({ type: 'value_error', loc: ['body', 'batch', 'data'], msg: 'Value error, Zipped batch items must all have the same length' }),
		]);
		expect(await detail422(await post({ batch: { graph: base(), data: [[datum(['x'], 'value', 'q')]] } }))).toEqual([
			expect.objectContaining({ type: 'value_error', loc: ['body', 'batch'], msg: 'Value error, Node q not found in graph' }),
		]);
		expect(await detail422(await post({ batch: { graph: base(), data: [[datum(['x'], 'nope')]] } }))).toEqual([expect.objectContaining({ msg: 'Value error, Field nope not found in node a' })]);
		expect(await detail422(await post({ batch: { graph: base(), data: [[datum(['x'])], [datum(['y'])]] } }))).toEqual([
			expect.objectContaining({ msg: 'Value error, Each batch data must have unique node_id and field_name' }),
		]);
		const workflowProblems = await detail422(await post({ batch: { graph: base(), workflow: { name: 'w' } } }));
		expect(workflowProblems.map((problem) => problem.loc)).toContainEqual(['body', 'batch', 'workflow', 'meta']);
		expect(sim.enqueuedCount()).toBe(1);
	});

	it('accepts every default workflow converted as the web UI does, for 6.13.8 and 6.14 (a direct model input is required at once)', async () => {
		const COGVIEW_LOADER = '7890507c-d346-4d13-bcb4-bc6d4850b2e3';
		const WAN_LOADER = '1a0e6c7b-9d2f-4b3c-8e1a-2f3d4c5b6a7e';
		const someModel = { key: 'k', hash: 'h', name: 'some model', base: 'any', type: 'main' };
		for (const version of ['6.13.8', '6.14.0']) {
			const sim = await start({ version, paused: true });
			const workflows = defaultWorkflowsFor(version);
			expect(workflows).toHaveLength(version === '6.14.0' ? 6 : 5);
			for (const found of workflows) {
				const graph = workflowGraph(found, { [COGVIEW_LOADER]: { model: someModel }, [WAN_LOADER]: { model: someModel } });
				expect((await enqueue(sim, { graph, workflow: found, runs: 1 })).enqueued).toBe(1);
			}
			// `model` of cogview4_model_loader (and wan_model_loader) is an Input.Direct field without a default: pydantic requires it.
			const cogview = workflowGraph(workflows.find((candidate) => candidate.name === 'Text to Image - CogView4')!);
			const response = await api(sim, '/api/v1/queue/default/enqueue_batch', { method: 'POST', json: { batch: { graph: cogview } } });
			expect(await detail422(response)).toEqual([
				expect.objectContaining({ type: 'missing', loc: ['body', 'batch', 'graph', 'nodes', COGVIEW_LOADER, 'cogview4_model_loader', 'model'] }),
			]);
		}
	});
});

describe('batch expansion', () => {
	it('makes runs × the product of the zipped groups, runs outermost, values applied to each session graph', async () => {
		const sim = await start({ paused: true });
		const data = [
			[
				{ node_path: FLUX_PROMPT_NODE, field_name: 'prompt', items: ['a fox', 'an owl', 'a bee'] },
				{ node_path: FLUX_DENOISE_NODE, field_name: 'num_steps', items: [2, 3, 4] },
			],
			[{ node_path: FLUX_DENOISE_NODE, field_name: 'guidance', items: [1.5, 7] }],
		];
		const reply = await enqueue(sim, { ...fluxBatch(sim), runs: 2, data });
		expect(reply).toMatchObject({ requested: 12, enqueued: 12 });
		const items = reply.item_ids.map((id) => sim.item(id)!).reverse();
		const combos = items.map((item) => (item.field_values as { value: unknown }[]).map((value) => value.value));
		expect(combos.slice(0, 6)).toEqual([
			['a fox', 2, 1.5],
			['a fox', 2, 7],
			['an owl', 3, 1.5],
			['an owl', 3, 7],
			['a bee', 4, 1.5],
			['a bee', 4, 7],
		]);
		expect(combos.slice(6)).toEqual(combos.slice(0, 6));
		expect(items[3].session.graph.nodes[FLUX_PROMPT_NODE].prompt).toBe('an owl');
		expect(items[3].session.graph.nodes[FLUX_DENOISE_NODE]).toMatchObject({ num_steps: 3, guidance: 7 });
		expect(new Set(items.map((item) => item.session_id)).size).toBe(12);
		expect(new Set(items.map((item) => item.batch_id))).toEqual(new Set([reply.batch.batch_id]));
	});

	it('cuts a batch to the room left under max_queue_size', async () => {
		const sim = await start({ paused: true, maxQueueSize: 5 });
		expect(await enqueue(sim, { ...fluxBatch(sim), runs: 3 })).toMatchObject({ requested: 3, enqueued: 3 });
		const cut = await enqueue(sim, { ...fluxBatch(sim), runs: 4 });
		expect(cut).toMatchObject({ requested: 4, enqueued: 2 });
		expect(cut.item_ids).toHaveLength(2);
		expect(sim.enqueuedCount()).toBe(5);
	});
});

describe('run-time outcomes', () => {
	it('fails at run time for a missing model, an unknown model, an injected failure and a FAIL prompt', async () => {
		const sim = await start();
		const client = await connect(sim);
		sim.failNext({ errorType: 'RuntimeError', errorMessage: 'boom', atNode: 'flux_vae_decode' });
		const injected = await enqueue(sim, fluxBatch(sim));
		const noModel = await enqueue(sim, { graph: workflowGraph(workflow(sim, FLUX_T2I)) });
		const unknown = fluxBatch(sim);
		(unknown.graph as { nodes: Record<string, Json> }).nodes['f8d9d7c8-9ed7-4bd7-9e42-ab0e89bfac90'].model = { ...modelIdentifier(DEFAULT_MODELS[2]), key: 'gone' };
		const unknownModel = await enqueue(sim, unknown);
		const prompted = await enqueue(sim, fluxBatch(sim, 'please FAIL now'));

		const missing = await finished(sim, noModel.item_ids[0]);
		expect(missing).toMatchObject({ status: 'failed', error_type: 'MissingInputException', error_message: 'Node flux_model_loader missing value or connection for field model' });
		expect(missing.error_traceback).toContain('MissingInputException: Node flux_model_loader');
		const errorEvent = await client.waitFor((event) => event.event === 'invocation_error' && event.data.item_id === noModel.item_ids[0]);
		expect(errorEvent.data).toMatchObject({ error_type: 'MissingInputException', invocation_source_id: 'f8d9d7c8-9ed7-4bd7-9e42-ab0e89bfac90' });
		expect(Object.values(missing.session.errors)).toEqual(['Node flux_model_loader missing value or connection for field model']);
		expect(await finished(sim, unknownModel.item_ids[0])).toMatchObject({ status: 'failed', error_type: 'ValueError', error_message: 'Unknown model: gone' });
		const boom = await finished(sim, injected.item_ids[0]);
		expect(boom).toMatchObject({ status: 'failed', error_type: 'RuntimeError', error_message: 'boom' });
		expect(Object.values(boom.session.prepared_source_mapping)).toContain(FLUX_DENOISE_NODE);
		expect(Object.keys(boom.session.results).map((id) => boom.session.prepared_source_mapping[id])).not.toContain(FLUX_DECODE_NODE);
		expect(await finished(sim, prompted.item_ids[0])).toMatchObject({ status: 'failed', error_type: 'OutOfMemoryError', error_message: DEFAULT_FAILURE_TEXT });
		const failedEvent = await client.waitFor(statusOf(prompted.item_ids[0], 'failed'));
		expect(failedEvent.data).toMatchObject({ error_type: 'OutOfMemoryError', error_message: DEFAULT_FAILURE_TEXT });
		expect(sim.images()).toHaveLength(0);
	});

	it('prepares one copy per iteration under an iterate node (Prompt from File), each with its own image', async () => {
		const sim = await start();
		const found = workflow(sim, 'Text to Image - SD1.5, Prompt from File');
		const PROMPTS = '1b7e0df8-8589-4915-a4ea-c0088f15d642';
		const ITERATE = '1b89067c-3f6b-42c8-991f-e3055789b251';
		const L2I = '491ec988-3c77-4c37-af8a-39a0c4e7a2a1';
		const graph = withModels(workflowGraph(found, { [PROMPTS]: { file_path: 'animals.txt', max_prompts: 3 } }));
		const item = await finished(sim, (await enqueue(sim, { graph, workflow: found })).item_ids[0]);
		expect(item.status).toBe('completed');
		const { source_prepared_mapping: bySource, prepared_source_mapping: bySession, results } = item.session;
		expect(bySource[ITERATE]).toHaveLength(3);
		expect(bySource[L2I]).toHaveLength(3);
		expect(bySource[PROMPTS]).toHaveLength(1);
		for (const id of bySource[L2I]) expect(bySession[id]).toBe(L2I);
		expect(bySource[ITERATE].map((id) => results[id].item)).toEqual(['line 1 of animals.txt', 'line 2 of animals.txt', 'line 3 of animals.txt']);
		const names = bySource[L2I].map((id) => (results[id].image as { image_name: string }).image_name);
		expect(new Set(names).size).toBe(3);
		const dtos = await Promise.all(names.map((name) => getJson(sim, `/api/v1/images/i/${name}`)));
		expect(dtos.map((dto) => [dto.is_intermediate, dto.width, dto.has_workflow])).toEqual([
			[true, 512, true],
			[true, 512, true],
			[true, 512, true],
		]);
		expect(Buffer.from(sim.imageBytes(names[1])!).toString('latin1')).toContain(`node ${L2I.slice(0, 8)}`);
	});
});

describe('cancel', () => {
	it('cancels the running item (no further node events), a pending one (never starts), and leaves finished ones alone', async () => {
		const sim = await start({ nodeMs: 30 });
		const client = await connect(sim);
		const reply = await enqueue(sim, { ...fluxBatch(sim), runs: 3 });
		const [third, second, first] = reply.item_ids;
		await client.waitFor((event) => event.event === 'invocation_started' && event.data.item_id === first);
		const canceled = await api(sim, `/api/v1/queue/default/i/${first}/cancel`, { method: 'PUT' });
		expect(canceled.status).toBe(200);
		expect(await canceled.json()).toMatchObject({ item_id: first, status: 'canceled', error_type: null });
		expect(((await (await api(sim, `/api/v1/queue/default/i/${second}/cancel`, { method: 'PUT' })).json()) as Json).status).toBe('canceled');
		await client.waitFor(statusOf(first, 'canceled'));
		const done = await finished(sim, third);
		expect(done.status).toBe('completed');
		const firstEvents = client.events.filter((event) => event.data.item_id === first);
		const canceledAt = firstEvents.findIndex((event) => event.event === 'queue_item_status_changed' && event.data.status === 'canceled');
		expect(firstEvents.slice(canceledAt + 1).filter((event) => event.event.startsWith('invocation_'))).toEqual([]);
		expect(client.events.some((event) => event.data.item_id === second && event.event !== 'queue_item_status_changed')).toBe(false);
		expect(sim.item(second)!.started_at).toBeNull();
		const again = await api(sim, `/api/v1/queue/default/i/${third}/cancel`, { method: 'PUT' });
		expect(((await again.json()) as Json).status).toBe('completed');
		const unknown = await api(sim, '/api/v1/queue/default/i/99/cancel', { method: 'PUT' });
		expect(unknown.status).toBe(404);
		expect(await unknown.json()).toEqual({ detail: 'Queue item with id 99 not found in queue default' });
		expect(await (await api(sim, '/api/v1/queue/default/i/99')).json()).toEqual({ detail: 'Queue item with id 99 not found in queue default' });
		expect((await api(sim, '/api/v1/queue/default/i/abc')).status).toBe(422);
	});

	it('cancels by batch id: pending items in one quiet update (6.13), the running one with its event', async () => {
		const sim = await start({ nodeMs: 30 });
		const client = await connect(sim);
		const reply = await enqueue(sim, { ...fluxBatch(sim), runs: 3 });
		const first = reply.item_ids[2];
		await client.waitFor((event) => event.event === 'invocation_started' && event.data.item_id === first);
		const response = await api(sim, '/api/v1/queue/default/cancel_by_batch_ids', { method: 'PUT', json: { batch_ids: [reply.batch.batch_id] } });
		expect(await response.json()).toEqual({ canceled: 2 });
		await client.waitFor(statusOf(first, 'canceled'));
		expect(sim.items().map((item) => item.status)).toEqual(['canceled', 'canceled', 'canceled']);
		expect(client.events.filter((event) => event.event === 'queue_item_status_changed' && event.data.status === 'canceled' && event.data.item_id !== first)).toEqual([]);
		expect(await getJson(sim, `/api/v1/queue/default/b/${reply.batch.batch_id}/status`)).toMatchObject({ canceled: 3, total: 3 });
		expect(await detail422(await api(sim, '/api/v1/queue/default/cancel_by_batch_ids', { method: 'PUT', json: { ids: [] } }))).toEqual([
			{ type: 'missing', loc: ['body', 'batch_ids'], msg: 'Field required', input: null },
		]);
	});

	it('shows a cancel made elsewhere (cancelFromServer) to the client and to waitFor, then runs the next item', async () => {
		const sim = await start({ nodeMs: 30 });
		const client = await connect(sim);
		const reply = await enqueue(sim, { ...fluxBatch(sim), runs: 2 });
		const [second, first] = reply.item_ids;
		await sim.waitFor(first, (item) => item.status === 'in_progress');
		sim.cancelFromServer(first);
		expect((await client.waitFor(statusOf(first, 'canceled'))).data).toMatchObject({ error_type: null, completed_at: expect.stringMatching(SQLITE_TIME) });
		expect((await finished(sim, first)).status).toBe('canceled');
		expect((await getJson(sim, `/api/v1/queue/default/i/${first}`)).status).toBe('canceled');
		expect((await finished(sim, second)).status).toBe('completed');
		const retried = await api(sim, '/api/v1/queue/default/retry_items_by_id', { method: 'PUT', json: [first, second] });
		expect(await retried.json()).toEqual({ queue_id: 'default', retried_item_ids: [first] });
		const again = sim.items()[2];
		expect(again).toMatchObject({ retried_from_item_id: first, batch_id: reply.batch.batch_id });
		expect((await finished(sim, again.item_id)).status).toBe('completed');
		expect(sim.enqueuedCount()).toBe(2);
	});
});

describe('versions', () => {
	const forItem = (client: Client, itemId: number, event: string) => client.events.filter((record) => record.event === event && record.data.item_id === itemId);

	it('6.13.x sends a single-user socket (in the user and the admin room) every queue event twice; 6.12 only invocation events', async () => {
		for (const [version, statusCopies] of [
			['6.13.8', 2],
			['6.12.0', 1],
		] as const) {
			const sim = await start({ version });
			const client = await connect(sim);
			const reply = await enqueue(sim, fluxBatch(sim));
			const itemId = reply.item_ids[0];
			await finished(sim, itemId);
			await client.waitFor(statusOf(itemId, 'completed'));
			await new Promise((resolve) => setTimeout(resolve, 30));
			expect(forItem(client, itemId, 'queue_item_status_changed').map((event) => event.data.status)).toEqual(
				statusCopies === 2 ? ['in_progress', 'in_progress', 'completed', 'completed'] : ['in_progress', 'completed'],
			);
			expect(client.events.filter((event) => event.event === 'batch_enqueued')).toHaveLength(statusCopies);
			const decodes = forItem(client, itemId, 'invocation_complete').filter((event) => event.data.invocation_source_id === FLUX_DECODE_NODE);
			expect(decodes).toHaveLength(2);
			expect(decodes[0].data).toEqual(decodes[1].data);
			const previews = forItem(client, itemId, 'invocation_progress').filter((event) => event.data.invocation_source_id === FLUX_DENOISE_NODE && event.data.percentage === 1);
			expect(previews.map((event) => event.data.image === null)).toEqual([false, true]);
			expect(forItem(client, itemId, 'queue_item_status_changed')[0].data.status_sequence).toBe(version === '6.13.8' ? 1 : undefined);
		}
	});

	it('6.14 sends each event once, progress only to the owner, and redacted copies of status and batch events to other users', async () => {
		const users = [
			{ email: 'admin@example.com', password: 'a', userId: 'admin', isAdmin: true },
			{ email: 'ann@example.com', password: 'b', userId: 'ann' },
			{ email: 'bob@example.com', password: 'c', userId: 'bob' },
		];
		const sim = await start({ version: '6.14.0', multiUser: true, users, nodeMs: 10 });
		const [admin, ann, bob] = await Promise.all(users.map((user) => connect(sim, { token: sim.tokenFor(user.email) })));
		const token = sim.tokenFor('ann@example.com');
		const reply = await enqueue(sim, { ...fluxBatch(sim), runs: 3 }, { token });
		const [third, second, first] = reply.item_ids;
		await ann.waitFor(statusOf(first, 'completed'));
		expect(forItem(ann, first, 'queue_item_status_changed').map((event) => event.data.status)).toEqual(['in_progress', 'completed']);
		expect(forItem(ann, first, 'invocation_progress').length).toBeGreaterThan(0);
		expect(forItem(admin, first, 'invocation_progress')).toEqual([]);
		expect(forItem(admin, first, 'invocation_complete')).toHaveLength(forItem(ann, first, 'invocation_complete').length);
		const redacted = await bob.waitFor(statusOf(first, 'completed'));
		expect(redacted.data).toMatchObject({ user_id: 'redacted', batch_id: 'redacted', session_id: 'redacted', origin: null, destination: null });
		expect(redacted.data.batch_status).toMatchObject({ batch_id: 'redacted', origin: null, completed: 1 });
		expect(redacted.data.queue_status).toMatchObject({ item_id: null, batch_id: null, session_id: null, user_pending: null });
		expect(bob.events.filter((event) => event.event.startsWith('invocation_'))).toEqual([]);
		expect(bob.events.find((event) => event.event === 'batch_enqueued')?.data).toMatchObject({ batch_id: 'redacted', user_id: 'redacted', enqueued: 3 });
		expect(ann.events.find((event) => event.event === 'batch_enqueued')?.data).toMatchObject({ batch_id: reply.batch.batch_id, user_id: 'ann', enqueued: 3 });

		await sim.waitFor(second, (item) => item.status === 'in_progress');
		const canceled = await api(sim, '/api/v1/queue/default/cancel_by_batch_ids', { method: 'PUT', json: { batch_ids: [reply.batch.batch_id] }, token });
		expect(await canceled.json()).toEqual({ canceled: 2 });
		await ann.waitFor(statusOf(second, 'canceled'));
		const pendingIds = [third];
		expect((await ann.waitFor((event) => event.event === 'queue_items_canceled')).data).toMatchObject({ canceled_item_ids: pendingIds, user_ids: ['ann'], canceled_item_ids_by_user: { ann: pendingIds } });
		expect(forItem(ann, third, 'queue_item_status_changed')).toEqual([]);
		expect((await admin.waitFor((event) => event.event === 'queue_items_canceled')).data).toMatchObject({ canceled_item_ids: pendingIds });
		expect((await bob.waitFor((event) => event.event === 'queue_items_canceled')).data).toMatchObject({ canceled_item_ids: [], user_ids: [] });
		// Bob's HTTP view of Ann's item is sanitized; he may not cancel it.
		const seen = await getJson(sim, `/api/v1/queue/default/i/${first}`, sim.tokenFor('bob@example.com'));
		expect(seen).toMatchObject({ status: 'completed', user_id: 'redacted', batch_id: 'redacted' });
		expect(seen.session).toMatchObject({ id: 'redacted', results: {} });
		const refused = await api(sim, `/api/v1/queue/default/i/${first}/cancel`, { method: 'PUT', token: sim.tokenFor('bob@example.com') });
		expect(refused.status).toBe(403);
		expect(await refused.json()).toEqual({ detail: 'You do not have permission to cancel this queue item' });
	});

	it('has the routes and fields of each version, and switches with setVersion', async () => {
		const sim = await start({ version: '6.7.0', paused: true });
		expect(await getJson(sim, '/api/v1/app/version')).toEqual({ version: '6.7.0' });
		const reply = await enqueue(sim, fluxBatch(sim));
		expect(reply.item_ids).toEqual([1]);
		const ids = await api(sim, '/api/v1/queue/default/item_ids');
		expect(ids.status).toBe(404);
		expect(await ids.json()).toEqual({ detail: 'Not Found' });
		expect((await api(sim, '/api/v1/queue/default/items_by_ids', { method: 'POST', json: { item_ids: [1] } })).status).toBe(405);
		expect(await getJson<unknown[]>(sim, '/api/v1/queue/default/list_all')).toHaveLength(1);
		expect(await getJson(sim, '/api/v1/queue/default/i/1')).not.toHaveProperty('user_id');

		sim.setVersion('6.8.0');
		expect(await getJson(sim, '/api/v1/queue/default/item_ids?order_dir=ASC')).toEqual({ item_ids: [1], total_count: 1 });
		const byIds = await api(sim, '/api/v1/queue/default/items_by_ids', { method: 'POST', json: { item_ids: [1, 5] } });
		expect(((await byIds.json()) as Json[]).map((item) => item.item_id)).toEqual([1]);

		sim.setVersion('5.6.0');
		const old = await enqueue(sim, fluxBatch(sim));
		expect(old).not.toHaveProperty('item_ids');
		expect((await api(sim, '/api/v1/queue/default/list_all')).status).toBe(404);
		expect((await api(sim, '/api/v1/queue/default/retry_items_by_id', { method: 'PUT', json: [1] })).status).toBe(405);

		sim.setVersion('6.14.0');
		const status = (await getJson(sim, '/api/v1/queue/default/status')).queue as Json;
		expect(status).toMatchObject({ pending: 2, waiting: 0, user_pending: null });
		const doc614 = await getJson<{ paths: Json; components: { schemas: Json } }>(sim, '/openapi.json');
		expect(Object.keys(doc614.paths)).toHaveLength(145);
		expect(doc614.components.schemas).toHaveProperty('WanLatentsToVideoInvocation');
		sim.setVersion('6.13.8');
		const doc613 = await getJson<{ paths: Json; components: { schemas: Json } }>(sim, '/openapi.json');
		expect(Object.keys(doc613.paths)).toHaveLength(119);
		expect(doc613.components.schemas).not.toHaveProperty('WanLatentsToVideoInvocation');
		expect(() => sim.setVersion('six')).toThrow(/not major.minor/);
	});
});

describe('more of the run', () => {
	it('6.14 makes a video with the Wan workflow, and hears a socket that never subscribed (rooms joined at connect); 6.13 does not', async () => {
		const WAN_LOADER = '1a0e6c7b-9d2f-4b3c-8e1a-2f3d4c5b6a7e';
		const WAN_DECODE = '6f5dcb1c-e27d-9fb0-d16f-7e8cbaa1fcbd';
		const LORAS = ['291abec8-b996-4c7b-959c-360f56a3ed60', 'ae8f115d-a3b8-4f76-b280-7313366a94ad'];
		const sim = await start({ version: '6.14.0' });
		const quiet = await connect(sim, { subscribe: false });
		const found = workflow(sim, 'Text to Video - Wan 2.2 Lightning');
		const lora = modelIdentifier(DEFAULT_MODELS.find((model) => model.type === 'lora')!);
		const values: Record<string, Json> = { [WAN_LOADER]: { model: modelIdentifier(DEFAULT_MODELS[2]) }, [LORAS[0]]: { lora }, [LORAS[1]]: { lora } };
		const reply = await enqueue(sim, { graph: workflowGraph(found, values), workflow: found, destination: 'gallery' });
		const item = await finished(sim, reply.item_ids[0]);
		expect(item.status).toBe('completed');
		const video = item.session.results[item.session.source_prepared_mapping[WAN_DECODE][0]] as { type: string; video: { video_name: string }; width: number };
		expect(video).toMatchObject({ type: 'video_output', width: 832, video: { video_name: expect.stringMatching(/\.mp4$/) } });
		const file = await api(sim, `/api/v1/videos/i/${video.video.video_name}/full`);
		expect([file.status, file.headers.get('content-type')]).toEqual([200, 'video/mp4']);
		await quiet.waitFor(statusOf(reply.item_ids[0], 'completed'));
		expect(await getJson(sim, '/api/v1/queue/default/counts_by_destination?destination=gallery')).toEqual({
			queue_id: 'default',
			destination: 'gallery',
			pending: 0,
			in_progress: 0,
			waiting: 0,
			completed: 1,
			failed: 0,
			canceled: 0,
			total: 1,
		});

		sim.setVersion('6.13.8');
		const deaf = await connect(sim, { subscribe: false });
		const listening = await connect(sim);
		const next = await enqueue(sim, fluxBatch(sim));
		await listening.waitFor(statusOf(next.item_ids[0], 'completed'));
		await listening.socket.timeout(2000).emitWithAck('unsubscribe_queue', { queue_id: 'default' });
		expect(deaf.events).toEqual([]);
		expect((await api(sim, `/api/v1/videos/i/${video.video.video_name}/full`)).status).toBe(404);
	});

	it('lets the outcome option fail chosen items at a chosen node', async () => {
		const outcome = jest.fn((item: { texts: string[] }) => (item.texts.includes('doomed') ? { errorType: 'ValueError', errorMessage: 'no', atNode: FLUX_PROMPT_NODE } : undefined));
		const sim = await start({ outcome });
		const doomed = await enqueue(sim, fluxBatch(sim, 'doomed'));
		const fine = await enqueue(sim, fluxBatch(sim, 'fine'));
		const failed = await finished(sim, doomed.item_ids[0]);
		expect(failed).toMatchObject({ status: 'failed', error_type: 'ValueError', error_message: 'no', error_traceback: expect.stringContaining('ValueError: no') });
		expect(Object.keys(failed.session.errors).map((id) => failed.session.prepared_source_mapping[id])).toEqual([FLUX_PROMPT_NODE]);
		expect((await finished(sim, fine.item_ids[0])).status).toBe('completed');
		expect(outcome).toHaveBeenCalledTimes(2);
		expect(outcome.mock.calls[0][0]).toMatchObject({ itemId: doomed.item_ids[0], userId: 'system' });
	});
});

describe('multi-user auth', () => {
	async function login(sim: InvokeAiSimulator, email: string, password: string): Promise<Response> {
		return api(sim, '/api/v1/auth/login', { method: 'POST', json: { email, password } });
	}

	it('needs a Bearer token from login on HTTP and on the socket; tokens expire', async () => {
		const sim = await start({ multiUser: true, tokenTtlMs: 400 });
		const anonymous = await api(sim, '/api/v1/queue/default/status');
		expect(anonymous.status).toBe(401);
		expect(await anonymous.json()).toEqual({ detail: 'Authentication required' });
		expect(await (await api(sim, '/api/v1/queue/default/status', { token: 'not.a.token' })).json()).toEqual({ detail: 'Invalid or expired token' });
		expect((await api(sim, '/api/v1/app/version')).status).toBe(200);
		const wrong = await login(sim, 'user@example.com', 'nope');
		expect(wrong.status).toBe(401);
		expect(wrong.headers.get('www-authenticate')).toBe('Bearer');
		expect(await wrong.json()).toEqual({ detail: 'Incorrect email or password' });
		expect(await detail422(await api(sim, '/api/v1/auth/login', { method: 'POST', json: { email: 'x' } }))).toEqual([
			expect.objectContaining({ type: 'missing', loc: ['body', 'password'] }),
		]);
		const ok = await login(sim, 'user@example.com', 'user-password');
		expect(ok.status).toBe(200);
		const session = (await ok.json()) as { token: string; user: Json; expires_in: number };
		expect(session.user).toMatchObject({ user_id: 'user', email: 'user@example.com', is_admin: false, is_active: true });
		expect(session.token.split('.')).toHaveLength(3);
		expect(JSON.parse(Buffer.from(session.token.split('.')[1], 'base64url').toString())).toMatchObject({ user_id: 'user', is_admin: false, exp: expect.any(Number) });

		await expect(connect(sim)).rejects.toThrow('Connection rejected by server');
		const client = await connect(sim, { token: session.token });
		const reply = await enqueue(sim, fluxBatch(sim), { token: session.token });
		const done = await client.waitFor(statusOf(reply.item_ids[0], 'completed'));
		expect(done.data.user_id).toBe('user');
		expect(sim.item(reply.item_ids[0])).toMatchObject({ user_id: 'user', user_email: 'user@example.com', user_display_name: 'User' });
		expect(sim.requests.some((record) => record.path === '/api/v1/queue/default/enqueue_batch' && record.user === 'user')).toBe(true);

		await new Promise((resolve) => setTimeout(resolve, 450));
		expect(await (await api(sim, '/api/v1/queue/default/status', { token: session.token })).json()).toEqual({ detail: 'Invalid or expired token' });
		const fresh = sim.tokenFor('admin@example.com');
		expect((await api(sim, '/api/v1/queue/default/status', { token: fresh })).status).toBe(200);
		sim.expireTokens();
		expect((await api(sim, '/api/v1/queue/default/status', { token: fresh })).status).toBe(401);
	});

	it('serves image files without a token in 6.13.8 but only with one in 6.14; single-user login is refused', async () => {
		for (const version of ['6.13.8', '6.14.0']) {
			const sim = await start({ version, multiUser: true });
			const token = sim.tokenFor('user@example.com');
			const reply = await enqueue(sim, fluxBatch(sim), { token });
			const item = await finished(sim, reply.item_ids[0]);
			const decodeId = item.session.source_prepared_mapping[FLUX_DECODE_NODE][0];
			const name = (item.session.results[decodeId].image as { image_name: string }).image_name;
			const bare = await api(sim, `/api/v1/images/i/${name}/full`);
			expect(bare.status).toBe(version === '6.14.0' ? 401 : 200);
			expect((await api(sim, `/api/v1/images/i/${name}/full`, { token })).status).toBe(200);
			expect((await api(sim, `/api/v1/images/i/${name}`)).status).toBe(401);
			const other = await api(sim, `/api/v1/images/i/${name}`, { token: sim.tokenFor('admin@example.com') });
			expect(other.status).toBe(200);
		}
		const single = await start();
		const refused = await login(single, 'admin@example.com', 'admin-password');
		expect(refused.status).toBe(403);
		expect(await refused.json()).toEqual({ detail: 'Multiuser mode is disabled. Authentication is not required in single-user mode.' });
		await expect(startInvokeAiSimulator({ version: '6.11.0', multiUser: true })).rejects.toThrow(/6.12/);
	});
});

describe('images, boards, models, workflows', () => {
	function uploadForm(bytes: Uint8Array, type = 'image/png', name = 'photo.png'): FormData {
		const form = new FormData();
		form.append('file', new Blob([bytes], { type }), name);
		return form;
	}

	it('uploads an image (both query parameters required, 415 for what is not one) and lists it', async () => {
		const sim = await start();
		expect(await detail422(await api(sim, '/api/v1/images/upload', { method: 'POST', body: uploadForm(UPLOAD_PNG) }))).toEqual([
			expect.objectContaining({ type: 'missing', loc: ['query', 'image_category'] }),
			expect.objectContaining({ type: 'missing', loc: ['query', 'is_intermediate'] }),
		]);
		expect(await detail422(await api(sim, '/api/v1/images/upload?image_category=photo&is_intermediate=false', { method: 'POST', body: uploadForm(UPLOAD_PNG) }))).toEqual([
			expect.objectContaining({ type: 'enum', loc: ['query', 'image_category'], msg: "Input should be 'general', 'mask', 'control', 'user' or 'other'" }),
		]);
		const text = await api(sim, '/api/v1/images/upload?image_category=user&is_intermediate=false', { method: 'POST', body: uploadForm(Buffer.from('hello'), 'text/plain', 'a.txt') });
		expect(text.status).toBe(415);
		expect(await text.json()).toEqual({ detail: 'Not an image' });
		const junk = await api(sim, '/api/v1/images/upload?image_category=user&is_intermediate=false', { method: 'POST', body: uploadForm(Buffer.from('not a png')) });
		expect(await junk.json()).toEqual({ detail: 'Failed to read image' });

		const uploaded = await api(sim, '/api/v1/images/upload?image_category=user&is_intermediate=false', { method: 'POST', body: uploadForm(UPLOAD_PNG) });
		expect(uploaded.status).toBe(201);
		const dto = (await uploaded.json()) as Json;
		expect(uploaded.headers.get('location')).toBe(dto.image_url);
		expect(dto).toMatchObject({ image_origin: 'external', image_category: 'user', width: 3, height: 2, is_intermediate: false, starred: false, has_workflow: false, image_subfolder: '' });
		expect(dto).not.toHaveProperty('session_id');
		const bytes = new Uint8Array(await (await api(sim, `/api/v1/images/i/${dto.image_name as string}/full`)).arrayBuffer());
		expect(Buffer.from(bytes).equals(Buffer.from(UPLOAD_PNG))).toBe(true);
		const listed = await getJson<{ total: number; items: Json[] }>(sim, '/api/v1/images/?categories=user&categories=control&board_id=none');
		expect(listed).toMatchObject({ total: 1, offset: 0, limit: 10 });
		expect((await getJson<{ total: number }>(sim, '/api/v1/images/?categories=general')).total).toBe(0);
		const deleted = await api(sim, `/api/v1/images/i/${dto.image_name as string}`, { method: 'DELETE' });
		expect(await deleted.json()).toEqual({ affected_boards: ['none'], deleted_images: [dto.image_name] });
		expect((await api(sim, `/api/v1/images/i/${dto.image_name as string}/full`)).status).toBe(404);
		expect(await (await api(sim, `/api/v1/images/i/${dto.image_name as string}`)).json()).toEqual({ detail: 'Not Found' });
	});

	it('feeds an uploaded image to a graph and saves outputs onto the board a node names', async () => {
		const sim = await start();
		const boards = await api(sim, '/api/v1/boards/');
		expect(boards.status).toBe(400);
		expect(await boards.json()).toEqual({ detail: "Invalid request: Must provide either 'all' or both 'offset' and 'limit'" });
		const created = await api(sim, '/api/v1/boards/?board_name=Cats', { method: 'POST' });
		expect(created.status).toBe(201);
		const board = (await created.json()) as Json;
		expect(board).toMatchObject({ board_name: 'Cats', image_count: 0, asset_count: 0, archived: false, board_visibility: 'private', user_id: 'system' });
		expect(board).not.toHaveProperty('cover_image_name');
		const upload = (await (await api(sim, '/api/v1/images/upload?image_category=user&is_intermediate=false', { method: 'POST', body: uploadForm(UPLOAD_PNG) })).json()) as { image_name: string };

		const found = workflow(sim, 'Image to Image - FLUX');
		const ENCODE = '2981a67c-480f-4237-9384-26b68dbf912b';
		const DECODE = '7e5172eb-48c1-44db-a770-8fd83e1435d1';
		const graph = withModels(workflowGraph(found, { [ENCODE]: { image: { image_name: upload.image_name } }, [DECODE]: { board: { board_id: board.board_id } } }));
		const item = await finished(sim, (await enqueue(sim, { graph })).item_ids[0]);
		expect(item.status).toBe('completed');
		const output = item.session.results[item.session.source_prepared_mapping[DECODE][0]] as { image: { image_name: string }; width: number };
		expect(output.width).toBe(3);
		expect(await getJson(sim, `/api/v1/boards/${board.board_id as string}/image_names`)).toEqual([output.image.image_name]);
		expect(await getJson<string[]>(sim, '/api/v1/boards/none/image_names')).toEqual([upload.image_name]);
		expect(await getJson<Json[]>(sim, '/api/v1/boards/?all=true')).toEqual([expect.objectContaining({ board_id: board.board_id, image_count: 1, cover_image_name: output.image.image_name })]);
		expect(await getJson(sim, '/api/v1/boards/?offset=0&limit=5')).toMatchObject({ total: 1, limit: 5, offset: 0 });
		expect((await getJson(sim, `/api/v1/images/i/${output.image.image_name}`)).board_id).toBe(board.board_id);

		const missingImage = withModels(workflowGraph(found, { [ENCODE]: { image: { image_name: 'nope.png' } } }));
		expect(await finished(sim, (await enqueue(sim, { graph: missingImage })).item_ids[0])).toMatchObject({ status: 'failed', error_type: 'ImageFileNotFoundException' });

		const removed = await api(sim, `/api/v1/boards/${board.board_id as string}`, { method: 'DELETE' });
		expect(await removed.json()).toEqual({ board_id: board.board_id, deleted_board_images: [output.image.image_name], deleted_images: [] });
		expect(await getJson<string[]>(sim, '/api/v1/boards/none/image_names')).toHaveLength(2);
		expect(await (await api(sim, `/api/v1/boards/${board.board_id as string}`)).json()).toEqual({ detail: 'Board not found' });
	});

	it('lists models with their filters and serves one by key', async () => {
		const sim = await start();
		const all = await getJson<{ models: Json[] }>(sim, '/api/v2/models/');
		expect(all.models).toHaveLength(DEFAULT_MODELS.length);
		const flux = await getJson<{ models: Json[] }>(sim, '/api/v2/models/?base_models=flux&base_models=any');
		expect(flux.models.map((model) => [model.base, model.type])).toEqual([
			['flux', 'main'],
			['flux', 'vae'],
			['any', 'clip_embed'],
			['any', 't5_encoder'],
		]);
		expect((await getJson<{ models: Json[] }>(sim, '/api/v2/models/?model_type=lora')).models).toEqual([expect.objectContaining({ base: 'sdxl', format: 'lycoris' })]);
		expect(await detail422(await api(sim, '/api/v2/models/?base_models=sd-9'))).toEqual([expect.objectContaining({ type: 'enum', loc: ['query', 'base_models', 0] })]);
		const key = DEFAULT_MODELS[0].key;
		expect(await getJson(sim, `/api/v2/models/i/${key}`)).toMatchObject({ key, base: 'sdxl', type: 'main', hash: expect.stringMatching(/^blake3:/) });
		expect(await (await api(sim, '/api/v2/models/i/nope')).json()).toEqual({ detail: 'model not found' });
	});

	it('serves the default workflows from the library, paged, per version', async () => {
		const sim = await start();
		const page = await getJson<{ items: Json[]; total: number; pages: number; per_page: number; page: number }>(sim, '/api/v1/workflows/?categories=default&per_page=2&page=1');
		expect(page).toMatchObject({ total: 5, pages: 3, per_page: 2, page: 1 });
		expect(page.items).toHaveLength(2);
		const all = await getJson<{ items: Json[]; per_page: number }>(sim, '/api/v1/workflows/?categories=default');
		expect(all.per_page).toBe(5);
		expect(all.items.map((item) => item.name)).toEqual([...all.items.map((item) => String(item.name))].sort((a, b) => a.localeCompare(b)));
		expect(all.items[0]).toMatchObject({ category: 'default', user_id: 'system', is_public: false, thumbnail_url: null, opened_at: null });
		expect((await getJson<{ total: number }>(sim, '/api/v1/workflows/?categories=user')).total).toBe(0);
		const one = await getJson<{ workflow: Json; workflow_id: string }>(sim, '/api/v1/workflows/i/default_444fe292-896b-44fd-bfc6-c0b5d220fffc');
		expect(one.workflow).toMatchObject({ name: FLUX_T2I, meta: { category: 'default', version: '3.0.0' } });
		expect(await (await api(sim, '/api/v1/workflows/i/default_wan22_t2v_lightning')).json()).toEqual({ detail: 'Workflow not found' });
		sim.setVersion('6.14.0');
		expect((await getJson(sim, '/api/v1/workflows/i/default_wan22_t2v_lightning')).workflow_id).toBe('default_wan22_t2v_lightning');
	});
});

describe('faults', () => {
	it('answers reads with proxy errors, rate limits, resets and slowness, then normally', async () => {
		const sim = await start();
		sim.faults.add({ method: 'GET', pathPrefix: '/api/v1/queue/default/status', fault: { kind: 'status', status: 503 } });
		sim.faults.add({ method: 'GET', pathPrefix: '/api/v1/queue/default/status', fault: { kind: 'rate-limit', retryAfterSeconds: 2 } });
		sim.faults.add({ method: 'GET', pathPrefix: '/api/v1/queue/default/status', fault: { kind: 'drop-before' } });
		sim.faults.add({ method: 'GET', pathPrefix: '/api/v1/queue/default/status', fault: { kind: 'slow', delayMs: 150 } });
		const proxied = await api(sim, '/api/v1/queue/default/status');
		expect(proxied.status).toBe(503);
		expect(await proxied.text()).toContain('nginx');
		const limited = await api(sim, '/api/v1/queue/default/status');
		expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '2']);
		await expect(api(sim, '/api/v1/queue/default/status')).rejects.toThrow();
		const before = Date.now();
		expect((await api(sim, '/api/v1/queue/default/status')).status).toBe(200);
		expect(Date.now() - before).toBeGreaterThanOrEqual(140);
		expect((await api(sim, '/api/v1/queue/default/status')).status).toBe(200);
		expect(sim.requests.filter((record) => record.fault).map((record) => record.fault)).toEqual(['status', 'rate-limit', 'drop-before', 'slow']);
	});

	it('refuses a socket handshake, drops a socket mid-job (the client reconnects) and cuts sockets on demand', async () => {
		const sim = await start({ nodeMs: 20 });
		sim.faults.add({ pathPrefix: SOCKET_PATH, fault: { kind: 'socket-refuse', status: 502 } });
		await expect(connect(sim, { reconnection: false })).rejects.toThrow();
		expect(sim.requests.find((record) => record.path.startsWith(SOCKET_PATH))).toMatchObject({ fault: 'socket-refuse', status: 502 });

		sim.faults.add({ pathPrefix: SOCKET_PATH, fault: { kind: 'socket-drop', afterMessages: 3 } });
		const client = await connect(sim);
		const reconnected = new Promise<void>((resolve) => client.socket.io.once('reconnect', () => resolve()));
		const disconnected = new Promise<string>((resolve) => client.socket.once('disconnect', (reason) => resolve(reason)));
		const reply = await enqueue(sim, fluxBatch(sim));
		expect(await disconnected).toMatch(/transport (close|error)/);
		await reconnected;
		await client.socket.timeout(2000).emitWithAck('subscribe_queue', { queue_id: 'default' });
		await client.waitFor(statusOf(reply.item_ids[0], 'completed'));
		expect(sim.sockets.count()).toBe(1);
		expect(sim.requests.filter((record) => record.path.startsWith(SOCKET_PATH)).map((record) => record.status)).toEqual([502, 101, 101]);

		const lost = new Promise<string>((resolve) => client.socket.once('disconnect', (reason) => resolve(reason)));
		expect(sim.sockets.drop()).toBe(1);
		expect(await lost).toMatch(/transport (close|error)/);
		const gone = new Promise<string>((resolve) => client.socket.once('disconnect', (reason) => resolve(reason)));
		await new Promise<void>((resolve) => client.socket.once('connect', () => resolve()));
		expect(sim.sockets.disconnect()).toBe(1);
		expect(await gone).toBe('io server disconnect');
		expect(sim.sockets.messages.length).toBeGreaterThan(3);
	});
});
