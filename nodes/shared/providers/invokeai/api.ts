// Runtime-neutral: web-standard APIs only (no node:, Deno, process), so n8n, Node and Deno share it.
// Everything this package knows about an InvokeAI server's HTTP API (6.0 to 6.14; the project's
// reference, invokeai.md): the session queue, images, boards, models and the workflow library, and
// running a workflow as InvokeAI's own "Invoke" button does. Requests carry a Bearer token where the
// server runs in multi-user mode (auth.ts); queue events come over Socket.IO where the host has a
// client for it (push.ts), and items are polled where it has none.
import { z } from 'zod';

import { ApiClient } from '../../core/client.ts';
import type { Env } from '../../core/env.ts';
import { GenflowsError, InputError, isApiError } from '../../core/errors.ts';
import type { StreamedFile } from '../../core/files.ts';
import { extensionOf, safeFileName, streamedFile } from '../../core/files.ts';
import type { ApiRequest, TransportResponse } from '../../core/http.ts';
import { requireImage, requireWholeNumber } from '../../core/inputChecks.ts';
import type { JobFile } from '../../core/job.ts';
import { lookAgainUntilFound } from '../../core/lostJob.ts';
import type { RetryPolicy } from '../../core/retry.ts';
import { mayHaveBeenCarriedOut } from '../../core/retry.ts';
import type { FinishedJob } from '../../core/run.ts';
import type { BaseUrlRules } from '../../core/urls.ts';
import { originOf } from '../../core/urls.ts';
import { parseJsonResponse } from '../../core/validate.ts';
import type { WaitProgress } from '../../core/waiter.ts';
import type { InvokeAIAuth } from './auth.ts';
import { LOGIN_PATH, TokenKeeper } from './auth.ts';
import { INVOKEAI_JOB_WORDS, invokeaiJobs } from './job.ts';
import { lostBatchError } from './lostBatch.ts';
import type { OutputSelection } from './outputs.ts';
import { itemOutputs, outputDetails } from './outputs.ts';
import type { ItemListener } from './push.ts';
import { QUEUE_ID, QueueEventChannel, SOCKET_CONNECT_WAIT_MS } from './push.ts';
import type { NodeLabels } from './queueItem.ts';
import type { ResolvedBoard } from './resolver.ts';
import { RunResolver } from './resolver.ts';
import { waitForItems } from './runItems.ts';
import type { Board, BatchStatus, ImageDto, ImageList, ModelConfig, QueueItem, QueueStatus, WorkflowList } from './schemas.ts';
import {
	batchStatusSchema,
	boardSchema,
	canceledSchema,
	deletedBoardSchema,
	deletedImagesSchema,
	dynamicPromptsSchema,
	enqueuedSchema,
	imageListSchema,
	imageSchema,
	itemIdsSchema,
	modelListSchema,
	queueItemSchema,
	queueStatusSchema,
	retriedSchema,
	versionSchema,
	workflowListSchema,
	workflowWithRecordSchema,
} from './schemas.ts';
import type { ServerVersion } from './serverVersion.ts';
import { checkServerVersion, featuresOf } from './serverVersion.ts';
import { cachedTemplates } from './templatesCache.ts';
import type { BatchData } from './workflow/batch.ts';
import { buildGraphAndBatch, countSessions } from './workflow/batch.ts';
import type { Graph } from './workflow/graph.ts';
import { findMissingInputs, workflowForBatch } from './workflow/graph.ts';
import { nodeDisplayName } from './workflow/inputs.ts';
import { NodeTemplates } from './workflow/templates.ts';
import type { FileInput, GivenInputs, InputValue } from './workflow/values.ts';
import { planInputValues, resolveInputValues, withInputValues } from './workflow/values.ts';
import type { Workflow } from './workflow/workflowSchema.ts';
import { isExecutableNode, parseWorkflow } from './workflow/workflowSchema.ts';

export const INVOKEAI_DEFAULT_URL = 'http://localhost:9090';

/**
 * How an InvokeAI address is checked; `parameter` is the core's name, which each surface maps to
 * its own. The address is the server's root (or the path a proxy serves it under): `/api` is added
 * to every request and Socket.IO is at `/ws/socket.io` beside it, so an address that ends in `/api`
 * is refused with that advice.
 */
export const INVOKEAI_ADDRESS_RULES: BaseUrlRules = {
	parameter: 'baseUrl',
	service: 'InvokeAI',
	apiPrefix: '/api',
	example: INVOKEAI_DEFAULT_URL,
};

/** `origin` of the batches a client queues unless it names its own; InvokeAI's UI shows it. */
export const DEFAULT_ORIGIN = 'genflows';
/** `destination` of a run's batch unless it names its own: the UI's own for workflows, so that its gallery shows the images as they come. */
export const DEFAULT_DESTINATION = 'gallery';

const QUEUE = `/api/v1/queue/${QUEUE_ID}`;

