// Runtime-neutral: web-standard APIs only (no node:, Deno, process), so n8n, Node and Deno share it.
//
// `userInputs` of generate and regenerate: ComfyUI node id → value, sent in the documented scalar
// form `{ "229": "dog" }`. The server ignores a node id it does not know and says nothing, so the
// ids are checked here against `/api/workflow-info` before anything is sent.
//
// A value left empty is left out of the request: the node then keeps the value the server's
// workflow gives it, which is what workflow-info reports as its `defaultValue`. Sending that
// default instead would say the same, but could only repeat what workflow-info claims.
import { InputError } from '../../core/errors.ts';
import type { UserInputInfo, WorkflowInfo } from './schemas.ts';

export type UserInputValue = string | number | boolean | null | undefined;

/** What a caller gives: node id → value; an empty value means "the workflow's default". */
export type UserInputValues = Record<string, UserInputValue>;

/** What is sent: node id → text. */
export type UserInputsBody = Record<string, string>;

/** The input types that take text; every documented input is "text". */
const TEXT_TYPES = new Set(['text', 'string', 'textarea', 'prompt']);

export function isTextInput(input: Pick<UserInputInfo, 'type'>): boolean {
	return TEXT_TYPES.has(input.type.trim().toLowerCase());
}

/**
 * The request's `userInputs`, checked without the workflow: no empty node id, only text, numbers
 * and true/false, empty values left out. Undefined when nothing is left to send.
 */
export function userInputsBody(values: UserInputValues | undefined): UserInputsBody | undefined {
	const body: UserInputsBody = {};
	for (const [rawId, value] of Object.entries(values ?? {})) {
		const nodeId = rawId.trim();
		if (!nodeId) throw new InputError('userInputs', `A user input has an empty node id (value ${JSON.stringify(value)}); give the id of the workflow node it sets, such as 229.`);
		const text = textOf(nodeId, value);
		if (text !== undefined) body[nodeId] = text;
	}
	return Object.keys(body).length > 0 ? body : undefined;
}

/**
 * The request's `userInputs`, checked against the workflow: every node id must be one of its user
 * inputs, and one that takes text. A server that answers workflow-info in the shape of the doc's
 * TypeScript type lists no inputs: then only what `userInputsBody` checks can be checked.
 */
export function checkUserInputs(values: UserInputValues | undefined, info: WorkflowInfo): UserInputsBody | undefined {
	const body = userInputsBody(values);
	if (!body || !info.userInputsListed) return body;
	const inputs = new Map(info.userInputs.map((input) => [input.nodeId, input]));
	const nodes = new Map(info.nodeTypes.map((node) => [node.id, node]));
	const textInputs = info.userInputs.filter(isTextInput);
	const known = textInputs.map((input) => `${input.nodeId} ("${input.title}")`).join(', ') || 'none';
	for (const nodeId of Object.keys(body)) {
		const input = inputs.get(nodeId);
		if (input && isTextInput(input)) continue;
		if (input) {
			throw new InputError(
				`userInputs.${nodeId}`,
				`Node ${nodeId} ("${input.title}") is a "${input.type}" input, not text; expected a text input. The workflow's text inputs: ${known}.`,
			);
		}
		const node = nodes.get(nodeId);
		if (node) {
			throw new InputError(
				`userInputs.${nodeId}`,
				`Node ${nodeId} ("${node.title}", ${node.type}) takes no user input; expected the id of a text input. The workflow's text inputs: ${known}.`,
			);
		}
		throw new InputError(`userInputs.${nodeId}`, `The workflow has no node "${nodeId}"; expected the id of a text input. The workflow's text inputs: ${known}.`);
	}
	return body;
}

function textOf(nodeId: string, value: UserInputValue): string | undefined {
	if (value === undefined || value === null) return undefined;
	if (typeof value === 'string') return value.trim() ? value : undefined;
	if (typeof value === 'number') {
		if (!Number.isFinite(value)) throw new InputError(`userInputs.${nodeId}`, `The value for node ${nodeId} must be text or a number; got ${value}.`);
		return String(value);
	}
	if (typeof value === 'boolean') return String(value);
	throw new InputError(`userInputs.${nodeId}`, `The value for node ${nodeId} must be text; got ${JSON.stringify(value)}.`);
}
