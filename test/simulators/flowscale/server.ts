// The pod API's HTTP side: the X-API-KEY check, the routes under /api/v1, FastAPI's own answers
// for unknown paths, methods and bad parameters.
import type { IncomingHttpHeaders } from 'node:http';

import type { FaultList } from '../shared/faults.ts';
import type { Reply, SimHttpServer, SimRequest } from '../shared/httpShell.ts';
import { createSimHttpServer } from '../shared/httpShell.ts';
import { ValidationFailed } from '../shared/fastapi.ts';
import { createRun } from './createRun.ts';
import { getOutput } from './getOutput.ts';
import { logHeaders } from './headerLog.ts';
import { listRuns } from './listRuns.ts';
import type { RenderContext } from './render.ts';
import { healthData, queueData, runDetail, workflowsData } from './render.ts';
import { ApiError, detail, failure, success } from './replies.ts';
import type { InternalRun } from './state.ts';
import type { LoggedRequest } from './types.ts';

export interface ApiServerConfig extends RenderContext {
	faults: FaultList;
	requests: LoggedRequest[];
}

interface RouteContext {
	params: string[];
	query: Map<string, string>;
	headers: IncomingHttpHeaders;
	body: Buffer;
}

interface Route {
	method: string;
	pattern: RegExp;
	handle(route: RouteContext): Reply | Promise<Reply>;
}

function safeDecode(path: string): string {
	try {
		return decodeURIComponent(path);
	} catch {
		return path;
	}
}

export function createApiServer(config: ApiServerConfig): SimHttpServer {
	const { engine, options } = config;

	const runOrThrow = (id: string): InternalRun => {
		const run = engine.runs.get(id);
		if (!run) throw new ApiError(404, `Run not found: ${id}`);
		return run;
	};

	const routes: Route[] = [
		{ method: 'GET', pattern: /^\/api\/v1\/comfy\/health$/, handle: () => success(healthData(config)) },
		{ method: 'GET', pattern: /^\/api\/v1\/comfy\/queue$/, handle: () => success(queueData(config)) },
		{ method: 'POST', pattern: /^\/api\/v1\/runs$/, handle: ({ query, headers, body }) => createRun(config, query, headers, body) },
		{ method: 'GET', pattern: /^\/api\/v1\/runs$/, handle: ({ query }) => listRuns(config, query) },
		// Declared before /runs/{run_id}, or "output" would be taken for a run id.
		{ method: 'GET', pattern: /^\/api\/v1\/runs\/output$/, handle: ({ query }) => getOutput(config, query) },
		{ method: 'GET', pattern: /^\/api\/v1\/runs\/([^/]+)$/, handle: ({ params }) => success(runDetail(config, runOrThrow(params[0]))) },
		{
			method: 'POST',
			pattern: /^\/api\/v1\/runs\/([^/]+)\/cancel$/,
			handle: ({ params }) => {
				const run = runOrThrow(params[0]);
				// What the server says for a run that already ended is a guess: an error naming its status.
				if (!engine.cancel(run)) throw new ApiError(400, `Run ${run.id} cannot be cancelled: it is already ${options.statusOf(run.state)}`);
				return success('Run cancelled successfully');
			},
		},
	];
	// A deployment without the listing answers it like any unknown path.
	if (options.workflowsListing !== 'absent') {
		routes.push({ method: 'GET', pattern: /^\/api\/v1\/comfy\/workflows$/, handle: () => success(workflowsData(config)) });
	}

	function refuse(headers: IncomingHttpHeaders): Reply | undefined {
		const key = headers['x-api-key'];
		if (key === options.apiKey) return undefined;
		const text = key === undefined ? 'API key is missing' : 'Invalid API key';
		if (options.authShape === 'fastapi') return detail(options.authStatus, key === undefined ? 'Not authenticated' : text);
		return failure(options.authStatus, text);
	}

	async function handle({ method, path, query, headers, body, record }: SimRequest): Promise<Reply> {
		const routeMethod = method === 'HEAD' ? 'GET' : method;
		const decoded = safeDecode(path);
		const matches = routes.map((route) => ({ route, match: route.pattern.exec(decoded) })).filter(({ match }) => match !== null);
		// Routing comes before the key check (a per-route dependency in FastAPI): a `//api/...` path is a 404 either way.
		if (!matches.length) return detail(404, 'Not Found');
		const found = matches.find(({ route }) => route.method === routeMethod);
		if (!found) return detail(405, 'Method Not Allowed');
		const refused = refuse(headers);
		if (refused) return refused;
		record.user = 'team_sim';
		try {
			return await found.route.handle({ params: found.match?.slice(1) ?? [], query, headers, body });
		} catch (error) {
			if (error instanceof ApiError) return failure(error.status, error.message);
			if (error instanceof ValidationFailed) return detail(422, error.errors);
			console.error('[flowscale simulator] handler bug:', error);
			return { status: 500, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'Internal Server Error' };
		}
	}

	const http = createSimHttpServer({ name: 'flowscale simulator', serverHeader: 'uvicorn', faults: config.faults, requests: config.requests, handle });
	logHeaders(http.server, config.requests);
	return http;
}