export interface InvokeAIOptions {
	/** The server's root, checked by INVOKEAI_ADDRESS_RULES. */
	baseUrl: string;
	/** `openEventSocket` (where the host has one) follows items over Socket.IO; without it they are polled. */
	env: Env;
	/** For a multi-user server (6.12+): a token, or an account's email and password. */
	auth?: InvokeAIAuth;
	retry?: Partial<RetryPolicy>;
	requestTimeoutMs?: number;
	/** `origin` of the batches this client queues (default DEFAULT_ORIGIN), e.g. `n8n`. */
	origin?: string;
}

/** What `enqueue` sends besides the graph. */
export interface BatchInput {
	graph: Graph;
	/** `batch.data`: values per session (zipped inner lists, multiplied outer list). */
	data?: BatchData;
	/** How many times the batch runs (default 1). */
	runs?: number;
	/** Stored on each item (and in its images' metadata), as the UI does. */
	workflow?: Workflow;
	/** Default the client's origin. */
	origin?: string;
	/** Default DEFAULT_DESTINATION. */
	destination?: string;
}

/** A queued batch: its id (chosen here) and its items, oldest (first to run) first. */
export interface Enqueued {
	batchId: string;
	itemIds: number[];
	enqueued: number;
	/** More than `enqueued` when the queue was full (`max_queue_size`). */
	requested: number;
	priority?: number;
	/** True when the answer was lost and the batch was found on the server instead. */
	recovered?: boolean;
}

/** Which items a listing keeps. */
export interface ItemFilter {
	origin?: string;
	destination?: string;
}

/** A result file: an image (or video) a run made, with the node it came from. */
export interface InvokeAIFile extends JobFile {
	details: Record<string, string | number>;
}

/** A finished queue item with its result files, downloaded as they are read. */
export interface FinishedItem extends FinishedJob<QueueItem> {
	itemId: number;
	files: AsyncIterable<InvokeAIFile>;
}

export interface RunWorkflowOptions {
	/** The workflow, read with `parseWorkflow`. */
	workflow: Workflow;
	/** Values for its inputs, by label or `<node id>.<field>`; checked against the server's templates before anything is sent. */
	values?: GivenInputs;
	/** How many times the batch runs (default 1). */
	runs?: number;
	/** Put the batch at the front of the queue. */
	prepend?: boolean;
	/** A board (id or name; a name no board has is created) for the images of board inputs left on "auto". */
	board?: string;
	/** Default the workflow's output nodes. */
	outputs?: OutputSelection;
	/** The batch's `destination` (default DEFAULT_DESTINATION). */
	destination?: string;
	/** Bounds the whole run: look-ups, uploads, the wait and the downloads, retries included. */
	timeoutMs: number;
	signal?: AbortSignal;
	/** With the item's place in the run. Push progress is that of the node running (`stage`). */
	onProgress?(progress: WaitProgress, item: QueueItem, place: { index: number; count: number }): void;
	/** Called once the server has taken the batch, before the wait: its id and items, to look up or cancel later. */
	onSubmitted?(enqueued: Enqueued): void;
	/** Called as each item finishes, so its files can be saved (by reading them) before the next. */
	onItemFinished?(finished: FinishedItem): void | Promise<void>;
	/** A failed item leaves the others running instead of cancelling them (a stop or timeout cancels them anyway). */
	keepOthersOnFailure?: boolean;
}

export interface WorkflowRun {
	batchId: string;
	itemIds: number[];
	enqueued: number;
	requested: number;
	/** Each item with its files, in the order they ran. */
	items: FinishedItem[];
	/** What was left out of the graph, and anything else worth saying (a full queue). */
	warnings: string[];
	/** The board the run's "auto" board inputs used, if one was given. */
	board?: ResolvedBoard;
	/** Boards created because no board had the name given. */
	createdBoards: Array<{ board_id: string; board_name: string }>;
	/** Images uploaded for image inputs (as intermediate images). */
	uploadedImages: string[];
	/** True when the enqueue answer was lost and the batch was found on the server. */
	recovered?: boolean;
}

/** How long a look-up after a lost answer may take; it runs even when the run's limit is over. */
const RECOVERY_TIMEOUT_MS = 15_000;
/** How long a cancel may take: it runs after the caller's own signal has fired. */
const CANCEL_TIMEOUT_MS = 15_000;
/** Items read per `items_by_ids` request (6.14 takes at most 1000). */
const ITEMS_PER_REQUEST = 100;
/** Newest items scanned for a batch whose enqueue answer was lost. */
const LOST_BATCH_SCAN = 1_000;

/** Kept templates that lack a node type of the workflow are fetched again when older than this. */
const TEMPLATES_RECHECK_MS = 60_000;

const RECOVERY: Partial<ApiRequest> = { timeoutMs: RECOVERY_TIMEOUT_MS, ignoresDeadline: true, mustFinish: true };

/** The parts a client shares with its bounded copies (`withDeadline`). */
interface Shared {
	tokens: TokenKeeper;
	channel: QueueEventChannel;
	version?: Promise<ServerVersion>;
}

export class InvokeAI {
	readonly http: ApiClient;
	readonly baseUrl: string;
	readonly origin: string;
	private readonly options: InvokeAIOptions;
	private readonly shared: Shared;

