// Runtime-neutral: web-standard APIs only (no node:, Deno, process), so n8n, Node and Deno share it.
// Everything this package knows about a Pet Portrait server (an Express wrapper around ComfyUI
// with one workflow: upload a pet photo, generate its portrait). No authentication; a session
// (the upload's UUID) holds the photo and the last run, in the server's memory only: it is gone
// after a restart or 24 h of inactivity.
import { ApiClient } from '../../core/client.ts';
import type { Env } from '../../core/env.ts';
import type { GenflowsError } from '../../core/errors.ts';
import { ApiError, InputError, isApiError } from '../../core/errors.ts';
import type { StreamedFile } from '../../core/files.ts';
import { streamedFile } from '../../core/files.ts';
import type { ApiRequest } from '../../core/http.ts';
import type { JobFile } from '../../core/job.ts';
import { lookAgainUntilFound } from '../../core/lostJob.ts';
import type { RetryPolicy } from '../../core/retry.ts';
import { mayHaveBeenCarriedOut } from '../../core/retry.ts';
import type { FinishedJob } from '../../core/run.ts';
import type { BaseUrlRules } from '../../core/urls.ts';
import type { PollingPlan, PushWake, WaitProgress } from '../../core/waiter.ts';
import { waitFor } from '../../core/waiter.ts';
import type { ImageType, PortraitImage } from './images.ts';
import { imageFileName, imagePart, imagePath, imageReference } from './images.ts';
import { PET_PORTRAIT_JOB_WORDS, petPortraitJobs } from './job.ts';
import type { StartKind, StartRequest } from './lostStart.ts';
import { lostStartError, showsLostStart } from './lostStart.ts';
import { isSessionRefusal, petPortraitHint, refusedWith200, SESSION_FORGOTTEN, unknownSessionError, uploadError, withNoCancelNote } from './errors.ts';
import { PushChannels, SOCKET_OPEN_WAIT_MS, untilOpen } from './push.ts';
import type { Health, SessionStatus, Uploaded, WorkflowInfo } from './schemas.ts';
import { healthSchema, sessionStatusSchema, startedSchema, uploadedSchema, workflowInfoSchema } from './schemas.ts';
import type { PortraitSession } from './sessionState.ts';
import { pushProgress, resultImageOf, statusWord } from './sessionState.ts';
import type { UserInputsBody, UserInputValues } from './userInputs.ts';
import { checkUserInputs, userInputsBody } from './userInputs.ts';

export const PET_PORTRAIT_DEFAULT_URL = 'http://localhost:3000';

/**
 * How a Pet Portrait address is checked; `parameter` is the core's name, which each surface maps
 * to its own. The address is the server's root: `/api` is added to every request, and the
 * WebSocket is at `/ws` beside it, so an address that ends in `/api` is refused with that advice.
 */
export const PET_PORTRAIT_ADDRESS_RULES: BaseUrlRules = {
	parameter: 'baseUrl',
	service: 'Pet Portrait',
	apiPrefix: '/api',
	example: PET_PORTRAIT_DEFAULT_URL,
};

export interface PetPortraitOptions {
	/** The server's root, checked by PET_PORTRAIT_ADDRESS_RULES. */
	baseUrl: string;
	/** `openSocket` (where the host has one) follows runs over the WebSocket; without it they are polled. */
	env: Env;
	retry?: Partial<RetryPolicy>;
	requestTimeoutMs?: number;
}

/** A generate or regenerate the server accepted (or that was found after its answer was lost). */
export interface StartedPortrait {
	sessionId: string;
	/** ComfyUI's prompt id; absent when the server did not say it. */
	promptId?: string;
	message?: string;
	wsEndpoint?: string;
	totalNodes?: number;
	/** True when the answer was lost and the run was found in the session's status instead. */
	recovered?: boolean;
}

/** The finished portrait, with where it came from. */
export interface PortraitFile extends JobFile {
	details: { sessionId: string; resultImage: string; promptId?: string };
}

/** A finished session with its portrait, downloaded as it is read. */
export interface FinishedPortrait extends FinishedJob<PortraitSession> {
	sessionId: string;
	promptId?: string;
	files: AsyncIterable<PortraitFile>;
}

