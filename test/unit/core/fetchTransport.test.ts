// fetchTransport's streamed bodies against a real local server: a garbage collection between the
// answer and the first read must not empty the body. Node's fetch (undici) cancels the body of a
// Response collected before its body is locked or read, and a cancelled body reads as empty; the
// CLI opens the file before it reads, so under load it saved 0-byte files and exited 0 (found by
// `npm run chaos`). Deterministic: the collection is forced.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

import { fetchTransport } from '../../../nodes/shared/core/fetchTransport.ts';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

const BODY = Buffer.alloc(200_000, 7);

describe('fetchTransport: a streamed body', () => {
	const server = createServer((_request, response) => {
		response.setHeader('content-length', String(BODY.length));
		response.end(BODY);
	});
	let url = '';
	beforeAll(async () => {
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/file.png`;
	});
	afterAll(() => new Promise((resolve) => server.close(resolve)));

	it('is read whole even when a garbage collection comes before the first read', async () => {
		const transport = fetchTransport();
		const lengths: number[] = [];
		for (let attempt = 0; attempt < 5; attempt++) {
			const response = await transport({ method: 'GET', url, headers: {}, responseType: 'stream', timeoutMs: 10_000 });
			// Collections, and time for the finalizers they schedule, before anything reads the body.
			for (let round = 0; round < 2; round++) {
				collectGarbage();
				await new Promise((resolve) => setTimeout(resolve, 20));
			}
			let length = 0;
			for await (const chunk of response.stream!) length += chunk.byteLength;
			lengths.push(length);
		}
		expect(lengths).toEqual([BODY.length, BODY.length, BODY.length, BODY.length, BODY.length]);
	});
});
