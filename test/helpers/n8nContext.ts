/**
 * Stand-ins for n8n's execution contexts, enough to drive the real node classes against a
 * simulator over a socket. What they emulate of n8n (parameter lookup, credential
 * authentication, httpRequestWithAuthentication's options, binary helpers in memory mode) is
 * kept close to n8n's behaviour; the end-to-end suite checks the same paths in a real n8n.
 */
import type {
	IBinaryData,
	ICredentialDataDecryptedObject,
	ICredentialType,
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
import { Readable } from 'node:stream';

import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { VisionatrixTask } from '../../nodes/VisionatrixTask/VisionatrixTask.node.ts';
import { VisionatrixTrigger } from '../../nodes/VisionatrixTrigger/VisionatrixTrigger.node.ts';
import { nodeTypeOf, registeredCredential, registeredNode } from './registry.ts';

/** A parameter value, or a function of the item index (like an expression). */
export type ParameterValue = unknown | ((itemIndex: number) => unknown);

export interface ContextOptions {
	/**
	 * The node being run, as a registered type name (see registry.ts, `nodeTypeOf`): it decides the
	 * credential types the node may use. Default: Visionatrix Task, or Visionatrix Trigger for pollContext.
	 */
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

// The defaults from before the registry, so callers that pass no node type keep working.
const DEFAULT_NODE_TYPE = nodeTypeOf(VisionatrixTask);
const DEFAULT_TRIGGER_TYPE = nodeTypeOf(VisionatrixTrigger);

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

/** The node as a workflow holds it, named like a freshly placed one. */
function node(options: ContextOptions): INode {
	const { type, node: nodeType } = registeredNode(options.nodeType ?? DEFAULT_NODE_TYPE);
	const { defaults, displayName, version } = nodeType.description;
	return {
		id: 'node-1',
		name: defaults.name ?? displayName,
		type,
		typeVersion: Array.isArray(version) ? Math.max(...version) : version,
		position: [0, 0],
		parameters: {},
	};
}

/** n8n-core's getCredentials check: a node may only use the credential types its description lists. */
function assertNodeUses(currentNode: INode, credentialType: string): void {
	const declared = registeredNode(currentNode.type).node.description.credentials ?? [];
	if (!declared.some((credential) => credential.name === credentialType)) {
		throw new NodeOperationError(currentNode, `Node type "${currentNode.type}" does not have any credentials of type "${credentialType}" defined!`);
	}
}

type HelperState = { node: INode; options: ContextOptions; recorder: ContextRecorder };

/**
 * httpRequestWithAuthentication as n8n-core 2.41 does it: when the context it is called on (its
 * `this`) has an execution cancel signal, that signal replaces the request's own (so after Stop
 * every request through it fails at once); then authenticate and send.
 */
function httpRequestWithAuthentication(state: HelperState) {
	return async function (this: { getExecutionCancelSignal?: () => AbortSignal | undefined }, credentialType: string, request: IHttpRequestOptions): Promise<unknown> {
		const { credential } = registeredCredential(credentialType);
		assertNodeUses(state.node, credentialType);
		const withExecutionSignal = 'getExecutionCancelSignal' in this ? { ...request, abortSignal: this.getExecutionCancelSignal?.() } : { ...request };
		return await httpRequest.call(state, await applyAuthentication(credential.authenticate, state.options.credentials, withExecutionSignal));
	};
}

/**
 * A credential's `authenticate`: a function, or n8n's declarative generic form, whose header
 * and query values here may only be `={{$credentials.<field>}}` (anything else throws).
 */
async function applyAuthentication(
	authenticate: ICredentialType['authenticate'],
	credentials: ICredentialDataDecryptedObject,
	request: IHttpRequestOptions,
): Promise<IHttpRequestOptions> {
	if (typeof authenticate === 'function') return await authenticate(credentials, request);
	if (!authenticate) return request;
	if (authenticate.type !== 'generic') throw new Error(`n8nContext: unsupported authenticate type ${String(authenticate.type)}`);
	const resolve = (values: Record<string, unknown> = {}) =>
		Object.fromEntries(
			Object.entries(values).map(([name, value]) => {
				const field = /^=\{\{\s*\$credentials\.(\w+)\s*\}\}$/.exec(String(value))?.[1];
				if (!field) throw new Error(`n8nContext: unsupported credential expression ${String(value)}`);
				return [name, String(credentials[field] ?? '')];
			}),
		);
	const { headers, qs } = authenticate.properties;
	return { ...request, headers: { ...request.headers, ...resolve(headers) }, qs: { ...request.qs, ...resolve(qs) } };
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
	const responseHeaders: Record<string, string> = {};
	response.headers.forEach((value, key) => {
		responseHeaders[key] = value;
	});
	// encoding 'stream': n8n's helper hands the body over as a Node Readable, whatever the status.
	if (authenticated.encoding === 'stream' && response.body) {
		const stream = Readable.fromWeb(response.body as Parameters<typeof Readable.fromWeb>[0]);
		return authenticated.returnFullResponse ? { statusCode: response.status, headers: responseHeaders, body: stream } : stream;
	}
	const body = Buffer.from(await response.arrayBuffer());
	if (response.status >= 400 && !authenticated.ignoreHttpStatusErrors) {
		throw new NodeApiError(this.node, { message: body.toString() }, { httpCode: String(response.status) });
	}
	return authenticated.returnFullResponse ? { statusCode: response.status, headers: responseHeaders, body } : body;
}

function binaryHelpers(currentNode: INode, items: INodeExecutionData[]) {
	return {
		// n8n 2.x takes a Buffer or a Readable; this stands in for a store that keeps the bytes in the item.
		async prepareBinaryData(input: Buffer | Readable, fileName?: string, mimeType?: string): Promise<IBinaryData> {
			const buffer = Buffer.isBuffer(input) ? input : Buffer.concat(await input.toArray());
			const extension = fileName?.includes('.') ? fileName.split('.').pop() : undefined;
			return {
				data: buffer.toString('base64'),
				mimeType: mimeType ?? 'application/octet-stream',
				fileName,
				fileExtension: extension,
				fileSize: `${buffer.length} B`,
				bytes: buffer.length,
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
		getCredentials: async (credentialType: string) => {
			assertNodeUses(currentNode, credentialType);
			return options.credentials;
		},
		getInputData: () => items,
		continueOnFail: () => options.continueOnFail ?? false,
		getExecutionCancelSignal: () => options.signal,
		getMode: () => options.mode ?? 'trigger',
		getWorkflowStaticData: () => options.staticData ?? (options.staticData = {}),
		helpers: {
			httpRequestWithAuthentication: httpRequestWithAuthentication(state),
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
	const { context, recorder } = base({ nodeType: DEFAULT_TRIGGER_TYPE, ...options });
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