export interface WaitOptions {
	timeoutMs: number;
	/** The limit to name in a timeout message when `timeoutMs` is what was left of a longer one. */
	limitMs?: number;
	signal?: AbortSignal;
	/** With the phase, percent and `stage` (the title of the node running now). */
	onProgress?(progress: WaitProgress, session: PortraitSession): void;
	plan?: Partial<PollingPlan>;
	/** When the run was started (our clock), if the wait follows its start. */
	submittedAt?: number;
}

export interface PortraitRunOptions extends Omit<WaitOptions, 'limitMs' | 'submittedAt'> {
	/** Text values by ComfyUI node id, e.g. `{ "229": "cat" }`; checked against workflow-info first. An empty value keeps the workflow's default. */
	userInputs?: UserInputValues;
	/** Called once the server has accepted the run, before the wait: the session id to look up later. */
	onSubmitted?(started: StartedPortrait): void;
}

export interface CreatePortraitOptions extends PortraitRunOptions {
	/** The pet photo. Without it, `sessionId` must name a session that already holds one. */
	image?: PortraitImage;
	/** An existing session: the photo is uploaded into it, or (without `image`) the one it holds is used. */
	sessionId?: string;
}

/** How long a look-up after a lost answer may take; it runs even when the run's limit is over. */
const RECOVERY_TIMEOUT_MS = 15_000;

/** Added to the server's "Session not found" of a status read. */

/** The parts a client shares with its bounded copies (`withDeadline`): the open sockets and the runs it started. */
interface Shared {
	http: ApiClient;
	push: PushChannels;
	prompts: Map<string, string>;
	staleResults: Map<string, string>;
}

export class PetPortrait {
	readonly http: ApiClient;
	readonly baseUrl: string;
	private readonly options: PetPortraitOptions;
	private readonly push: PushChannels;
	/** The prompt id of the last run this client started in each session (the status does not say it). */
	private readonly prompts: Map<string, string>;
	/**
	 * The picture each session showed when this client started a run in it, until the status names
	 * another: the sibling leaves the last run's `resultImage` in place through the next run and says
	 * `completed` before it names the new one, so that picture is not this run's result.
	 */
	private readonly staleResults: Map<string, string>;

	constructor(options: PetPortraitOptions, shared?: Shared) {
		this.options = options;
		this.baseUrl = options.baseUrl;
		this.http =
			shared?.http ??
			new ApiClient({
				service: PET_PORTRAIT_JOB_WORDS.service,
				baseUrl: options.baseUrl,
				env: options.env,
				retry: options.retry,
				requestTimeoutMs: options.requestTimeoutMs,
				hintFor: petPortraitHint,
			});
		this.push = shared?.push ?? new PushChannels(options.baseUrl, options.env, PET_PORTRAIT_JOB_WORDS.service);
		this.prompts = shared?.prompts ?? new Map();
		this.staleResults = shared?.staleResults ?? new Map();
	}

	/** The same client with every request bounded by a limit that starts now (see `ApiClient.withDeadline`). */
	withDeadline(limitMs: number): PetPortrait {
		return new PetPortrait(this.options, { http: this.http.withDeadline(limitMs), push: this.push, prompts: this.prompts, staleResults: this.staleResults });
	}

	/** `GET /api/health`: `{status: "ok", message}`. */
	health(signal?: AbortSignal): Promise<Health> {
		return this.http.json({ method: 'GET', path: '/api/health', signal }, healthSchema);
	}

	/** The loaded workflow: node count, aspect ratio, the inputs a caller may set, and its nodes, from either documented shape. */
	workflowInfo(signal?: AbortSignal): Promise<WorkflowInfo> {
		return this.http.json({ method: 'GET', path: '/api/workflow-info', signal }, workflowInfoSchema);
	}

	/**
	 * Uploads the pet photo (multipart field `image`) into a new session, or into `sessionId`.
	 * Not GPU work, so it is sent again after a lost answer: at worst the server then holds a spare
	 * session in memory (and a spare copy of the photo), which it drops after 24 h.
	 */
	async upload(image: PortraitImage, options: { sessionId?: string; signal?: AbortSignal } = {}): Promise<Uploaded> {
		const sessionId = options.sessionId === undefined ? undefined : checkSessionId(options.sessionId);
		const part = await imagePart(image);
		// The session first: multer hands a field to the file filter only if it came before the file.
		const form = sessionId === undefined ? [part] : [{ name: 'sessionId', value: sessionId }, part];
		let uploaded: Uploaded;
		try {
			uploaded = await this.http.json({ method: 'POST', path: '/api/upload', form, retry: 'safe', signal: options.signal }, uploadedSchema);
		} catch (error) {
			throw uploadError(error, part.fileName, sessionId);
		}
		if (uploaded.success === false) throw refusedWith200('POST', '/api/upload', uploaded.message);
		return uploaded;
	}

