// `POST /api/v1/queue/{queue_id}/enqueue_batch`'s body: the embedded `{batch, prepend}` read and
// validated as FastAPI does (every error collected, 422), the Batch's own validators
// (session_queue_common.py: zipped lengths, item types, unique fields, nodes and fields that exist),
// and the expansion into sessions: `runs` × the cartesian product of the zipped data groups.
import type { OpenApiDocument } from './fixtures.ts';
import type { SimGraph } from './graphCheck.ts';
import { validateGraph } from './graphCheck.ts';
import type { NodeFieldValue } from './queue.ts';
import { schemaIndex } from './schema.ts';
import type { Loc, PydanticError } from './validate.ts';
import { SchemaValidator, valueError } from './validate.ts';

export interface BatchDatum {
	node_path: string;
	field_name: string;
	items: unknown[];
}

export interface SimBatch {
	batch_id: string;
	origin: string | null;
	destination: string | null;
	data: BatchDatum[][] | null;
	graph: SimGraph;
	workflow: Record<string, unknown> | null;
	runs: number;
}

export interface EnqueueRequest {
	batch: SimBatch;
	prepend: boolean;
}

const missing = (loc: Loc): PydanticError => ({ type: 'missing', loc, msg: 'Field required', input: null });

/** The parsed JSON body (undefined when there was none) → the request, or FastAPI's 422 errors. */
export function readEnqueueBody(body: unknown, openapi: OpenApiDocument): { request?: EnqueueRequest; errors: PydanticError[] } {
	if (body === undefined) return { errors: [missing(['body', 'batch'])] };
	// FastAPI reads each embedded field with `body.get(name)`: a body that is no object misses them all.
	if (typeof body !== 'object' || body === null || Array.isArray(body)) return { errors: [missing(['body', 'batch']), missing(['body', 'prepend'])] };
	const fields = body as Record<string, unknown>;
	const index = schemaIndex(openapi);
	const validator = new SchemaValidator(index);
	const errors: PydanticError[] = [];
	const hooks = {
		Graph: (value: unknown, loc: Loc) => {
			const checked = validateGraph(value, openapi, loc);
			return { value: checked.graph ?? value, errors: checked.errors };
		},
	};
	let batch: SimBatch | undefined;
	if (fields.batch === undefined || fields.batch === null) errors.push(missing(['body', 'batch']));
	else {
		const checked = validator.check(fields.batch, { $ref: '#/components/schemas/Batch' }, ['body', 'batch'], { hooks });
		errors.push(...checked.errors);
		batch = checked.value as SimBatch;
	}
	let prepend = false;
	if (fields.prepend !== undefined && fields.prepend !== null) {
		const checked = validator.check(fields.prepend, { type: 'boolean' }, ['body', 'prepend']);
		errors.push(...checked.errors);
		prepend = checked.value === true;
	}
	if (batch) errors.push(...batchProblems(batch, errors, openapi));
	return errors.length || !batch ? { errors } : { request: { batch, prepend }, errors: [] };
}

const under = (errors: PydanticError[], loc: Loc): boolean => errors.some((error) => loc.every((part, at) => error.loc[at] === part));

/** The Batch's field validators on `data` (when it validated), then its model validator (when everything did). */
function batchProblems(batch: SimBatch, fieldErrors: PydanticError[], openapi: OpenApiDocument): PydanticError[] {
	const dataLoc = ['body', 'batch', 'data'];
	if (batch.data && !under(fieldErrors, dataLoc)) {
		const problem = dataProblem(batch.data);
		if (problem) return [valueError(dataLoc, problem, batch.data)];
	}
	if (under(fieldErrors, ['body', 'batch']) || !batch.data) return [];
	const templates = schemaIndex(openapi).nodes;
	for (const group of batch.data) {
		for (const datum of group) {
			const node = batch.graph.nodes[datum.node_path];
			if (!node) return [valueError(['body', 'batch'], `Node ${datum.node_path} not found in graph`, batch)];
			if (!(datum.field_name in (templates.get(node.type)?.inputs ?? {}))) {
				return [valueError(['body', 'batch'], `Field ${datum.field_name} not found in node ${datum.node_path}`, batch)];
			}
		}
	}
	return [];
}

function dataProblem(data: BatchDatum[][]): string | undefined {
	for (const group of data) {
		const length = group[0]?.items.length ?? 0;
		if (group.some((datum) => datum.items.length !== length)) return 'Zipped batch items must all have the same length';
	}
	const kind = (item: unknown): string => (Array.isArray(item) ? 'list' : item === null ? 'null' : typeof item);
	for (const group of data) {
		for (const datum of group) {
			if (!datum.items.length || datum.items.every((item) => typeof item === 'number')) continue;
			// Python tells an int from a float; so does this, for values written as such.
			const first = kind(datum.items[0]);
			if (datum.items.some((item) => kind(item) !== first)) return 'All items in a batch must have the same type';
		}
	}
	const seen = new Set<string>();
	for (const group of data) {
		for (const datum of group) {
			const key = `${datum.node_path}\u0000${datum.field_name}`;
			if (seen.has(key)) return 'Each batch data must have unique node_id and field_name';
			seen.add(key);
		}
	}
	return undefined;
}

/** `calc_session_count`: runs × the product of each zipped group's length. */
export function sessionCount(batch: SimBatch): number {
	return batch.runs * (batch.data ?? []).reduce((product, group) => product * (group[0]?.items.length ?? 0), 1);
}

/** `create_session_nfv_tuples`: the field values of each session, runs outermost, at most `maximum`. */
export function expandBatch(batch: SimBatch, maximum: number): NodeFieldValue[][] {
	const groups = (batch.data ?? []).map((group) => {
		const length = group[0]?.items.length ?? 0;
		return Array.from({ length }, (_, at) => group.map((datum) => ({ node_path: datum.node_path, field_name: datum.field_name, value: datum.items[at] })));
	});
	const product = groups.reduce<NodeFieldValue[][]>((combos, group) => combos.flatMap((combo) => group.map((values) => [...combo, ...values])), [[]]);
	const sessions: NodeFieldValue[][] = [];
	for (let run = 0; run < batch.runs; run++) {
		for (const combo of product) {
			if (sessions.length >= maximum) return sessions;
			sessions.push(combo);
		}
	}
	return sessions;
}