	constructor(options: InvokeAIOptions, bounded?: { http: ApiClient; shared: Shared }) {
		this.options = options;
		this.baseUrl = options.baseUrl.replace(/\/+$/, '');
		this.origin = options.origin?.trim() || DEFAULT_ORIGIN;
		this.http =
			bounded?.http ??
			new ApiClient({
				service: INVOKEAI_JOB_WORDS.service,
				baseUrl: this.baseUrl,
				env: options.env,
				retry: options.retry,
				requestTimeoutMs: options.requestTimeoutMs,
				hintFor: invokeaiHint,
			});
		if (bounded) {
			this.shared = bounded.shared;
		} else {
			const tokens = new TokenKeeper(options.auth);
			const http = this.http;
			this.shared = { tokens, channel: new QueueEventChannel(this.baseUrl, options.env, INVOKEAI_JOB_WORDS.service, () => tokens.current(http)) };
		}
	}

	/** The same client with every request bounded by a limit that starts now (see `ApiClient.withDeadline`). */
	withDeadline(limitMs: number): InvokeAI {
		return new InvokeAI(this.options, { http: this.http.withDeadline(limitMs), shared: this.shared });
	}

	// ---- the server

	/** `GET /api/v1/app/version`, e.g. "6.13.8"; a server older than 6.0 is refused. */
	async version(signal?: AbortSignal): Promise<string> {
		return (await this.serverVersion(signal)).text;
	}

	/** The server's version, read once per client (and its bounded copies). */
	serverVersion(signal?: AbortSignal): Promise<ServerVersion> {
		this.shared.version ??= this.json({ method: 'GET', path: '/api/v1/app/version', signal }, versionSchema, { auth: false })
			.then((answer) => checkServerVersion(answer.version, originOf(this.baseUrl)))
			.catch((error: unknown) => {
				this.shared.version = undefined;
				throw error;
			});
		return this.shared.version;
	}

	/** The server's node templates, from `GET /openapi.json`: fetched once per address and version, and kept in memory for every client (templatesCache.ts). */
	async openApi(signal?: AbortSignal): Promise<NodeTemplates> {
		return (await this.templates(signal)).templates;
	}

	private async templates(signal?: AbortSignal, fresh = false): Promise<{ templates: NodeTemplates; ageMs: number }> {
		const version = await this.serverVersion(signal);
		const fetchDocument = async () => NodeTemplates.fromOpenApi(await this.json({ method: 'GET', path: '/openapi.json', signal }, z.unknown(), { auth: false }), 'InvokeAI GET /openapi.json');
		const found = cachedTemplates(this.baseUrl, version.text, this.http.env.now(), fetchDocument, { fresh });
		return { templates: await found.templates, ageMs: found.ageMs };
	}

	// ---- the queue

	/**
	 * Queues a batch (`{batch, prepend}`) under a batch id chosen here. It is sent again only if it
	 * certainly never reached the server. When the answer is lost after it may have, the server is
	 * asked whether that batch landed and which items it made; if it did not, the error says the
	 * batch may still exist (it is never queued twice).
	 */
	async enqueue(batch: BatchInput, options: { prepend?: boolean; signal?: AbortSignal } = {}): Promise<Enqueued> {
		await this.serverVersion(options.signal);
		const batchId = crypto.randomUUID();
		const destination = batch.destination?.trim() || DEFAULT_DESTINATION;
		const body = {
			prepend: options.prepend === true,
			batch: {
				batch_id: batchId,
				origin: batch.origin?.trim() || this.origin,
				destination,
				runs: batch.runs ?? 1,
				graph: batch.graph,
				...(batch.data && batch.data.length > 0 ? { data: batch.data } : {}),
				...(batch.workflow ? { workflow: embeddableWorkflow(batch.workflow) } : {}),
			},
		};
		try {
			const answer = await this.json(
				{ method: 'POST', path: `${QUEUE}/enqueue_batch`, json: body, retry: 'unsent-only', signal: options.signal, mustFinish: options.signal === undefined },
				enqueuedSchema,
			);
			// 6.0+ lists the items it made; a reply without the list is read from the queue instead.
			const itemIds = answer.item_ids ?? (answer.enqueued > 0 ? await this.batchItemIds(batchId, destination, answer.enqueued) : []);
			return {
				batchId: answer.batch?.batch_id || batchId,
				itemIds: [...itemIds].sort((a, b) => a - b),
				enqueued: answer.enqueued,
				requested: answer.requested,
				...(typeof answer.priority === 'number' ? { priority: answer.priority } : {}),
			};
		} catch (error) {
			if (!mayHaveBeenCarriedOut(error)) throw error;
			return await this.findLostBatch(batchId, destination, error as GenflowsError);
		}
	}