	/** Starts the portrait of a session that holds a photo. See `start` for a lost answer. */
	generate(sessionId: string, userInputs?: UserInputValues, options: StartOptions = {}): Promise<StartedPortrait> {
		return this.start('generate', sessionId, userInputs, options);
	}

	/** Runs the session's workflow again, with new random seeds. See `start` for a lost answer. */
	regenerate(sessionId: string, userInputs?: UserInputValues, options: StartOptions = {}): Promise<StartedPortrait> {
		return this.start('regenerate', sessionId, userInputs, options);
	}

	/**
	 * The session's status: the server's fields, the prompt id of the run this client started in
	 * it, and what its WebSocket said where this client has it open. A 404 says the server forgot
	 * the session (a restart, or 24 h without activity).
	 */
	async status(sessionId: string, signal?: AbortSignal): Promise<PortraitSession> {
		const id = checkSessionId(sessionId);
		const { promptId: said, ...status } = await this.readStatus(id, { signal });
		const promptId = said ?? this.prompts.get(id);
		const news = this.push.find(id)?.news;
		const stale = this.staleResults.get(id);
		if (stale !== undefined && status.resultImage && status.resultImage !== stale) this.staleResults.delete(id);
		return {
			...status,
			// The last run's picture, still shown while this client's run has not named its own.
			...(stale !== undefined && status.resultImage === stale ? { resultImage: null } : {}),
			sessionId: id,
			...(promptId ? { promptId } : {}),
			...(news && Object.keys(news).length > 0 ? { push: { ...news } } : {}),
		};
	}

	/**
	 * A picture, streamed: the `resultImage` (or `imageUrl`) path the server gave, or a bare file
	 * name (then `type` output and no subfolder unless given). Named by its own file name.
	 */
	async image(pathOrName: string, options: { type?: ImageType; subfolder?: string; signal?: AbortSignal } = {}): Promise<StreamedFile> {
		const reference = imageReference(pathOrName, options);
		const response = await this.http.send({
			method: 'GET',
			path: imagePath(reference),
			query: { type: reference.type, subfolder: reference.subfolder },
			responseType: 'stream',
			signal: options.signal,
		});
		return streamedFile(response, imageFileName(reference));
	}

	/** The finished session's portrait, downloaded when the caller reaches it; nothing while it names none. */
	async *results(session: PortraitSession, signal?: AbortSignal): AsyncIterable<PortraitFile> {
		const resultImage = resultImageOf(session);
		if (!resultImage) return;
		const file = await this.image(resultImage, { signal });
		yield { ...file, details: { sessionId: session.sessionId, resultImage, ...(session.promptId ? { promptId: session.promptId } : {}) } };
	}

	/**
	 * Follows the session's WebSocket (opened now unless this client holds it): a message that the
	 * run may have ended wakes a status read; progress is passed on as news, without a request.
	 */
	follow(sessionId: string, wake: PushWake): () => void {
		const lease = this.push.acquire(sessionId);
		const stop = lease.channel.listen((update) => (update && !update.urgent ? wake(pushProgress(lease.channel.news)) : wake()));
		return () => {
			stop();
			lease.release();
		};
	}

	/**
	 * Waits until the session's run ends: status polling, woken by its WebSocket. The API cannot
	 * cancel a run, so a wait that is stopped or times out says that the server finishes it anyway.
	 */
	async waitForSession(sessionId: string, options: WaitOptions): Promise<PortraitSession> {
		const id = checkSessionId(sessionId);
		try {
			return await waitFor(petPortraitJobs(this), id, {
				env: this.http.env,
				timeoutMs: options.timeoutMs,
				limitMs: options.limitMs,
				signal: options.signal,
				onProgress: options.onProgress,
				plan: options.plan,
				submittedAt: options.submittedAt,
			});
		} catch (error) {
			throw withNoCancelNote(error, id);
		}
	}

