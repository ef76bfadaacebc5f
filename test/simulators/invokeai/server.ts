// The HTTP side: FastAPI routing over the shared shell (routes by version, path parameters
// percent-decoded, HEAD as GET), the auth dependency of each route in multi-user mode, `{"detail"}`
// errors and 422s; what no route matches falls to the web UI's static mount (GET 404, else 405).
// Socket.IO shares the port at `/ws/socket.io`.
import type { Reply, SimHttpServer, SimRequest } from '../shared/httpShell.ts';
import { createSimHttpServer } from '../shared/httpShell.ts';
import type { FaultList } from '../shared/faults.ts';
import { UncaughtError } from '../shared/fastapi.ts';
import type { RequestRecord } from '../shared/types.ts';
import { SYSTEM_USER } from './auth.ts';
import { detail, errorReply } from './http.ts';
import { mediaRoutes } from './mediaRoutes.ts';
import { miscRoutes } from './miscRoutes.ts';
import { queueRoutes } from './queueRoutes.ts';
import type { Route, SimState } from './state.ts';
import type { Viewer } from './views.ts';

const NAME = 'invokeai simulator';
const ROUTES: Route[] = [...miscRoutes, ...queueRoutes, ...mediaRoutes];

function decode(raw: string): string {
	try {
		return decodeURIComponent(raw);
	} catch {
		return raw;
	}
}

export function createServer(state: SimState, faults: FaultList, requests: RequestRecord[]): SimHttpServer {
	function authenticate(route: Route, request: SimRequest): Viewer | Reply {
		const features = state.features();
		const auth = route.auth ?? 'user';
		const needed = state.multiUser && (auth === 'user' || (auth === 'media' && features.v614));
		const header = request.headers.authorization;
		if (!needed) {
			// Media routes of 6.13 multi-user mode read no token; the rest of single-user mode is `system`.
			if (!state.multiUser) return SYSTEM_USER;
			const found = state.accounts.fromHeader(header);
			return 'user' in found ? found.user : SYSTEM_USER;
		}
		const found = state.accounts.fromHeader(header);
		return 'user' in found ? found.user : detail(found.status, found.detail);
	}

	async function handle(request: SimRequest): Promise<Reply> {
		const features = state.features();
		const method = request.method === 'HEAD' ? 'GET' : request.method;
		let pathKnown = false;
		for (const route of ROUTES) {
			if (route.since && !route.since(features)) continue;
			const match = route.pattern.exec(request.path);
			if (!match) continue;
			pathKnown = true;
			if (route.method !== method) continue;
			const user = authenticate(route, request);
			if ('status' in user) return user;
			request.record.user = user.userId;
			try {
				return await route.handle({ request, params: match.slice(1).map(decode), user, features, state });
			} catch (error) {
				const reply = errorReply(error);
				if (reply) return reply;
				if (!(error instanceof UncaughtError)) console.error(`[${NAME}] handler bug:`, error);
				return { status: 500, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'Internal Server Error' };
			}
		}
		if (pathKnown || method !== 'GET') return detail(405, 'Method Not Allowed');
		return detail(404, 'Not Found');
	}

	return createSimHttpServer({ name: NAME, serverHeader: 'uvicorn', faults, requests, handle });
}
