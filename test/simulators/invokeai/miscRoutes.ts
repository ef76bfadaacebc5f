// The rest of the API a client touches: the version, the OpenAPI document, login and the auth
// status (6.12+), models (`/api/v2/models`) and the workflow library serving the default workflows.
import { HttpError, invalid, json, jsonBody, queryAll } from './http.ts';
import { defaultWorkflowsFor } from './fixtures.ts';
import { listModels } from './models.ts';
import type { Route, RouteContext } from './state.ts';
import type { PydanticError } from './validate.ts';
import { SchemaValidator, expectedList } from './validate.ts';
import { schemaIndex } from './schema.ts';

/** The enum values of a schema of the played document, for query checks. */
function enumOf(context: RouteContext, name: string): string[] {
	return (context.state.openapi().components.schemas[name]?.enum as string[] | undefined) ?? [];
}

function enumProblems(values: string[], allowed: string[], loc: (string | number)[], indexed: boolean): PydanticError[] {
	const expected = expectedList(allowed);
	return values
		.map((value, at) => ({ value, at }))
		.filter(({ value }) => !allowed.includes(value))
		.map(({ value, at }) => ({ type: 'enum', loc: indexed ? [...loc, at] : loc, msg: `Input should be ${expected}`, input: value, ctx: { expected } }));
}

/** A library record of a default workflow (`WorkflowRecordListItemWithThumbnailDTO` fields). */
function record(workflow: Record<string, unknown>): Record<string, unknown> {
	const meta = workflow.meta as { category?: string } | undefined;
	return {
		workflow_id: workflow.id,
		name: workflow.name,
		created_at: '2025-01-01 00:00:00.000',
		updated_at: '2025-01-01 00:00:00.000',
		opened_at: null,
		user_id: 'system',
		is_public: false,
		description: workflow.description,
		category: meta?.category ?? 'default',
		tags: workflow.tags,
		thumbnail_url: null,
	};
}

export const miscRoutes: Route[] = [
	{ method: 'GET', pattern: /^\/api\/v1\/app\/version$/, auth: 'none', handle: (context) => json(200, { version: context.features.version }) },
	{
		method: 'GET',
		pattern: /^\/openapi\.json$/,
		auth: 'none',
		handle: (context) => ({ status: 200, headers: { 'content-type': 'application/json' }, body: context.state.openapiText() }),
	},
	{
		method: 'GET',
		pattern: /^\/api\/v1\/auth\/status$/,
		auth: 'none',
		since: (features) => features.users,
		handle: (context) => json(200, { setup_required: false, multiuser_enabled: context.state.multiUser, strict_password_checking: false, admin_email: null }),
	},
	{
		method: 'POST',
		pattern: /^\/api\/v1\/auth\/login$/,
		auth: 'none',
		since: (features) => features.users,
		handle(context) {
			const index = schemaIndex(context.state.openapi());
			const schema = index.resolve('#/components/schemas/LoginRequest');
			const body = jsonBody(context.request);
			if (body === undefined) throw invalid([{ type: 'missing', loc: ['body'], msg: 'Field required', input: null }]);
			const checked = new SchemaValidator(index).checkModel(body, schema ?? {}, ['body'], 'LoginRequest', {});
			if (checked.errors.length) throw invalid(checked.errors);
			if (!context.state.multiUser) throw new HttpError(403, 'Multiuser mode is disabled. Authentication is not required in single-user mode.');
			const { email, password, remember_me: rememberMe } = checked.value as { email: string; password: string; remember_me?: boolean };
			const reply = context.state.accounts.login(email, password, rememberMe === true);
			if (!reply) return json(401, { detail: 'Incorrect email or password' }, { 'www-authenticate': 'Bearer' });
			return json(200, reply);
		},
	},
	{
		method: 'GET',
		pattern: /^\/api\/v1\/auth\/me$/,
		since: (features) => features.users,
		handle(context) {
			const me = context.state.multiUser ? context.state.accounts.me(context.user.userId) : undefined;
			if (!me) return json(401, { detail: 'Missing authentication credentials' }, { 'www-authenticate': 'Bearer' });
			return json(200, me);
		},
	},
	{
		method: 'GET',
		pattern: /^\/api\/v2\/models\/?$/,
		handle(context) {
			const { request } = context;
			const bases = queryAll(request, 'base_models');
			const type = request.query.get('model_type');
			const format = request.query.get('model_format');
			const problems = [
				...enumProblems(bases, enumOf(context, 'BaseModelType'), ['query', 'base_models'], true),
				...enumProblems(type === undefined ? [] : [type], enumOf(context, 'ModelType'), ['query', 'model_type'], false),
				...enumProblems(format === undefined ? [] : [format], enumOf(context, 'ModelFormat'), ['query', 'model_format'], false),
			];
			if (problems.length) throw invalid(problems);
			return json(200, { models: listModels(context.state.models, { bases, type, name: request.query.get('model_name'), format }) });
		},
	},
	{
		method: 'GET',
		pattern: /^\/api\/v2\/models\/i\/([^/]+)$/,
		handle(context) {
			const model = context.state.models.find((candidate) => candidate.key === context.params[0]);
			if (!model) throw new HttpError(404, 'model not found');
			return json(200, model);
		},
	},
	{
		method: 'GET',
		pattern: /^\/api\/v1\/workflows\/?$/,
		handle(context) {
			const { request } = context;
			const categories = queryAll(request, 'categories');
			const problems = enumProblems(categories, ['user', 'default'], ['query', 'categories'], true);
			const page = Number(request.query.get('page') ?? 0);
			const perPageText = request.query.get('per_page');
			const perPage = perPageText === undefined ? undefined : Number(perPageText);
			for (const [name, value] of [['page', page], ['per_page', perPage]] as const) {
				if (value !== undefined && !Number.isInteger(value)) {
					problems.push({ type: 'int_parsing', loc: ['query', name], msg: 'Input should be a valid integer, unable to parse string as an integer', input: request.query.get(name) });
				}
			}
			if (problems.length) throw invalid(problems);
			const query = request.query.get('query')?.toLowerCase();
			let records = defaultWorkflowsFor(context.features.version)
				.map(record)
				.filter(
					(item) =>
						(!categories.length || categories.includes(String(item.category))) &&
						(query === undefined || String(item.name).toLowerCase().includes(query) || String(item.description).toLowerCase().includes(query)),
				)
				.sort((a, b) => String(a.name).localeCompare(String(b.name)));
			if (request.query.get('direction') === 'DESC') records.reverse();
			const total = records.length;
			if (perPage) records = records.slice(page * perPage, (page + 1) * perPage);
			return json(200, { page, pages: perPage ? Math.ceil(total / perPage) : 1, per_page: perPage || total, total, items: records });
		},
	},
	{
		method: 'GET',
		pattern: /^\/api\/v1\/workflows\/i\/([^/]+)$/,
		handle(context) {
			const workflow = defaultWorkflowsFor(context.features.version).find((candidate) => candidate.id === context.params[0]);
			if (!workflow) throw new HttpError(404, 'Workflow not found');
			const listed = record(workflow);
			const fields = ['workflow_id', 'name', 'created_at', 'updated_at', 'opened_at', 'user_id', 'is_public'].map((name) => [name, listed[name]]);
			return json(200, { ...Object.fromEntries(fields), workflow, thumbnail_url: null });
		},
	},
];