	/**
	 * The main job: upload the photo (unless the session holds one), open the session's WebSocket,
	 * generate, wait, and hand on the portrait, all within `timeoutMs` (requests, retries and the
	 * download included). Inputs are checked before anything is sent.
	 */
	createPortrait(options: CreatePortraitOptions): Promise<FinishedPortrait> {
		return this.runPortrait('generate', options);
	}

	/** The same for another portrait of a session that has one: new seeds, and new inputs if given. */
	regeneratePortrait(sessionId: string, options: PortraitRunOptions): Promise<FinishedPortrait> {
		return this.runPortrait('regenerate', { ...options, sessionId });
	}

	private async runPortrait(kind: StartKind, options: CreatePortraitOptions): Promise<FinishedPortrait> {
		options.signal?.throwIfAborted();
		const { env } = this.http;
		if (!options.image && options.sessionId === undefined) {
			throw new InputError('image', 'No pet photo was given: upload an image, or name a session that already holds one.');
		}
		// The photo is read and checked first, so a wrong file fails before anything is sent.
		const photo = options.image ? await imagePart(options.image) : undefined;
		const givenSession = options.sessionId === undefined ? undefined : checkSessionId(options.sessionId);
		// A client that is already bounded keeps its end.
		const bounded = this.http.deadline ? this : this.withDeadline(options.timeoutMs);
		const deadline = bounded.http.deadline ?? { at: env.now() + options.timeoutMs, limitMs: options.timeoutMs };
		const userInputs = await bounded.checkedUserInputs(options.userInputs, options.signal);
		const sessionId = photo ? (await bounded.upload(photo, { sessionId: givenSession, signal: options.signal })).sessionId : (givenSession as string);
		const before = await bounded.sessionBefore(sessionId, options.signal);
		// The server sends a run's messages only to a socket connected when they happen: open it first.
		const lease = bounded.push.acquire(sessionId);
		try {
			await untilOpen(lease.channel, env, SOCKET_OPEN_WAIT_MS, options.signal);
			options.signal?.throwIfAborted();
			// Not abortable once sent: a run could start whose end nobody awaits. The wait sees the signal.
			const submittedAt = env.now();
			const started = await bounded.start(kind, sessionId, userInputs, { before });
			options.onSubmitted?.(started);
			const session = await bounded.waitForSession(sessionId, {
				submittedAt,
				timeoutMs: Math.max(0, deadline.at - env.now()),
				limitMs: deadline.limitMs,
				signal: options.signal,
				onProgress: options.onProgress,
				plan: options.plan,
			});
			const promptId = session.promptId ?? started.promptId;
			const job = promptId ? { ...session, promptId } : session;
			return { job, sessionId, ...(promptId ? { promptId } : {}), files: bounded.results(job, options.signal) };
		} finally {
			lease.release();
		}
	}

	/** `userInputs` checked against the workflow (fetched only when there is something to check). */
	private async checkedUserInputs(values: UserInputValues | undefined, signal?: AbortSignal): Promise<UserInputsBody | undefined> {
		if (!userInputsBody(values)) return undefined;
		let info: WorkflowInfo;
		try {
			info = await this.workflowInfo(signal);
		} catch (error) {
			if (!(isApiError(error) && error.status === 404)) throw error;
			this.http.env.logger?.debug('Pet Portrait: the server has no /api/workflow-info; user inputs are sent unchecked');
			return userInputsBody(values);
		}
		return checkUserInputs(values, info);
	}

	/** The session just before a run is started: it must exist, and a lost answer is judged against it. */
	private async sessionBefore(sessionId: string, signal?: AbortSignal): Promise<PortraitSession> {
		try {
			const session = await this.status(sessionId, signal);
			if (statusWord(session) === 'processing') {
				this.http.env.logger?.info(`Pet Portrait: session ${sessionId} is still processing an earlier run; starting another one in it`);
			}
			return session;
		} catch (error) {
			if (isApiError(error) && error.status === 404) throw unknownSessionError(sessionId, error);
			throw error;
		}
	}

