// The HTTP side: Express-style routing (case-insensitive, a trailing slash allowed, params
// percent-decoded, HEAD as GET, CORS preflights, `Cannot GET /x` for the rest) over the shared
// shell, and the WebSocket on the same port: any path, `clientId` required.
import type { Reply, SimHttpServer, SimRequest } from '../shared/httpShell.ts';
import { createSimHttpServer } from '../shared/httpShell.ts';
import type { FaultList } from '../shared/faults.ts';
import type { SimSocketShell, UpgradeDecision, UpgradeRequest } from '../shared/socketShell.ts';
import { createSimSocketShell } from '../shared/socketShell.ts';
import type { RequestRecord } from '../shared/types.ts';
import { parseBody } from './body.ts';
import { apiError, json, notFound, preflight, uncaught } from './express.ts';
import type { GenerateContext } from './generate.ts';
import { generate } from './generate.ts';
import { proxyImage } from './images.ts';
import type { ComfyFiles } from './comfyFiles.ts';
import type { StatusContext } from './status.ts';
import { statusBody } from './status.ts';
import { upload } from './upload.ts';
import { workflowInfo } from './workflow.ts';

export interface ServerConfig extends GenerateContext {
	files: ComfyFiles;
	status: StatusContext;
	faults: FaultList;
	requests: RequestRecord[];
	wsEnabled(): boolean;
}

interface Route {
	method: 'GET' | 'POST';
	pattern: RegExp;
	handle(request: SimRequest, params: string[]): Reply | Promise<Reply>;
}

const NAME = 'pet portrait simulator';

export function createServer(config: ServerConfig): { http: SimHttpServer; sockets: SimSocketShell } {
	const { store } = config;
	const routes: Route[] = [
		{ method: 'GET', pattern: /^\/api\/health\/?$/i, handle: () => json(200, { status: 'ok', message: 'Pet Portrait Generator API is running' }) },
		{ method: 'POST', pattern: /^\/api\/upload\/?$/i, handle: ({ headers, body }) => upload(config, headers, body) },
		{ method: 'POST', pattern: /^\/api\/generate\/?$/i, handle: (request) => withBody(request, (body) => generate(config, 'generate', body)) },
		{ method: 'POST', pattern: /^\/api\/regenerate\/?$/i, handle: (request) => withBody(request, (body) => generate(config, 'regenerate', body)) },
		{
			method: 'GET',
			pattern: /^\/api\/status\/([^/]+)\/?$/i,
			handle: (_request, [sessionId]) => {
				const session = store.get(sessionId);
				if (!session) return apiError(404, 'Session not found');
				store.touch(session);
				return json(200, statusBody(session, config.status));
			},
		},
		{
			method: 'GET',
			pattern: /^\/api\/workflow-info\/?$/i,
			handle: () => (config.workflowLoaded() ? json(200, workflowInfo(config.loaded, config.options.workflowInfoShape)) : apiError(500, 'Workflow data not loaded')),
		},
		{ method: 'GET', pattern: /^\/api\/images\/([^/]+)\/?$/i, handle: ({ query }, [filename]) => proxyImage(config.files, filename, query) },
	];

	function withBody(request: SimRequest, next: (body: unknown) => Reply): Reply {
		const parsed = parseBody(request.headers, request.body);
		return 'reply' in parsed ? parsed.reply : next(parsed.body);
	}

	async function handle(request: SimRequest): Promise<Reply> {
		const { method, path } = request;
		if (method === 'OPTIONS') {
			const asked = request.headers['access-control-request-headers'];
			return preflight(Array.isArray(asked) ? asked.join(',') : asked);
		}
		const routeMethod = method === 'HEAD' ? 'GET' : method;
		for (const route of routes) {
			if (route.method !== routeMethod) continue;
			const match = route.pattern.exec(path);
			if (!match) continue;
			const params: string[] = [];
			for (const raw of match.slice(1)) {
				try {
					params.push(decodeURIComponent(raw));
				} catch {
					return uncaught(400, 'URIError', `Failed to decode param '${raw}'`, ['decodeURIComponent (<anonymous>)', 'decode_param (/app/node_modules/express/lib/router/layer.js:172:12)']);
				}
			}
			try {
				return await route.handle(request, params);
			} catch (error) {
				console.error(`[${NAME}] handler bug:`, error);
				return apiError(500, error instanceof Error ? error.message : String(error));
			}
		}
		return notFound(method, path);
	}

	const http = createSimHttpServer({ name: NAME, faults: config.faults, requests: config.requests, handle });

	function decide(request: UpgradeRequest): UpgradeDecision {
		if (!config.wsEnabled()) {
			// A server without WebSocket support lets Express answer the GET.
			const page = notFound('GET', request.path);
			return { refuse: 'answer', status: page.status, headers: page.headers, body: String(page.body) };
		}
		if (!request.query.get('clientId')) return { refuse: 'destroy' };
		// The sibling files the socket under `req.url.split('=')[1]`: a later query parameter sticks to it.
		return { accept: request.url.split('=')[1] };
	}

	const sockets = createSimSocketShell({ name: NAME, server: http.server, faults: config.faults, requests: config.requests, routing: config.options.wsRouting, decide });
	return { http, sockets };
}
