// Public types every simulator shares: its request log and its fault switches.

export interface RequestRecord {
	method: string;
	/** Without the query string, as received (not percent-decoded). */
	path: string;
	/** Last value of each query key. */
	query: Record<string, string>;
	/** Date.now() when the request arrived. */
	at: number;
	/** Status sent; 0 while unanswered or when the socket was dropped. */
	status: number;
	/** The authenticated user, when the request got past auth. */
	user?: string;
	/** Kind of the fault applied to it, if any. */
	fault?: string;
}

export type Fault =
	| { kind: 'status'; status: number; body?: string; contentType?: string }
	| { kind: 'rate-limit'; retryAfterSeconds: number }
	| { kind: 'drop-before' }
	| { kind: 'drop-after' }
	| { kind: 'slow'; delayMs: number }
	/** A 200 whose JSON is cut off; `body` defaults to a truncated job. */
	| { kind: 'malformed-json'; body?: string }
	| SocketFault;

/**
 * Faults of a WebSocket channel (socketShell.ts), taken by the next matching upgrade (path without
 * its query; method GET) and never by a plain HTTP request, nor an HTTP fault by an upgrade.
 */
export type SocketFault =
	/**
	 * The socket is dropped mid-job: after `afterMessages` more messages were sent to it (default 1
	 * when neither is given) or `afterMs` after it opened, whichever comes first. Without `closeCode`
	 * the TCP connection is cut with no close frame (the client sees 1006), as when a proxy or the
	 * server process dies; with it, a normal close frame carrying that code.
	 */
	| { kind: 'socket-drop'; afterMessages?: number; afterMs?: number; closeCode?: number }
	/** The upgrade is refused: an HTTP answer with `status` (and `body`), or the connection destroyed when `status` is omitted. */
	| { kind: 'socket-refuse'; status?: number; body?: string };

export type SocketFaultKind = SocketFault['kind'];

export interface FaultRule {
	/** Any method when omitted (case-insensitive). */
	method?: string;
	/** Any path when omitted; compared with the path without its query string. */
	pathPrefix?: string;
	/** Default 1. */
	times?: number;
	/**
	 * Chaos mode: the rule applies to each matching request only with this probability (0..1); a
	 * request it passes over goes on to the next rules, and does not use up one of `times`. Default:
	 * always (the rule is taken by the next matching request).
	 */
	chance?: number;
	/** The random source for `chance` (default Math.random), for a seeded run. */
	random?: () => number;
	fault: Fault;
}

export interface Faults {
	add(rule: FaultRule): void;
	clear(): void;
	/** Rules that still have uses left. */
	pending(): FaultRule[];
}

