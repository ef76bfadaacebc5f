// `GET /api/v1/runs`: SDK 1.1.4's paged list (sort_by, sort_order, page, page_size, group_id,
// with a `meta` block), or the older `{group_id, count, runs}` shape.
import type { Reply } from '../shared/httpShell.ts';
import { ParamReader, errors } from '../shared/fastapi.ts';
import type { RenderContext } from './render.ts';
import { runDetail } from './render.ts';
import { success } from './replies.ts';
import type { InternalRun } from './state.ts';

const SORT_FIELDS = ['created_at', 'started_at', 'completed_at'] as const;
const SORT_ORDERS = ['asc', 'desc'] as const;
type SortField = (typeof SORT_FIELDS)[number];

/** pydantic's error for a value outside a Literal[...]. */
function literalError(name: string, input: string, allowed: readonly string[]): Record<string, unknown> {
	const expected = allowed.map((value) => `'${value}'`);
	const text = `${expected.slice(0, -1).join(', ')} or ${expected[expected.length - 1]}`;
	return { type: 'literal_error', loc: ['query', name], msg: `Input should be ${text}`, input, ctx: { expected: text } };
}

function oneOf<T extends string>(reader: ParamReader, name: string, allowed: readonly T[], fallback: T): T {
	const raw = reader.str(name);
	if (raw === undefined) return fallback;
	if ((allowed as readonly string[]).includes(raw)) return raw as T;
	reader.problems.push(literalError(name, raw, allowed));
	return fallback;
}

function bounded(reader: ParamReader, name: string, fallback: number, min: number, max?: number): number {
	const value = reader.int(name, fallback);
	const raw = reader.str(name) ?? '';
	if (value < min) reader.problems.push(errors.ge(['query', name], raw, min));
	else if (max !== undefined && value > max) reader.problems.push(errors.le(['query', name], raw, max));
	return value;
}

function timeOf(run: InternalRun, field: SortField): number | null {
	if (field === 'created_at') return run.createdAt;
	if (field === 'started_at') return run.startedAt;
	return run.finishedAt;
}

/** Sorted like MongoDB: a missing time sorts before every time; creation order breaks ties. */
function sortRuns(runs: InternalRun[], field: SortField, order: 'asc' | 'desc'): InternalRun[] {
	const sign = order === 'asc' ? 1 : -1;
	return [...runs].sort((a, b) => {
		const at = timeOf(a, field) ?? -Infinity;
		const bt = timeOf(b, field) ?? -Infinity;
		return sign * (at === bt ? a.seq - b.seq : at < bt ? -1 : 1);
	});
}

export function listRuns(ctx: RenderContext, query: Map<string, string>): Reply {
	const reader = new ParamReader('query', query);
	const groupId = query.get('group_id') || null;
	const matching = ctx.engine.all().filter((run) => groupId === null || run.groupId === groupId);

	if (ctx.options.listShape === 'grouped') {
		// The older server took only group_id (OpenAPI marks it required; the JS docs make it
		// optional, so it is optional here); paging parameters are ignored, like unknown ones.
		const runs = sortRuns(matching, 'created_at', 'desc');
		return success({ group_id: groupId, count: runs.length, runs: runs.map((run) => runDetail(ctx, run)) });
	}

	const sortBy = oneOf(reader, 'sort_by', SORT_FIELDS, 'created_at');
	const sortOrder = oneOf(reader, 'sort_order', SORT_ORDERS, 'desc');
	const page = bounded(reader, 'page', 1, 1);
	const pageSize = bounded(reader, 'page_size', 10, 1, 100);
	reader.check();
	const sorted = sortRuns(matching, sortBy, sortOrder);
	const runs = sorted.slice((page - 1) * pageSize, page * pageSize);
	const meta = {
		sort_by: sortBy,
		sort_order: sortOrder,
		page,
		group_id: groupId,
		page_size: pageSize,
		total_count: sorted.length,
		total_pages: Math.ceil(sorted.length / pageSize),
	};
	return success({ runs: runs.map((run) => runDetail(ctx, run)) }, meta);
}
