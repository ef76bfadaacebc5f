// A photo for the remove-background example to download (the shipped example points at a URL on
// the internet, which a local try-out may not reach). Served on a port chosen on the first start
// and kept, because the imported workflow holds the URL.
import type { Server } from 'node:http';
import { createServer } from 'node:http';

import { makePng } from '../../test/simulators/visionatrix/files.ts';

export interface PhotoServer {
	url: string;
	port: number;
	close(): Promise<void>;
}

export async function startPhotoServer(port: number): Promise<PhotoServer> {
	const photo = makePng(7, 640, 480, 'sample photo served by npm start');
	const server: Server = createServer((_request, response) => response.writeHead(200, { 'content-type': 'image/png' }).end(photo));
	await new Promise<void>((listening, failed) => {
		server.once('error', failed);
		server.listen(port, '127.0.0.1', () => listening());
	});
	const bound = (server.address() as { port: number }).port;
	return {
		url: `http://127.0.0.1:${bound}/photo.png`,
		port: bound,
		close: () =>
			new Promise((closed) => {
				server.close(() => closed());
				server.closeAllConnections();
			}),
	};
}
