// InvokeAI's Socket.IO handlers (sockets.py): the connect check (a token from `auth.token` or an
// `Authorization: Bearer` header; required in multi-user mode, refused with python-socketio's
// "Connection rejected by server"), `subscribe_queue` / `unsubscribe_queue` and the rooms they join
// (the queue room; from 6.12 also `user:<id>` and, for admins, `admin`; from 6.14 those two already
// at connect).
import type { Accounts } from './auth.ts';
import { SYSTEM_USER } from './auth.ts';
import type { SimSocketIoShell } from '../shared/socketIoShell.ts';
import type { VersionFeatures } from './version.ts';
import type { Viewer } from './views.ts';

export interface SocketConfig {
	features(): VersionFeatures;
	multiUser: boolean;
	accounts: Accounts;
}

function queueIdOf(data: unknown): string | undefined {
	const queueId = (data as { queue_id?: unknown } | null)?.queue_id;
	return typeof queueId === 'string' ? queueId : undefined;
}

export function setUpSockets(shell: SimSocketIoShell, config: SocketConfig): void {
	const { io } = shell;
	io.use((socket, next) => {
		const auth = socket.handshake.auth as { token?: unknown } | undefined;
		const header = socket.handshake.headers.authorization;
		const token = typeof auth?.token === 'string' && auth.token ? auth.token : /^Bearer (.+)$/.exec(header ?? '')?.[1];
		const user = token ? config.accounts.verify(token) : undefined;
		if (!user && config.multiUser) return next(new Error('Connection rejected by server'));
		(socket.data as { user?: Viewer }).user = user ?? SYSTEM_USER;
		next();
	});
	io.on('connection', (socket) => {
		const user = (socket.data as { user: Viewer }).user;
		const features = config.features();
		if (features.v614) {
			void socket.join([`user:${user.userId}`, 'workflows:shared', ...(user.isAdmin ? ['admin'] : [])]);
		}
		// python-socketio acknowledges with the handler's return value (None) when the client asks.
		socket.on('subscribe_queue', (data: unknown, ack?: unknown) => {
			const queueId = queueIdOf(data);
			if (queueId !== undefined) {
				const rooms = [queueId];
				if (config.features().users) rooms.push(`user:${user.userId}`, ...(user.isAdmin ? ['admin'] : []));
				void socket.join(rooms);
			}
			if (typeof ack === 'function') ack();
		});
		socket.on('unsubscribe_queue', (data: unknown, ack?: unknown) => {
			const queueId = queueIdOf(data);
			if (queueId !== undefined) void socket.leave(queueId);
			if (typeof ack === 'function') ack();
		});
	});
}
