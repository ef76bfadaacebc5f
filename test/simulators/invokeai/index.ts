// An InvokeAI (5.x–6.14) server simulator for tests, on real HTTP and Socket.IO sockets on
// 127.0.0.1: the session queue with one GPU, graphs validated against the recorded OpenAPI
// document, prepared nodes and their results, images and boards, models, the default workflows,
// multi-user auth and the version differences the project's reference (invokeai.md) lists.
import { FaultList } from '../shared/faults.ts';
import { createSimSocketIo } from '../shared/socketIoShell.ts';
import { TimerSet } from '../shared/timers.ts';
import type { RequestRecord } from '../shared/types.ts';
import { Waiters } from '../shared/waiters.ts';
import { Accounts } from './auth.ts';
import { EventHub } from './events.ts';
import { openApiFor, openApiTextFor } from './fixtures.ts';
import { imageDto, MediaStore } from './images.ts';
import { checkMultiUser, resolveOptions } from './options.ts';
import { Processor } from './processor.ts';
import { SessionQueue } from './queue.ts';
import { schemaIndex } from './schema.ts';
import { createServer } from './server.ts';
import { setUpSockets } from './sockets.ts';
import type { SimState } from './state.ts';
import type { InvokeAiSimulator, InvokeAiSimulatorOptions, SimQueueItem, SimSocketMessage } from './types.ts';
import { featuresOf } from './version.ts';
import { renderItem } from './views.ts';

export type {
	Fault,
	FaultRule,
	Faults,
	InvokeAiSimulator,
	InvokeAiSimulatorOptions,
	InvokeAiSockets,
	QueueItemStatus,
	RequestRecord,
	SimBatchRecord,
	SimFailure,
	SimItemInfo,
	SimModel,
	SimOutcome,
	SimQueueItem,
	SimSocketMessage,
	SimUserSpec,
	SocketFault,
} from './types.ts';
export { DEFAULT_USERS } from './auth.ts';
export { OPENAPI_FILES, DEFAULT_WORKFLOW_FILES, defaultWorkflowsFor, openApiFor } from './fixtures.ts';
export type { GraphValidation, SimEdge, SimGraph, SimNode } from './graphCheck.ts';
export { validateGraph } from './graphCheck.ts';
export { DEFAULT_MODELS, modelIdentifier } from './models.ts';
export { DEFAULT_VERSION } from './options.ts';
export { DEFAULT_FAILURE_TEXT, DEFAULT_FAILURE_TYPE } from './processor.ts';
export type { PydanticError } from './validate.ts';

/** The Socket.IO path InvokeAI mounts (`io(url, {path})`). */
export const SOCKET_PATH = '/ws/socket.io';

export async function startInvokeAiSimulator(options: InvokeAiSimulatorOptions = {}): Promise<InvokeAiSimulator> {
	const resolved = resolveOptions(options);
	let version = resolved.version;
	let features = featuresOf(version);
	const faults = new FaultList();
	const requests: RequestRecord[] = [];
	const messages: SimSocketMessage[] = [];
	const timers = new TimerSet();
	const queue = new SessionQueue();
	const media = new MediaStore();
	const accounts = new Accounts(resolved.users, resolved.tokenTtlMs);
	const waiters = new Waiters<SimQueueItem>('InvokeAI simulator');

	const state = {
		queue,
		media,
		accounts,
		models: resolved.models,
		multiUser: resolved.multiUser,
		maxQueueSize: resolved.maxQueueSize,
		batches: [],
		features: () => features,
		openapi: () => openApiFor(version),
		openapiText: () => openApiTextFor(version),
	} as unknown as SimState;
	const http = createServer(state, faults, requests);
	const shell = createSimSocketIo({ server: http.server, faults, requests, path: '/ws/socket.io' });
	setUpSockets(shell, { features: () => features, multiUser: resolved.multiUser, accounts });
	state.events = new EventHub(shell, queue, () => features, messages);
	state.processor = new Processor({
		queue,
		media,
		events: state.events,
		timers,
		features: () => features,
		index: () => schemaIndex(openApiFor(version)),
		models: resolved.models,
		nodeMs: resolved.nodeMs,
		startDelayMs: resolved.startDelayMs,
		progressSteps: resolved.progressSteps,
		outcome: resolved.outcome,
	});
	state.processor.paused = resolved.paused;

	const view = (itemId: number): SimQueueItem | undefined => {
		const item = queue.get(itemId);
		return item && (structuredClone(renderItem(item, features, accounts)) as SimQueueItem);
	};
	queue.onStatus(({ item }) => state.events.statusChanged(item));
	queue.onChange((item) => waiters.notify(String(item.itemId), () => view(item.itemId)!));

	const url = await http.listen();
	const matching = (userId?: string) => shell.sockets().filter((socket) => userId === undefined || (socket.data as { user?: { userId: string } }).user?.userId === userId);

	return {
		url,
		requests,
		faults,
		sockets: {
			count: (userId) => matching(userId).length,
			drop: (userId) => shell.cut(matching(userId)),
			disconnect(userId) {
				const chosen = matching(userId);
				for (const socket of chosen) socket.disconnect(true);
				return chosen.length;
			},
			messages,
		},
		items: () => queue.all().map((item) => view(item.itemId)!),
		item: view,
		enqueuedCount: () => state.batches.reduce((count, batch) => count + batch.enqueued, 0),
		batches: () => structuredClone(state.batches),
		waitFor: (itemId, predicate, timeoutMs = 10_000) =>
			waiters.wait(String(itemId), view(itemId), predicate, timeoutMs, () => `item ${itemId} is ${queue.get(itemId)?.status ?? 'unknown'}`),
		cancelFromServer(itemId) {
			const item = queue.get(itemId);
			if (!item) throw new Error(`InvokeAI simulator: no queue item ${itemId}.`);
			queue.setStatus(item, 'canceled');
		},
		failNext: (failure = {}, count = 1) => state.processor.failNext(failure, count),
		imageBytes(name) {
			const bytes = media.bytesOf(name);
			return bytes && new Uint8Array(bytes);
		},
		images: () => media.sortedImages().map((record) => imageDto(record, features)),
		setVersion(next) {
			checkMultiUser(next, resolved.multiUser);
			features = featuresOf(next);
			version = next;
		},
		version: () => version,
		pause() {
			state.processor.paused = true;
		},
		resume() {
			state.processor.paused = false;
			state.processor.kick();
		},
		tokenFor: (email) => accounts.tokenFor(email),
		expireTokens: () => accounts.expireAll(),
		async close() {
			timers.stop();
			waiters.close();
			shell.close();
			await http.close();
		},
	};
}
