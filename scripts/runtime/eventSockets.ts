// Socket.IO push channels (InvokeAI's queue events) for the CLI under Node and Deno alike: the
// maintained `socket.io-client`, imported only when the first channel opens, so commands that
// follow no Socket.IO server never load it. Deno takes it from npm through scripts/deno.jsonc.
import type { OpenEventSocket } from '../../nodes/shared/core/env.ts';
import type { SocketIoConnect } from '../../nodes/shared/core/sockets.ts';
import { socketIoOpener } from '../../nodes/shared/core/sockets.ts';

export const socketIoClient: OpenEventSocket = socketIoOpener(async () => (await import('socket.io-client')).io as unknown as SocketIoConnect);
