import { createServer } from 'node:net';

async function listenOnce(port: number): Promise<number> {
	return await new Promise((resolvePort, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(port, '127.0.0.1', () => {
			const { port: bound } = server.address() as { port: number };
			server.close(() => resolvePort(bound));
		});
	});
}

/** A TCP port that was free a moment ago on 127.0.0.1 (n8n needs one per listener). */
export async function freePort(): Promise<number> {
	return await listenOnce(0);
}

/** `preferred` when nothing listens there now, otherwise a free port. */
export async function preferredOrFreePort(preferred: number): Promise<number> {
	return await listenOnce(preferred).catch(async () => await freePort());
}

/** True while something accepts connections on 127.0.0.1:`port`. */
export async function portInUse(port: number): Promise<boolean> {
	return await listenOnce(port).then(
		() => false,
		() => true,
	);
}
