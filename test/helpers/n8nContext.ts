/**
 * Stand-ins for n8n's execution contexts, enough to drive the real node classes against a
 * simulator over a socket. What they emulate of n8n (parameter lookup, credential
 * authentication, httpRequestWithAuthentication's options, binary helpers in memory mode) is
 * kept close to n8n's behaviour; the end-to-end suite checks the same paths in a real n8n.
 */
import type {
	IBinaryData,
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	INode,
	INodeExecutionData,
	IPollFunctions,
	ITaskMetadata,
	IWebhookFunctions,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { VisionatrixApi } from '../../credentials/VisionatrixApi.credentials.ts';

/** A parameter value, or a function of the item index (like an expression). */
export type ParameterValue = unknown | ((itemIndex: number) => unknown);

export interface ContextOptions {
	nodeType?: string;
	parameters: Record<string, ParameterValue>;
	items?: INodeExecutionData[];
	credentials: ICredentialDataDecryptedObject;
	continueOnFail?: boolean;
	signal?: AbortSignal;
	mode?: 'manual' | 'trigger' | 'internal';
	staticData?: IDataObject;
	/** One execution's wait-and-resume state, shared by its execute and webhook contexts. */
	parked?: ParkedExecution;
}

/** What n8n keeps of a parked execution: its custom data, the node's metadata, the wait limit. */
export interface ParkedExecution {
	resumeUrl: string;
	customData: Record<string, string>;
	metadata: ITaskMetadata;
	waitTill?: Date;
}

export function parkedExecution(resumeUrl: string, customData: Record<string, string> = {}): ParkedExecution {
	return { resumeUrl, customData, metadata: {} };
}

/** n8n-core's custom data rules: 10 keys, names of letters, digits and _, values cut at 512; broken rules are dropped outside manual runs. */
function customDataOf(parked: ParkedExecution) {
	return {
		set(key: string, value: string) {
			if (!(key in parked.customData) && Object.keys(parked.customData).length >= 10) return;
			if (!/^[\p{L}\p{N}\p{M}_]+$/u.test(key)) return;
			parked.customData[key.slice(0, 50)] = String(value).slice(0, 512);
		},
		get: (key: string) => parked.customData[key],
		getAll: () => ({ ...parked.customData }),
	};
}

export interface ContextRecorder {
	requests: IHttpRequestOptions[];
	logs: string[];
}

const credentialTypes = { visionatrixApi: new VisionatrixApi() };

function lookup(parameters: Record<string, ParameterValue>, path: string, itemIndex: number): unknown {
	let value: unknown = parameters;
	for (const key of path.split('.')) {
		if (value === null || typeof value !== 'object') return undefined;
		value = (value as Record<string, unknown>)[key];
		if (typeof value === 'function') value = (value as (index: number) => unknown)(itemIndex);
	}
	return value;
}

function parameterGetter(options: ContextOptions) {
	return (name: string, itemIndex: number, fallback?: unknown, extra?: { extractValue?: boolean }) => {
		let value = lookup(options.parameters, name, itemIndex);
		if (extra?.extractValue && value && typeof value === 'object' && 'mode' in value) value = (value as unknown as { value: unknown }).value;
		return value === undefined ? fallback : value;
	};
}

function node(options: ContextOptions): INode {
	return {
		id: 'node-1',
		name: 'Visionatrix',
		type: options.nodeType ?? 'n8n-nodes-genflows.visionatrixTask',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};
}

type HelperState = { node: INode; options: ContextOptions; recorder: ContextRecorder };

/**
 * httpRequestWithAuthentication as n8n-core 2.41 does it: the execution's cancel signal replaces
 * the request's own (so after Stop every request through it fails at once), then authenticate
 * and send.
 */
async function httpRequestWithAuthentication(this: HelperState, credentialType: string, request: IHttpRequestOptions): Promise<unknown> {
	const credential = credentialTypes[credentialType as keyof typeof credentialTypes];
	if (!credential) throw new Error(`unknown credential type ${credentialType}`);
	const authenticate = credential.authenticate as (c: ICredentialDataDecryptedObject, r: IHttpRequestOptions) => Promise<IHttpRequestOptions>;
	const withExecutionSignal = this.options.signal ? { ...request, abortSignal: this.options.signal } : { ...request };
	return await httpRequest.call(this, await authenticate(this.options.credentials, withExecutionSignal));
}

/** helpers.httpRequest: sends as it is, with the request's own signal and timeout. */
async function httpRequest(this: HelperState, authenticated: IHttpRequestOptions): Promise<unknown> {
	this.recorder.requests.push(authenticated);

	const url = new URL(authenticated.url, authenticated.baseURL);
	for (const [key, value] of Object.entries(authenticated.qs ?? {})) url.searchParams.set(key, String(value));
	const headers = new Headers(authenticated.headers as Record<string, string>);
	if (authenticated.auth?.username !== undefined) {
		const token = Buffer.from(`${authenticated.auth.username}:${authenticated.auth.password ?? ''}`).toString('base64');
		headers.set('authorization', `Basic ${token}`);
	}
	const signals = [authenticated.abortSignal as AbortSignal | undefined, authenticated.timeout ? AbortSignal.timeout(authenticated.timeout) : undefined].filter(
		(signal): signal is AbortSignal => signal !== undefined,
	);
	let response: Response;
	try {
		response = await fetch(url, {
			method: authenticated.method ?? 'GET',
			headers,
			body: authenticated.body as RequestInit['body'],
			signal: signals.length ? AbortSignal.any(signals) : undefined,
			redirect: authenticated.disableFollowRedirect ? 'manual' : 'follow',
		});
	} catch (error) {
		// n8n-core wraps request failures in a NodeApiError that keeps the original as its cause.
		throw new NodeApiError(this.node, error as never);
	}
	const body = Buffer.from(await response.arrayBuffer());
	if (response.status >= 400 && !authenticated.ignoreHttpStatusErrors) {
		throw new NodeApiError(this.node, { message: body.toString() }, { httpCode: String(response.status) });
	}
	const responseHeaders: Record<string, string> = {};
	response.headers.forEach((value, key) => {
		responseHeaders[key] = value;
	});
	return authenticated.returnFullResponse ? { statusCode: response.status, headers: responseHeaders, body } : body;
}

function binaryHelpers(currentNode: INode, items: INodeExecutionData[]) {
	return {
		async prepareBinaryData(buffer: Buffer, fileName?: string, mimeType?: string): Promise<IBinaryData> {
			const extension = fileName?.includes('.') ? fileName.split('.').pop() : undefined;
			return {
				data: buffer.toString('base64'),
				mimeType: mimeType ?? 'application/octet-stream',
				fileName,
				fileExtension: extension,
				fileSize: `${buffer.length} B`,
			};
		},
		assertBinaryData(itemIndex: number, propertyName: string): IBinaryData {
			const binary = items[itemIndex]?.binary?.[propertyName];
			if (!binary) throw new NodeOperationError(currentNode, `This operation expects the node's input data to contain a binary file '${propertyName}', but none was found`);
			return binary;
		},
		async getBinaryDataBuffer(itemIndex: number, propertyName: string): Promise<Buffer> {
			return Buffer.from(items[itemIndex].binary![propertyName].data, 'base64');
		},
	};
}

function base(options: ContextOptions) {
	const recorder: ContextRecorder = { requests: [], logs: [] };
	const currentNode = node(options);
	const items = options.items ?? [{ json: {} }];
	const state = { node: currentNode, options, recorder };
	const logger = {
		debug: (message: string) => recorder.logs.push(`debug: ${message}`),
		info: (message: string) => recorder.logs.push(`info: ${message}`),
		warn: (message: string) => recorder.logs.push(`warn: ${message}`),
		error: (message: string) => recorder.logs.push(`error: ${message}`),
	};
	const context = {
		logger,
		getNode: () => currentNode,
		getCredentials: async () => options.credentials,
		getInputData: () => items,
		continueOnFail: () => options.continueOnFail ?? false,
		getExecutionCancelSignal: () => options.signal,
		getMode: () => options.mode ?? 'trigger',
		getWorkflowStaticData: () => options.staticData ?? (options.staticData = {}),
		helpers: {
			httpRequestWithAuthentication: httpRequestWithAuthentication.bind(state),
			httpRequest: httpRequest.bind(state),
			...binaryHelpers(currentNode, items),
		},
	};
	return { context, recorder };
}

/** Poll and load-options contexts have no cancel signal in n8n. */
function withoutCancelSignal<T extends { getExecutionCancelSignal?: unknown }>(context: T): Omit<T, 'getExecutionCancelSignal'> {
	const copy = { ...context };
	delete copy.getExecutionCancelSignal;
	return copy;
}

export function executeContext(options: ContextOptions): { context: IExecuteFunctions; recorder: ContextRecorder } {
	const { context, recorder } = base(options);
	const getNodeParameter = parameterGetter(options);
	const parked = options.parked;
	const waiting = parked && {
		customData: customDataOf(parked),
		evaluateExpression: (expression: string) => {
			if (expression.replace(/\s/g, '') !== '{{$execution.resumeUrl}}') throw new Error(`unsupported expression ${expression}`);
			return parked.resumeUrl;
		},
		setMetadata: (metadata: ITaskMetadata) => Object.assign(parked.metadata, metadata),
		putExecutionToWait: async (waitTill: Date) => {
			parked.waitTill = waitTill;
		},
	};
	return { context: { ...context, ...waiting, getNodeParameter } as unknown as IExecuteFunctions, recorder };
}

/** A webhook() call on a parked execution: n8n keeps the parked node's stack entry as `executeData`. */
export function webhookContext(options: ContextOptions & { parked: ParkedExecution; body: unknown }): { context: IWebhookFunctions; recorder: ContextRecorder } {
	const { context, recorder } = base(options);
	const get = parameterGetter(options);
	const getNodeParameter = (name: string, fallback?: unknown) => get(name, 0, fallback);
	const webhook = {
		...withoutCancelSignal(context),
		getNodeParameter,
		getBodyData: () => options.body,
		customData: customDataOf(options.parked),
		executeData: { metadata: options.parked.metadata },
	};
	return { context: webhook as unknown as IWebhookFunctions, recorder };
}

export function pollContext(options: ContextOptions): { context: IPollFunctions; recorder: ContextRecorder } {
	const { context, recorder } = base({ nodeType: 'n8n-nodes-genflows.visionatrixTrigger', ...options });
	const get = parameterGetter(options);
	const getNodeParameter = (name: string, fallback?: unknown, extra?: { extractValue?: boolean }) => get(name, 0, fallback, extra);
	return { context: { ...withoutCancelSignal(context), getNodeParameter } as unknown as IPollFunctions, recorder };
}

export function loadOptionsContext(options: ContextOptions): ILoadOptionsFunctions {
	const { context } = base(options);
	const get = parameterGetter(options);
	const getNodeParameter = (name: string, fallback?: unknown, extra?: { extractValue?: boolean }) => get(name, 0, fallback, extra);
	return { ...withoutCancelSignal(context), getNodeParameter } as unknown as ILoadOptionsFunctions;
}
