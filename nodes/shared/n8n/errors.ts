import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { isApiError, isGenflowsError, isInputError, pointsAtAddress } from '../core/errors.ts';

/** Display names of node parameters, by the core's parameter names (e.g. `taskId` → "Task ID"). */
export type ParameterNames = Record<string, string>;

/**
 * Turns anything thrown while handling an item into the error n8n shows: bad input and failed
 * jobs become NodeOperationError, server and connection trouble NodeApiError; both keep the
 * item index and the core's message, which already names the request or the parameter.
 */
export function toNodeError(
	node: INode,
	error: unknown,
	itemIndex: number,
	parameterNames: ParameterNames = {},
): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	if (!isGenflowsError(error)) {
		return new NodeOperationError(node, error instanceof Error ? error : String(error), { itemIndex });
	}
	if (isInputError(error)) {
		const displayName = parameterNames[error.parameter] ?? parameterNames[error.parameter.split('.')[0]];
		const where = displayName ? `Check the parameter "${displayName}".` : undefined;
		return new NodeOperationError(node, error.message, {
			itemIndex,
			description: [where, error.hint].filter(Boolean).join(' ') || undefined,
		});
	}
	if (error.kind === 'api' || error.kind === 'connection' || error.kind === 'response-shape') {
		// Nothing listening, no TLS, a redirect or a web page: the credential's address is what to check.
		const address = pointsAtAddress(error) && parameterNames.baseUrl ? `Check the parameter "${parameterNames.baseUrl}".` : undefined;
		return new NodeApiError(node, { message: error.message } as JsonObject, {
			itemIndex,
			message: error.message,
			description: [error.hint, address].filter(Boolean).join(' ') || undefined,
			httpCode: isApiError(error) ? String(error.status) : undefined,
		});
	}
	return new NodeOperationError(node, error.message, { itemIndex, description: error.hint });
}

