// Multi-user mode (6.12+): accounts, `POST /api/v1/auth/login`, HS256 JWTs carrying
// `{user_id, email, is_admin, remember_me, exp}` as InvokeAI's token_service.py makes them, and the
// checks of auth_dependencies.py (texts as 6.13.8 answers). In single-user mode every request is
// the admin user `system`.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

import type { SimUserSpec } from './types.ts';
import type { UserLookup, Viewer } from './views.ts';

export const SYSTEM_USER: Viewer = { userId: 'system', isAdmin: true };

export const DEFAULT_USERS: SimUserSpec[] = [
	{ email: 'admin@example.com', password: 'admin-password', userId: 'admin', displayName: 'Admin', isAdmin: true },
	{ email: 'user@example.com', password: 'user-password', userId: 'user', displayName: 'User' },
];

const DAY_MS = 24 * 60 * 60 * 1000;

interface Account extends Required<Omit<SimUserSpec, 'displayName'>> {
	displayName: string | null;
	createdAt: string;
	lastLoginAt: string | null;
}

export type AuthResult = { user: Viewer } | { status: 401; detail: string };

const base64url = (data: Buffer | string): string => Buffer.from(data).toString('base64url');

export class Accounts implements UserLookup {
	private readonly byId = new Map<string, Account>();
	private readonly secret = randomBytes(32);
	/** Issued tokens and when each expires (ms, finer than the JWT's whole seconds). */
	private readonly issued = new Map<string, number>();

	constructor(
		specs: SimUserSpec[],
		private readonly ttlMs: number | undefined,
	) {
		const created = new Date().toISOString();
		for (const spec of specs) {
			const userId = spec.userId ?? spec.email.replace(/@.*/, '').replace(/[^a-zA-Z0-9_-]/g, '-');
			this.byId.set(userId, { ...spec, userId, isAdmin: spec.isAdmin ?? false, displayName: spec.displayName ?? null, createdAt: created, lastLoginAt: null });
		}
	}

	displayName(userId: string): string | null {
		return this.byId.get(userId)?.displayName ?? null;
	}

	email(userId: string): string | null {
		return this.byId.get(userId)?.email ?? null;
	}

	/** `POST /api/v1/auth/login`: the reply, or undefined for wrong credentials. */
	login(email: string, password: string, rememberMe: boolean): Record<string, unknown> | undefined {
		const account = [...this.byId.values()].find((candidate) => candidate.email === email);
		if (!account || account.password !== password) return undefined;
		account.lastLoginAt = new Date().toISOString();
		const ttlMs = this.ttlMs ?? (rememberMe ? 7 * DAY_MS : DAY_MS);
		return { token: this.issue(account, ttlMs, rememberMe), user: this.dto(account), expires_in: Math.max(0, Math.round(ttlMs / 1000)) };
	}

	tokenFor(email: string): string {
		const account = [...this.byId.values()].find((candidate) => candidate.email === email);
		if (!account) throw new Error(`InvokeAI simulator: no account ${email}.`);
		return this.issue(account, this.ttlMs ?? DAY_MS, false);
	}

	expireAll(): void {
		for (const token of this.issued.keys()) this.issued.set(token, 0);
	}

	me(userId: string): Record<string, unknown> | undefined {
		const account = this.byId.get(userId);
		return account && this.dto(account);
	}

	/** `verify_token` and the user check: the user, or why not. */
	verify(token: string): Viewer | undefined {
		const [header, payload, signature] = token.split('.');
		if (!header || !payload || !signature) return undefined;
		const expected = createHmac('sha256', this.secret).update(`${header}.${payload}`).digest();
		const given = Buffer.from(signature, 'base64url');
		if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
		const expiresAt = this.issued.get(token);
		if (expiresAt === undefined || Date.now() >= expiresAt) return undefined;
		let claims: { user_id?: unknown; is_admin?: unknown };
		try {
			claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as typeof claims;
		} catch {
			return undefined;
		}
		const account = typeof claims.user_id === 'string' ? this.byId.get(claims.user_id) : undefined;
		return account && { userId: account.userId, isAdmin: account.isAdmin };
	}

	/** `get_current_user_or_default` in multi-user mode, from an Authorization header. */
	fromHeader(authorization: string | undefined): AuthResult {
		const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
		if (!match) return { status: 401, detail: 'Authentication required' };
		const user = this.verify(match[1]);
		return user ? { user } : { status: 401, detail: 'Invalid or expired token' };
	}

	private issue(account: Account, ttlMs: number, rememberMe: boolean): string {
		const expiresAt = Date.now() + ttlMs;
		const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
		const payload = base64url(
			JSON.stringify({ user_id: account.userId, email: account.email, is_admin: account.isAdmin, remember_me: rememberMe, exp: Math.floor(expiresAt / 1000) }),
		);
		const signature = base64url(createHmac('sha256', this.secret).update(`${header}.${payload}`).digest());
		const token = `${header}.${payload}.${signature}`;
		this.issued.set(token, expiresAt);
		return token;
	}

	private dto(account: Account): Record<string, unknown> {
		return {
			user_id: account.userId,
			email: account.email,
			display_name: account.displayName,
			is_admin: account.isAdmin,
			is_active: true,
			created_at: account.createdAt,
			updated_at: account.createdAt,
			last_login_at: account.lastLoginAt,
		};
	}
}