	/**
	 * `POST /api/generate` or `/api/regenerate` with `{sessionId, userInputs}`. It queues GPU work,
	 * so it is sent again only if it certainly never reached the server. When the answer is lost
	 * after it may have, the session is read instead: a run that began since (see `showsLostStart`;
	 * `before` is the session as read before sending, where the caller has it) is taken as this
	 * one, else the error says the run may exist. An unknown or expired session is an InputError
	 * naming `sessionId`. `userInputs` are sent as given (see `checkUserInputs`).
	 */
	private async start(kind: StartKind, sessionId: string, userInputs: UserInputValues | undefined, options: StartOptions): Promise<StartedPortrait> {
		const id = checkSessionId(sessionId);
		const body = userInputsBody(userInputs);
		const path = `/api/${kind}`;
		const request: StartRequest = { kind, sessionId: id, sentAt: this.http.env.now(), before: options.before };
		this.push.find(id)?.resetRun();
		if (options.before?.resultImage) this.staleResults.set(id, options.before.resultImage);
		else this.staleResults.delete(id);
		try {
			const answer = await this.http.json(
				{ method: 'POST', path, json: body ? { sessionId: id, userInputs: body } : { sessionId: id }, retry: 'unsent-only', signal: options.signal, mustFinish: options.signal === undefined },
				startedSchema,
			);
			if (answer.success === false) throw refusedWith200('POST', path, answer.message);
			const promptId = answer.promptId ?? undefined;
			if (promptId) this.prompts.set(id, promptId);
			return {
				sessionId: answer.sessionId || id,
				...(promptId ? { promptId } : {}),
				...(answer.message ? { message: answer.message } : {}),
				...(answer.wsEndpoint ? { wsEndpoint: answer.wsEndpoint } : {}),
				...(typeof answer.totalNodes === 'number' ? { totalNodes: answer.totalNodes } : {}),
			};
		} catch (error) {
			if (isApiError(error) && (error.status === 400 || error.status === 404) && isSessionRefusal(error.serverMessage)) throw unknownSessionError(id, error);
			if (!mayHaveBeenCarriedOut(error)) throw error;
			return await this.findLostStart(request, error as GenflowsError);
		}
	}

	/** The run a lost generate or regenerate made, read from the session's status. */
	private async findLostStart(request: StartRequest, lost: GenflowsError): Promise<StartedPortrait> {
		let after: SessionStatus | undefined;
		let last: SessionStatus | undefined;
		try {
			// The server may still be starting it: a session that shows no run yet is read again (lostJob.ts).
			after = await lookAgainUntilFound(this.http.env, async () => {
				last = await this.readStatus(request.sessionId, { timeoutMs: RECOVERY_TIMEOUT_MS, ignoresDeadline: true, mustFinish: true });
				return showsLostStart(last, request) ? last : undefined;
			});
		} catch (error) {
			throw lostStartError(request, lost, `reading the session failed too (${error instanceof Error ? error.message : String(error)})`);
		}
		if (!after) throw lostStartError(request, lost, `the session shows no run started since (status "${last?.status}")`);
		const promptId = after.promptId ?? undefined;
		if (promptId) this.prompts.set(request.sessionId, promptId);
		this.http.env.logger?.info(`Pet Portrait: the answer to ${request.kind} for session ${request.sessionId} was lost; the session shows the run (status "${after.status}")`);
		return { sessionId: request.sessionId, ...(promptId ? { promptId } : {}), recovered: true };
	}

	/** `GET /api/status/:id` as the server sends it; its "Session not found" 404 says why. */
	private async readStatus(sessionId: string, extra: Partial<ApiRequest>): Promise<SessionStatus> {
		const path = `/api/status/${encodeURIComponent(sessionId)}`;
		try {
			return await this.http.json({ method: 'GET', path, ...extra }, sessionStatusSchema);
		} catch (error) {
			if (isApiError(error) && error.status === 404 && /session/i.test(error.serverMessage)) {
				throw new ApiError({
					service: PET_PORTRAIT_JOB_WORDS.service,
					status: 404,
					method: 'GET',
					path,
					serverMessage: `${error.serverMessage}${SESSION_FORGOTTEN}`,
					hint: 'Upload the photo again to start a new session.',
				});
			}
			throw error;
		}
	}
}

export interface StartOptions {
	/** Aborts the request only before it is sent: once sent it must finish, or a run could start unknown. */
	signal?: AbortSignal;
	/** The session as read just before sending: a lost answer is judged against it, and its picture is not the new run's. */
	before?: Pick<SessionStatus, 'status' | 'startTime' | 'promptId' | 'resultImage'>;
}

function checkSessionId(sessionId: string): string {
	const id = String(sessionId ?? '').trim();
	if (!id) throw new InputError('sessionId', 'No session id was given: use the sessionId the upload returned.');
	return id;
}
