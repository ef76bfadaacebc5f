// The hosts' Socket.IO opener (core/sockets.ts, socketIoOpener): socket.io-client loaded only when
// the first socket opens, with the options push channels need, and a socket whose client is still
// loading that records what it is told and hands it on.
import type { EventSocket } from '../../../nodes/shared/core/env.ts';
import type { SocketIoConnect } from '../../../nodes/shared/core/sockets.ts';
import { socketIoOpener } from '../../../nodes/shared/core/sockets.ts';
import { FakeEventSocket, settle } from './fakes.ts';

function recordingIo(): { io: SocketIoConnect; calls: Array<{ uri: string; options: Record<string, unknown> }>; sockets: FakeEventSocket[] } {
	const calls: Array<{ uri: string; options: Record<string, unknown> }> = [];
	const sockets: FakeEventSocket[] = [];
	const io: SocketIoConnect = (uri, options) => {
		calls.push({ uri, options });
		const socket = new FakeEventSocket(uri, { path: String(options.path) }, true);
		sockets.push(socket);
		return socket;
	};
	return { io, calls, sockets };
}

describe('socketIoOpener', () => {
	it('loads the client on the first socket only, and connects by WebSocket alone, fresh, with the token and headers', () => {
		const { io, calls } = recordingIo();
		let loads = 0;
		const open = socketIoOpener(() => (loads++, io));
		expect(loads).toBe(0);
		open('http://h:9090', { path: '/ws/socket.io', auth: { token: 't' }, headers: { 'x-proxy': 'p' } });
		open('http://h:9090', { path: '/ws/socket.io' });
		expect(loads).toBe(1);
		expect(calls[0]).toEqual({
			uri: 'http://h:9090',
			options: expect.objectContaining({ path: '/ws/socket.io', transports: ['websocket'], forceNew: true, reconnectionAttempts: 3, auth: { token: 't' }, extraHeaders: { 'x-proxy': 'p' } }),
		});
		expect(calls[1].options).not.toHaveProperty('auth');
		expect(calls[1].options).not.toHaveProperty('extraHeaders');
	});

	it('hands listeners and emits on to the socket once an asynchronous load is done', async () => {
		const { io, sockets } = recordingIo();
		const open = socketIoOpener(async () => io);
		const socket: EventSocket = open('http://h:9090', { path: '/ws/socket.io' });
		const heard: string[] = [];
		socket.on('connect', () => heard.push('connect'));
		const ack = () => heard.push('joined');
		socket.emit('subscribe_queue', { queue_id: 'default' }, ack);
		expect(socket.connected).toBe(false);
		await settle();
		expect(sockets).toHaveLength(1);
		expect(sockets[0].emitted).toEqual([{ event: 'subscribe_queue', args: [{ queue_id: 'default' }, ack] }]);
		sockets[0].connect();
		expect(socket.connected).toBe(true);
		await settle();
		expect(heard).toEqual(['joined', 'connect']);
	});

	it('never connects a socket closed while the client loads', async () => {
		const { io, calls } = recordingIo();
		const socket = socketIoOpener(async () => io)('http://h:9090', { path: '/ws/socket.io' });
		socket.disconnect();
		await settle();
		expect(calls).toEqual([]);
	});

	it('reports a client that cannot be loaded to connect_error listeners, so the channel polls', async () => {
		const open = socketIoOpener(async () => {
			throw new Error("Cannot find module 'socket.io-client'");
		});
		const socket = open('http://h:9090', { path: '/ws/socket.io' });
		const errors: string[] = [];
		socket.on('connect_error', (error) => errors.push((error as Error).message));
		await settle();
		expect(errors).toEqual(["Cannot find module 'socket.io-client'"]);
		expect(() => open('http://h:9090', { path: '/ws/socket.io' })).not.toThrow();
	});
});