	/** The items a batch whose enqueue answer was lost made, if it landed. */
	private async findLostBatch(batchId: string, destination: string, lost: GenflowsError): Promise<Enqueued> {
		let status: BatchStatus | undefined;
		try {
			// The server may still be queueing it: an answer of no items is asked again (lostJob.ts).
			status = await lookAgainUntilFound(this.http.env, async () => {
				const counted = await this.batchStatus(batchId, RECOVERY);
				return counted.total > 0 ? counted : undefined;
			});
		} catch (error) {
			throw lostBatchError(batchId, lost, `asking the server about it failed too (${messageOf(error)})`);
		}
		if (!status) throw lostBatchError(batchId, lost, 'the server has no queue item of that batch');
		let itemIds: number[];
		try {
			itemIds = await this.batchItemIds(batchId, destination, status.total);
		} catch (error) {
			throw lostBatchError(batchId, lost, `the server counts ${status.total} items of it, but listing them failed (${messageOf(error)})`);
		}
		if (itemIds.length === 0) throw lostBatchError(batchId, lost, `the server counts ${status.total} items of it, but none was found among the newest`);
		this.http.env.logger?.info(`InvokeAI: the answer to queueing batch ${batchId} was lost; found its ${itemIds.length} queue item(s) on the server`);
		return { batchId, itemIds, enqueued: itemIds.length, requested: itemIds.length, recovered: true };
	}

	/** The items (not the child items of 6.14's called workflows) of a batch, oldest first, from the newest in the queue. */
	private async batchItemIds(batchId: string, destination: string, total: number): Promise<number[]> {
		const found: number[] = [];
		const version = await this.serverVersion();
		if (!featuresOf(version).itemIdsRoutes) {
			const items = await this.json({ method: 'GET', path: `${QUEUE}/list_all`, query: { destination }, ...RECOVERY }, z.array(queueItemSchema));
			for (const item of items) if (item.batch_id === batchId && !item.parent_item_id) found.push(item.item_id);
			return found.sort((a, b) => a - b);
		}
		const { item_ids: newestFirst } = await this.json({ method: 'GET', path: `${QUEUE}/item_ids`, query: { order_dir: 'DESC' }, ...RECOVERY }, itemIdsSchema);
		let seen = 0;
		for (let at = 0; at < Math.min(newestFirst.length, LOST_BATCH_SCAN) && seen < total; at += ITEMS_PER_REQUEST) {
			for (const item of await this.itemsByIds(newestFirst.slice(at, at + ITEMS_PER_REQUEST), RECOVERY)) {
				if (item.batch_id !== batchId) continue;
				seen++;
				if (!item.parent_item_id) found.push(item.item_id);
			}
		}
		return found.sort((a, b) => a - b);
	}

	getItem(itemId: number, signal?: AbortSignal): Promise<QueueItem> {
		return this.json({ method: 'GET', path: `${QUEUE}/i/${checkItemId(itemId)}`, signal }, queueItemSchema);
	}

	/**
	 * `PUT /queue/default/i/{id}/cancel`. `afterStop`: sent after the caller stopped (a wait aborted
	 * or timed out), so it takes no signal, must reach the server, and has its own short limit.
	 */
	cancelItem(itemId: number, options: { signal?: AbortSignal; afterStop?: boolean } = {}): Promise<QueueItem> {
		const request: ApiRequest = { method: 'PUT', path: `${QUEUE}/i/${checkItemId(itemId)}/cancel`, retry: 'safe' };
		return this.json({ ...request, ...stopBounds(options) }, queueItemSchema);
	}

	/** `PUT /queue/default/cancel_by_batch_ids`: how many items were cancelled. */
	async cancelBatch(batchIds: string[], options: { signal?: AbortSignal; afterStop?: boolean } = {}): Promise<number> {
		const request: ApiRequest = { method: 'PUT', path: `${QUEUE}/cancel_by_batch_ids`, json: { batch_ids: batchIds }, retry: 'safe' };
		return (await this.json({ ...request, ...stopBounds(options) }, canceledSchema)).canceled;
	}

	queueStatus(signal?: AbortSignal): Promise<QueueStatus> {
		return this.json({ method: 'GET', path: `${QUEUE}/status`, signal }, queueStatusSchema);
	}

	batchStatus(batchId: string, extra: Partial<ApiRequest> = {}): Promise<BatchStatus> {
		return this.json({ method: 'GET', path: `${QUEUE}/b/${encodeURIComponent(batchId)}/status`, ...extra }, batchStatusSchema);
	}

	/** `PUT /queue/default/retry_items_by_id` (5.7+): the ids retried (failed or cancelled ones; the server makes new items for them). */
	async retryItems(itemIds: number[], signal?: AbortSignal): Promise<number[]> {
		const ids = itemIds.map(checkItemId);
		return (await this.json({ method: 'PUT', path: `${QUEUE}/retry_items_by_id`, json: ids, retry: 'unsent-only', signal }, retriedSchema)).retried_item_ids;
	}

