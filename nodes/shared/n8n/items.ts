import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { cancelSignalOf } from './env.ts';
import type { ParameterNames } from './errors.ts';
import { toNodeError } from './errors.ts';

export type ItemHandler = (itemIndex: number) => Promise<INodeExecutionData[]>;

/**
 * The item loop, written once: runs `handle` per input item, links every output to its item
 * (pairedItem), and honours Continue On Fail with the error on the failed item.
 */
export async function runForEachItem(
	context: IExecuteFunctions,
	handle: ItemHandler,
	parameterNames?: ParameterNames,
): Promise<INodeExecutionData[][]> {
	const items = context.getInputData();
	const output: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const results = await handle(itemIndex);
			for (const result of results) output.push({ ...result, pairedItem: { item: itemIndex } });
		} catch (error) {
			const nodeError = toNodeError(context.getNode(), error, itemIndex, parameterNames);
			// Stopped (n8n's Stop, the workflow timeout): n8n records its own cancellation and may drop
			// this error, whose message says what became of the remote job (cancelled, or, for Pet
			// Portrait, finished by the server anyway). n8n's log keeps it.
			if (cancelSignalOf(context)?.aborted) context.logger?.warn(`${context.getNode().name}: ${nodeError.message}`, { itemIndex });
			if (!context.continueOnFail()) throw nodeError;
			const json: IDataObject = { error: nodeError.message };
			if (nodeError.description) json.description = nodeError.description;
			output.push({ json, pairedItem: { item: itemIndex } });
		}
	}
	return [output];
}
