import { socketOpener } from '../../../nodes/shared/core/sockets.ts';

/** Records how it was constructed, as a runtime's WebSocket class would be called. */
class RecordingSocket {
	static made: Array<{ url: string; second: unknown }> = [];
	readyState = 0;
	constructor(url: string, second?: unknown) {
		RecordingSocket.made.push({ url, second });
	}
	send(): void {}
	close(): void {}
	addEventListener(): void {}
}

describe('socketOpener', () => {
	it('opens sockets with the class it is given, headers in the second-argument form undici and Deno read', () => {
		const open = socketOpener(RecordingSocket)!;
		open('ws://127.0.0.1:1/ws', { protocols: ['v1'] });
		open('ws://127.0.0.1:1/ws', { headers: { authorization: 'Bearer t' } });
		expect(RecordingSocket.made).toEqual([
			{ url: 'ws://127.0.0.1:1/ws', second: ['v1'] },
			{ url: 'ws://127.0.0.1:1/ws', second: { protocols: undefined, headers: { authorization: 'Bearer t' } } },
		]);
	});

	it('gives no way to open sockets where the runtime has no WebSocket, so jobs are polled', () => {
		expect(socketOpener(undefined)).toBeUndefined();
	});
});