	/**
	 * Queue items newest first, `limit` at a time below `before` (6.8+: `item_ids` and
	 * `items_by_ids`; before, `list_all` in one page). Other users' items, which a multi-user
	 * server shows with their ids `redacted`, are left out, as are those `filter` does not match.
	 */
	async listItems(query: ItemFilter & { before?: number; limit?: number } = {}, signal?: AbortSignal): Promise<{ items: QueueItem[]; next?: number }> {
		const limit = requireWholeNumber('limit', 'page size', query.limit ?? ITEMS_PER_REQUEST, 1, 1000);
		const keep = (item: QueueItem) =>
			item.user_id !== 'redacted' &&
			item.batch_id !== 'redacted' &&
			(query.origin === undefined || item.origin === query.origin) &&
			(query.destination === undefined || item.destination === query.destination);
		const version = await this.serverVersion(signal);
		if (!featuresOf(version).itemIdsRoutes) {
			const all = await this.json({ method: 'GET', path: `${QUEUE}/list_all`, query: { destination: query.destination }, signal }, z.array(queueItemSchema));
			return { items: all.filter(keep).sort((a, b) => b.item_id - a.item_id) };
		}
		const { item_ids: newestFirst } = await this.json({ method: 'GET', path: `${QUEUE}/item_ids`, query: { order_dir: 'DESC' }, signal }, itemIdsSchema);
		const below = query.before === undefined ? newestFirst : newestFirst.filter((id) => id < (query.before as number));
		const page = below.slice(0, limit);
		const items = page.length === 0 ? [] : await this.itemsByIds(page, { signal });
		return {
			items: items.filter(keep).sort((a, b) => b.item_id - a.item_id),
			...(below.length > page.length ? { next: page[page.length - 1] } : {}),
		};
	}

	private itemsByIds(itemIds: number[], extra: Partial<ApiRequest>): Promise<QueueItem[]> {
		// A read, though a POST: safe to send again.
		return this.json({ method: 'POST', path: `${QUEUE}/items_by_ids`, json: { item_ids: itemIds }, retry: 'safe', ...extra }, z.array(queueItemSchema));
	}

	// ---- images and boards

	/**
	 * Uploads a picture as a user image, marked intermediate (it stays out of the gallery), for an
	 * image input. Its bytes are checked first (an InputError on `parameter` when it is no picture).
	 * Not GPU work, so it is sent again after a lost answer: at worst the server holds a spare copy.
	 */
	async uploadImage(file: FileInput, options: { parameter?: string; boardId?: string; signal?: AbortSignal } = {}): Promise<ImageDto> {
		const parameter = options.parameter ?? 'image';
		const mimeType = requireImage(parameter, file);
		const given = file.fileName?.trim() ? safeFileName(file.fileName) : `upload.${mimeType.split('/')[1]}`;
		const fileName = extensionOf(given) ? given : `${given}.${mimeType.split('/')[1]}`;
		try {
			return await this.json(
				{
					method: 'POST',
					path: '/api/v1/images/upload',
					query: { image_category: 'user', is_intermediate: true, board_id: options.boardId },
					form: [{ name: 'file', data: file.data, fileName, mimeType }],
					retry: 'safe',
					signal: options.signal,
				},
				imageSchema,
			);
		} catch (error) {
			if (isApiError(error) && error.status === 415) {
				throw new InputError(parameter, `InvokeAI refused the image "${fileName}" (415: ${error.serverMessage}).`, 'InvokeAI reads PNG, JPEG, WebP, GIF, BMP and TIFF pictures.');
			}
			throw error;
		}
	}

	getImage(imageName: string, signal?: AbortSignal): Promise<ImageDto> {
		return this.json({ method: 'GET', path: `/api/v1/images/i/${encodeName(imageName, 'imageName')}`, signal }, imageSchema);
	}

	/** The full-size picture, streamed (with the token: 6.14's multi-user mode wants it for files too). */
	async downloadImage(imageName: string, signal?: AbortSignal): Promise<StreamedFile> {
		const name = encodeName(imageName, 'imageName');
		const response = await this.send({ method: 'GET', path: `/api/v1/images/i/${name}/full`, responseType: 'stream', signal });
		return streamedFile(response, safeFileName(imageName), 'image/png');
	}

	/** A video (6.14), streamed. */
	async downloadVideo(videoName: string, signal?: AbortSignal): Promise<StreamedFile> {
		const name = encodeName(videoName, 'videoName');
		const response = await this.send({ method: 'GET', path: `/api/v1/videos/i/${name}/full`, responseType: 'stream', signal });
		return streamedFile(response, safeFileName(videoName), 'video/mp4');
	}

	/** Deletes an image; the names deleted. */
	async deleteImage(imageName: string, signal?: AbortSignal): Promise<string[]> {
		return (await this.json({ method: 'DELETE', path: `/api/v1/images/i/${encodeName(imageName, 'imageName')}`, signal }, deletedImagesSchema)).deleted_images;
	}

	/** `GET /api/v1/images/`: newest first; `board` an id, or `none` for uncategorized images. */
	listImages(
		query: { board?: string; categories?: string[]; isIntermediate?: boolean; offset?: number; limit?: number; orderDir?: 'ASC' | 'DESC'; starredFirst?: boolean } = {},
		signal?: AbortSignal,
	): Promise<ImageList> {
		const path = withRepeated('/api/v1/images/', 'categories', query.categories);
		const order = { order_dir: query.orderDir, starred_first: query.starredFirst };
		return this.json(
			{ method: 'GET', path, query: { board_id: query.board, is_intermediate: query.isIntermediate, offset: query.offset ?? 0, limit: query.limit ?? 10, ...order }, signal },
			imageListSchema,
		);
	}

