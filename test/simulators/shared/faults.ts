// Fault injection: trouble for the next N requests matching a method and a path prefix.
import type { Fault, FaultRule, Faults, SocketFaultKind } from './types.ts';

const SOCKET_FAULT_KINDS: ReadonlySet<string> = new Set<SocketFaultKind>(['socket-drop', 'socket-refuse']);

/** Which requests take a fault: plain HTTP ones (httpShell.ts) or WebSocket upgrades (socketShell.ts). */
export type FaultChannel = 'http' | 'socket';

export function faultChannel(fault: Fault): FaultChannel {
	return SOCKET_FAULT_KINDS.has(fault.kind) ? 'socket' : 'http';
}

interface ActiveRule {
	rule: FaultRule;
	left: number;
}

export class FaultList implements Faults {
	private rules: ActiveRule[] = [];

	add(rule: FaultRule): void {
		const times = rule.times ?? 1;
		if (!(Number.isInteger(times) || times === Infinity) || times < 1) throw new Error(`faults.add: times must be a whole number >= 1 (or Infinity), got ${times}`);
		if (rule.chance !== undefined && !(rule.chance >= 0 && rule.chance <= 1)) throw new Error(`faults.add: chance must be between 0 and 1, got ${rule.chance}`);
		this.rules.push({ rule: { ...rule, times }, left: times });
	}

	clear(): void {
		this.rules = [];
	}

	pending(): FaultRule[] {
		return this.rules.map(({ rule, left }) => ({ ...rule, times: left }));
	}

	/** The first rule matching this request, with one use consumed; only rules of `channel` (default plain HTTP) are considered. */
	take(method: string, path: string, channel: FaultChannel = 'http'): Fault | undefined {
		const index = this.rules.findIndex(
			({ rule }) =>
				faultChannel(rule.fault) === channel &&
				(rule.method === undefined || rule.method.toUpperCase() === method.toUpperCase()) &&
				(rule.pathPrefix === undefined || path.startsWith(rule.pathPrefix)) &&
				(rule.chance === undefined || (rule.random ?? Math.random)() < rule.chance),
		);
		if (index < 0) return undefined;
		const active = this.rules[index];
		active.left -= 1;
		if (active.left <= 0) this.rules.splice(index, 1);
		return active.rule.fault;
	}
}

const STATUS_TEXT: Record<number, string> = {
	400: 'Bad Request',
	401: 'Unauthorized',
	403: 'Forbidden',
	404: 'Not Found',
	408: 'Request Timeout',
	413: 'Request Entity Too Large',
	429: 'Too Many Requests',
	500: 'Internal Server Error',
	502: 'Bad Gateway',
	503: 'Service Temporarily Unavailable',
	504: 'Gateway Time-out',
};

/** nginx's own error page, as a reverse proxy in front of a GPU server sends it. */
export function nginxErrorPage(status: number): string {
	const title = `${status} ${STATUS_TEXT[status] ?? 'Error'}`;
	return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
}

export interface FaultReply {
	status: number;
	headers: Record<string, string>;
	body: string;
}

/** The answer for the faults that replace handling; undefined for drop/slow, which the server treats itself. */
export function faultReply(fault: Fault): FaultReply | undefined {
	switch (fault.kind) {
		case 'status': {
			const proxyPage = fault.status === 502 || fault.status === 503 || fault.status === 504;
			const body = fault.body ?? (proxyPage ? nginxErrorPage(fault.status) : STATUS_TEXT[fault.status] ?? 'Error');
			const contentType =
				fault.contentType ??
				(body.trimStart().startsWith('{') ? 'application/json' : body.trimStart().startsWith('<') ? 'text/html' : 'text/plain; charset=utf-8');
			return { status: fault.status, headers: { 'content-type': contentType }, body };
		}
		case 'rate-limit':
			return {
				status: 429,
				headers: { 'content-type': 'text/html', 'retry-after': String(fault.retryAfterSeconds) },
				body: nginxErrorPage(429),
			};
		case 'malformed-json':
			return { status: 200, headers: { 'content-type': 'application/json' }, body: fault.body ?? '{"id":1,"status":"running","progress":42.35294117647059,"inputs":{"prompt":"a ca' };
		default:
			return undefined;
	}
}
