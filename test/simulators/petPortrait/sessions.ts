// The wrapper's in-memory session map: created on upload, forgotten after a time without activity
// (the doc's 24 h clean-up; a processing session stays), by expire() or on restart. Tests wait on
// session changes through it.
import { randomUUID } from 'node:crypto';

import { Waiters } from '../shared/waiters.ts';
import type { SimGenerate, SimSession, SimUpload } from './types.ts';

export const CLIENT_ID_PREFIX = 'pet-portrait-';

export interface Session {
	id: string;
	clientId: string;
	status: string;
	uploadTime: number;
	/** What ComfyUI stored for the last upload. */
	imageData: { filename: string; subfolder: string; originalFilename: string; timestamp: number } | null;
	uploads: SimUpload[];
	generates: SimGenerate[];
	promptId: string | null;
	/** undefined: absent from the status answer; null: sent as null. */
	startTime: number | undefined;
	endTime: number | null | undefined;
	progress: number;
	currentNode: string | null;
	executedNodes: Set<string>;
	resultImage: string | null;
	/** null shows as "Initializing". */
	message: string | null;
	/** The workflow's node count, known once a prompt was queued. */
	nodeCount: number | null;
	lastActivity: number;
}

export class SessionStore {
	private readonly sessions = new Map<string, Session>();
	private readonly waiters = new Waiters<SimSession>('Pet Portrait simulator');

	constructor(
		private readonly ttlMs: number,
		private readonly snapshot: (session: Session) => SimSession,
	) {}

	create(status: string): Session {
		const id = randomUUID();
		const now = Date.now();
		const session: Session = {
			id,
			clientId: `${CLIENT_ID_PREFIX}${id}`,
			status,
			uploadTime: now,
			imageData: null,
			uploads: [],
			generates: [],
			promptId: null,
			startTime: undefined,
			endTime: undefined,
			progress: 0,
			currentNode: null,
			executedNodes: new Set(),
			resultImage: null,
			message: null,
			nodeCount: null,
			lastActivity: now,
		};
		this.sessions.set(id, session);
		return session;
	}

	/** The live session, forgetting it first when it has expired. */
	get(id: unknown): Session | undefined {
		if (typeof id !== 'string') return undefined;
		const session = this.sessions.get(id);
		if (!session) return undefined;
		if (session.status !== 'processing' && Date.now() - session.lastActivity > this.ttlMs) {
			this.forget(id);
			return undefined;
		}
		return session;
	}

	/** Still the stored session (not forgotten by a restart or an expiry). */
	holds(session: Session): boolean {
		return this.sessions.get(session.id) === session && this.get(session.id) === session;
	}

	all(): Session[] {
		return [...this.sessions.keys()].map((id) => this.get(id)).filter((session): session is Session => session !== undefined);
	}

	touch(session: Session): void {
		session.lastActivity = Date.now();
	}

	/** Tells waiters the session changed. */
	changed(session: Session): void {
		this.waiters.notify(session.id, () => this.snapshot(session));
	}

	forget(id: string): boolean {
		return this.sessions.delete(id);
	}

	clear(): void {
		this.sessions.clear();
	}

	waitFor(id: string, predicate: (session: SimSession) => boolean, timeoutMs = 10_000): Promise<SimSession> {
		const session = this.get(id);
		return this.waiters.wait(id, session && this.snapshot(session), predicate, timeoutMs, () => {
			const last = this.sessions.get(id);
			return last ? `status=${last.status} progress=${last.progress} resultImage=${last.resultImage}` : 'no such session';
		});
	}

	close(): void {
		this.waiters.close();
	}
}