	/** Every board (`?all=true`), archived ones too when asked. */
	listBoards(options: { includeArchived?: boolean } = {}, signal?: AbortSignal): Promise<Board[]> {
		return this.json({ method: 'GET', path: '/api/v1/boards/', query: { all: true, include_archived: options.includeArchived || undefined }, signal }, z.array(boardSchema));
	}

	/** Creates a board (`POST /api/v1/boards/?board_name=`). After a lost answer a board of that name made since is taken. */
	async createBoard(name: string, signal?: AbortSignal): Promise<Board> {
		const boardName = name.trim();
		if (!boardName) throw new InputError('board', 'A board needs a name.');
		let before: Set<string> | undefined;
		try {
			before = new Set((await this.listBoards({ includeArchived: true }, signal)).map((board) => board.board_id));
			return await this.json({ method: 'POST', path: '/api/v1/boards/', query: { board_name: boardName }, retry: 'unsent-only', signal }, boardSchema);
		} catch (error) {
			if (before === undefined || !mayHaveBeenCarriedOut(error)) throw error;
			const made = (await this.listBoards({ includeArchived: true }, undefined).catch(() => [])).find((board) => board.board_name === boardName && !before?.has(board.board_id));
			if (!made) throw error;
			return made;
		}
	}

	/** Deletes a board; its images stay (uncategorized) unless `includeImages`. */
	async deleteBoard(boardId: string, options: { includeImages?: boolean } = {}, signal?: AbortSignal): Promise<void> {
		await this.json({ method: 'DELETE', path: `/api/v1/boards/${encodeName(boardId, 'boardId')}`, query: { include_images: options.includeImages ?? false }, signal }, deletedBoardSchema);
	}

	/** The names of a board's images (`none` for uncategorized ones). */
	boardImageNames(boardId: string, options: { categories?: string[]; isIntermediate?: boolean } = {}, signal?: AbortSignal): Promise<string[]> {
		const path = withRepeated(`/api/v1/boards/${encodeName(boardId, 'boardId')}/image_names`, 'categories', options.categories);
		return this.json({ method: 'GET', path, query: { is_intermediate: options.isIntermediate }, signal }, z.array(z.string()));
	}

	// ---- models, workflows, utilities

	/** Installed models, of one base and type when given. */
	async listModels(query: { base?: string; type?: string } = {}, signal?: AbortSignal): Promise<ModelConfig[]> {
		return (await this.json({ method: 'GET', path: '/api/v2/models/', query: { base_models: query.base, model_type: query.type }, signal }, modelListSchema)).models;
	}

	/** The workflow library (`user`, `default`, … categories; all when none given). */
	listWorkflows(query: { categories?: string[]; query?: string; page?: number; perPage?: number } = {}, signal?: AbortSignal): Promise<WorkflowList> {
		const path = withRepeated('/api/v1/workflows/', 'categories', query.categories);
		return this.json({ method: 'GET', path, query: { query: query.query, page: query.page ?? 0, per_page: query.perPage }, signal }, workflowListSchema);
	}

	/** A library workflow, read (an InputError on `workflow` when it is not one this package reads). */
	async getWorkflow(workflowId: string, signal?: AbortSignal): Promise<{ workflowId: string; name?: string; workflow: Workflow }> {
		const record = await this.json({ method: 'GET', path: `/api/v1/workflows/i/${encodeName(workflowId, 'workflowId')}`, signal }, workflowWithRecordSchema);
		const workflow = parseWorkflow(record);
		return { workflowId: record.workflow_id, ...(typeof record.name === 'string' ? { name: record.name } : {}), workflow };
	}

	/** `POST /api/v1/utilities/dynamicprompts`: the prompts a dynamic-prompt template makes (for string generator nodes). */
	async dynamicPrompts(request: { prompt: string; maxPrompts: number; combinatorial: boolean; seed?: number }, signal?: AbortSignal): Promise<string[]> {
		const body = { prompt: request.prompt, max_prompts: request.maxPrompts, combinatorial: request.combinatorial, ...(request.seed === undefined ? {} : { seed: request.seed }) };
		const answer = await this.json({ method: 'POST', path: '/api/v1/utilities/dynamicprompts', json: body, retry: 'safe', signal }, dynamicPromptsSchema);
		if (answer.error) throw new InputError('workflow', `InvokeAI could not read the dynamic prompt "${request.prompt}": ${answer.error}.`);
		return answer.prompts;
	}

	/** What a run's input values and batch nodes need from the server (uploads, models, boards), with what it did. */
	resolver(signal?: AbortSignal): RunResolver {
		return new RunResolver(this, signal);
	}

	// ---- following and results

	/** Follows one item over the client's Socket.IO channel (opened now unless open); returns the function that stops. */
	followItem(itemId: number, listener: ItemListener): () => void {
		const lease = this.shared.channel.acquire();
		const stop = this.shared.channel.watch(itemId, listener);
		return () => {
			stop();
			lease.release();
		};
	}

