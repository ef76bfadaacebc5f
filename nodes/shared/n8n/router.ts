// The action nodes' router, written once (after n8n's Airtable v2 router): a typed map of
// resource → operation → module, the item loop with pairedItem and Continue On Fail, one client
// per execution made on first use, and the execution's cancel signal handed to each operation.
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { cancelSignalOf } from './env.ts';
import type { ParameterNames } from './errors.ts';
import { runForEachItem } from './items.ts';

/** What an operation gets for one input item. */
export interface ItemContext<Client> {
	itemIndex: number;
	client: Client;
	/** Fires when the execution is stopped (n8n's Stop, or its timeout). */
	signal?: AbortSignal;
}

export interface Operation<Client> {
	description: INodeProperties[];
	execute(this: IExecuteFunctions, item: ItemContext<Client>): Promise<INodeExecutionData[]>;
	/**
	 * An operation that, set up a certain way, handles the whole execution itself rather than item
	 * by item (waiting by callback parks the execution once); asked once per execution.
	 */
	wholeExecution?: {
		applies(context: IExecuteFunctions): boolean;
		execute(this: IExecuteFunctions, client: () => Promise<Client>, parameterNames: ParameterNames): Promise<INodeExecutionData[][]>;
	};
}

export type Operations<Client> = Record<string, Operation<Client>>;
export type ResourceMap<Client> = Record<string, Operations<Client>>;

export interface Router<Client> {
	resources: ResourceMap<Client>;
	/** Makes the node's client from its credential (once per execution, on first use). */
	connect(context: IExecuteFunctions): Promise<Client>;
	/** Display names by the core's parameter names, for errors (see `parameterNamesOf`). */
	parameterNames: ParameterNames;
}

export async function route<Client>(context: IExecuteFunctions, router: Router<Client>): Promise<INodeExecutionData[][]> {
	const resource = context.getNodeParameter('resource', 0) as string;
	const operationName = context.getNodeParameter('operation', 0) as string;
	const operation = Object.hasOwn(router.resources, resource) ? router.resources[resource][operationName] : undefined;
	if (!operation) {
		throw new NodeOperationError(context.getNode(), `The operation "${operationName}" of resource "${resource}" is not supported.`);
	}
	// Made on first use, inside the item loop, so a bad credential fails like any item does.
	let client: Promise<Client> | undefined;
	const lazyClient = async () => await (client ??= router.connect(context));
	if (operation.wholeExecution?.applies(context)) return await operation.wholeExecution.execute.call(context, lazyClient, router.parameterNames);
	const signal = cancelSignalOf(context);
	return await runForEachItem(
		context,
		async (itemIndex) => await operation.execute.call(context, { itemIndex, client: await lazyClient(), signal }),
		router.parameterNames,
	);
}

/**
 * Display names of a node's parameters by their names, read from its properties (collections
 * included), so errors can say `Check the parameter "Task ID"` without a list kept by hand.
 * `aliases` maps the core's own parameter names that differ from the node's (e.g. `inputs`).
 */
export function parameterNamesOf(properties: INodeProperties[], aliases: Record<string, string> = {}): ParameterNames {
	const names: ParameterNames = {};
	const visit = (list: readonly unknown[]) => {
		for (const entry of list) {
			const property = entry as Partial<INodeProperties> & { values?: unknown[] };
			if (typeof property.name === 'string' && typeof property.displayName === 'string' && property.type !== 'notice') {
				names[property.name] ??= property.displayName;
			}
			if (Array.isArray(property.options)) visit(property.options);
			if (Array.isArray(property.values)) visit(property.values);
		}
	};
	visit(properties);
	for (const [coreName, displayName] of Object.entries(aliases)) names[coreName] = displayName;
	return names;
}