	/** A finished item's images and videos (see outputs.ts), each downloaded when the caller reaches it. */
	async *results(item: QueueItem, options: { outputs?: OutputSelection; labels?: NodeLabels; signal?: AbortSignal } = {}): AsyncIterable<InvokeAIFile> {
		for (const ref of itemOutputs(item, options.outputs)) {
			const file = ref.kind === 'image' ? await this.downloadImage(ref.name, options.signal) : await this.downloadVideo(ref.name, options.signal);
			yield { ...file, details: outputDetails(item, ref, options.labels) };
		}
	}

	// ---- running a workflow

	/**
	 * The main job, as InvokeAI's Invoke button does it: the server's templates, the input values
	 * checked and resolved (uploads, models, boards), the graph and batch built, the batch queued,
	 * every item waited for (Socket.IO where the host has it, polling always), and each item's
	 * outputs handed on, all within `timeoutMs`. Values are checked, and required inputs left
	 * empty refused, before anything is sent. A failed item fails the run, naming it, and the
	 * others are cancelled unless `keepOthersOnFailure`; a stop or timeout cancels what is left,
	 * and the error says whether that worked.
	 */
	async runWorkflow(options: RunWorkflowOptions): Promise<WorkflowRun> {
		options.signal?.throwIfAborted();
		const { env } = this.http;
		const runs = requireWholeNumber('runs', 'number of runs', options.runs ?? 1, 1);
		// A client that is already bounded keeps its end.
		const bounded = this.http.deadline ? this : this.withDeadline(options.timeoutMs);
		const deadline = bounded.http.deadline ?? { at: env.now() + options.timeoutMs, limitMs: options.timeoutMs };
		const { workflow } = options;

		const kept = await bounded.templates(options.signal);
		let { templates } = kept;
		// A node pack installed since the document was kept: the server may know more now (looked at once a minute at most).
		if (kept.ageMs >= TEMPLATES_RECHECK_MS && workflow.nodes.some((node) => isExecutableNode(node) && !templates.has(node.data.type))) {
			({ templates } = await bounded.templates(options.signal, true));
		}
		const planned = planInputValues(workflow, templates, options.values ?? {});
		refuseMissingInputs(workflow, templates, planned.map(({ input }) => ({ nodeId: input.nodeId, fieldName: input.fieldName, value: true })));

		const resolver = bounded.resolver(options.signal);
		const values = await resolveInputValues(planned, resolver);
		// "auto" and "none" are the UI's own board values: no board of the run's own.
		const boardRef = options.board?.trim();
		const board = !boardRef || boardRef === 'auto' || boardRef === 'none' ? undefined : await resolver.board(boardRef, 'board');
		const withValues = withInputValues(workflow, values);
		const built = await buildGraphAndBatch(withValues, templates, { autoAddBoardId: board?.board_id, resolver });
		const warnings = [...built.warnings];
		const labels = nodeLabels(withValues, templates);

		// The server sends an item's events only to sockets in the queue's rooms then: join first.
		const lease = bounded.shared.channel.acquire();
		try {
			await bounded.shared.channel.untilJoined(SOCKET_CONNECT_WAIT_MS, options.signal);
			options.signal?.throwIfAborted();
			// Not abortable once sent: a batch could be queued whose items nobody awaits. The wait sees the signal.
			const submittedAt = env.now();
			const enqueued = await bounded.enqueue({ graph: built.graph, data: built.data, runs, workflow: workflowForBatch(withValues), destination: options.destination }, { prepend: options.prepend });
			if (enqueued.itemIds.length === 0) {
				const sessions = countSessions(built.data, runs);
				throw new GenflowsError('api', `InvokeAI queued none of the ${sessions} session(s) of batch ${enqueued.batchId}: its queue is full (max_queue_size).`, {
					hint: 'Wait for the queue to empty, or raise max_queue_size in invokeai.yaml.',
				});
			}
			if (enqueued.enqueued < enqueued.requested) {
				warnings.push(`InvokeAI queued ${enqueued.enqueued} of the ${enqueued.requested} sessions: its queue is full (max_queue_size).`);
			}
			options.onSubmitted?.(enqueued);
			const adapter = invokeaiJobs(bounded, { outputs: options.outputs, labels });
			const finished = await waitForItems(adapter, enqueued.itemIds.map(String), {
				env,
				submittedAt,
				endsAt: deadline.at,
				limitMs: deadline.limitMs,
				signal: options.signal,
				onProgress: options.onProgress,
				keepOthersOnFailure: options.keepOthersOnFailure,
				onJobFinished: options.onItemFinished && ((done) => options.onItemFinished?.(asFinishedItem(done))),
			});
			return {
				batchId: enqueued.batchId,
				itemIds: enqueued.itemIds,
				enqueued: enqueued.enqueued,
				requested: enqueued.requested,
				items: finished.map(asFinishedItem),
				warnings,
				...(board ? { board } : {}),
				createdBoards: resolver.createdBoards.map(({ board_id, board_name }) => ({ board_id, board_name })),
				uploadedImages: resolver.uploaded.map((image) => image.image_name),
				...(enqueued.recovered ? { recovered: true } : {}),
			};
		} finally {
			lease.release();
		}
	}

	// ---- requests

	/** Sends with the Bearer token where the server wants one; after a 401 a login is made again, once. */
	private async send(request: ApiRequest, options: { auth?: boolean } = {}): Promise<TransportResponse> {
		if (options.auth === false) return this.http.send(request);
		const { tokens } = this.shared;
		const token = await tokens.current(this.http, request.signal);
		try {
			return await this.http.send(withToken(request, token));
		} catch (error) {
			// A 401 is the auth check's answer, given before the request was acted on: safe to send again.
			if (!(isApiError(error) && error.status === 401) || !tokens.refuse(token)) throw error;
			return await this.http.send(withToken(request, await tokens.current(this.http, request.signal)));
		}
	}

	private async json<Schema extends z.ZodTypeAny>(request: ApiRequest, schema: Schema, options: { auth?: boolean } = {}): Promise<z.infer<Schema>> {
		const response = await this.send({ ...request, headers: { accept: 'application/json', ...request.headers } }, options);
		return parseJsonResponse(schema, response.body, `InvokeAI ${request.method} ${request.path}`);
	}
}

function asFinishedItem(done: FinishedJob<QueueItem>): FinishedItem {
	return { ...done, itemId: done.job.item_id, files: done.files as AsyncIterable<InvokeAIFile> };
}

/** Names for the workflow's nodes: their labels, else their templates' titles. */
function nodeLabels(workflow: Workflow, templates: NodeTemplates): Map<string, string> {
	return new Map(workflow.nodes.filter(isExecutableNode).map((node) => [node.id, nodeDisplayName(node, templates)]));
}

/**
 * Required inputs left empty refuse the run before anything is sent: the queue would take the
 * batch and fail each item when it reaches the node. `given` are the inputs the run sets.
 */
function refuseMissingInputs(workflow: Workflow, templates: NodeTemplates, given: InputValue[]): void {
	const missing = findMissingInputs(withInputValues(workflow, given), templates);
	if (missing.length === 0) return;
	const named = missing.map((input) => `"${input.fieldLabel}" of node "${input.nodeLabel}" (${input.nodeId}.${input.fieldName})`);
	throw new InputError(
		'inputs',
		`The workflow leaves ${missing.length === 1 ? 'a required input' : `${missing.length} required inputs`} empty: ${named.join(', ')}.`,
		'Give each a value (by its label, or as <node id>.<field name>); a model by its name or key.',
	);
}

/** The workflow as `batch.workflow` must be (`WorkflowWithoutID`): the text fields InvokeAI requires, empty where the workflow has none. */
function embeddableWorkflow(workflow: Workflow): Record<string, unknown> {
	const copy: Record<string, unknown> = { ...workflow };
	for (const key of ['name', 'author', 'description', 'version', 'contact', 'tags', 'notes']) {
		if (typeof copy[key] !== 'string') copy[key] = '';
	}
	copy.meta = { ...workflow.meta, category: typeof workflow.meta.category === 'string' ? workflow.meta.category : 'user' };
	delete copy.id;
	return copy;
}

function withToken(request: ApiRequest, token: string | undefined): ApiRequest {
	return token === undefined ? request : { ...request, headers: { ...request.headers, authorization: `Bearer ${token}` } };
}

function stopBounds(options: { signal?: AbortSignal; afterStop?: boolean }): Partial<ApiRequest> {
	return options.afterStop ? { timeoutMs: CANCEL_TIMEOUT_MS, mustFinish: true, ignoresDeadline: true } : { signal: options.signal };
}

/** A query parameter the server reads as a list (`?categories=a&categories=b`), which the query object cannot repeat. */
function withRepeated(path: string, name: string, values: string[] | undefined): string {
	if (!values || values.length === 0) return path;
	const query = new URLSearchParams();
	for (const value of values) query.append(name, value);
	return `${path}?${query.toString()}`;
}

function checkItemId(itemId: number): number {
	return requireWholeNumber('itemId', 'queue item id', itemId, 1);
}

function encodeName(name: string, parameter: string): string {
	const text = String(name ?? '').trim();
	if (!text) throw new InputError(parameter, `No ${parameter} was given.`);
	return encodeURIComponent(text);
}

function messageOf(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}

function invokeaiHint(status: number, path: string): string | undefined {
	if (status === 401 && path === LOGIN_PATH) return "Check the email and password of the InvokeAI account (InvokeAI's login screen takes the same).";
	if (status === 401) {
		return 'This InvokeAI server runs in multi-user mode: give the email and password of an account (or a valid token; tokens expire).';
	}
	if (status === 403) return 'In multi-user mode an account reaches only its own queue items, images and boards (admins reach all).';
	if (status === 404 && path === '/api/v1/app/version') {
		return "The address may not be InvokeAI's root (it answers /api/v1/app/version), e.g. http://localhost:9090.";
	}
	if (status === 422 && path.endsWith('/enqueue_batch')) return 'InvokeAI refused the graph built from the workflow; its words above name the node and field at fault.';
	return undefined;
}
