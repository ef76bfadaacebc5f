// Peak memory for downloading one large result (100 MB, the size of a Wan video from InvokeAI),
// each way measured in a fresh Node process so that one measurement cannot inherit another's heap:
// the n8n node path into a store that keeps the bytes (n8n's database mode, and memory mode in n8n
// 1.x), the n8n node path into the filesystem store (n8n 2.x's default), the CLI saving to disk,
// and, for comparison, the way downloads were read before they were streamed (the whole body as
// one ArrayBuffer). Figures are peak RSS (the OS's own `maxRSS`) minus that of a process that loads
// the same code and downloads nothing, and minus that of one that reads the same download and keeps
// none of it (what the runtime itself costs: V8 collects the chunks it drops lazily).
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import { fetchTransport } from '../nodes/shared/core/fetchTransport.ts';
import { Visionatrix } from '../nodes/shared/providers/visionatrix/api.ts';
import { toBinaryData } from '../nodes/shared/n8n/binary.ts';
import { n8nEnv } from '../nodes/shared/n8n/env.ts';
import { saveFile } from '../scripts/cli/saveFiles.ts';
import { nodeRuntime } from '../scripts/runtime/node.ts';
import { scriptEnv } from '../scripts/runtime/timers.ts';
import { executeContext } from '../test/helpers/n8nContext.ts';

export const FILE_BYTES = 100 * 1024 * 1024;
const CHUNK = Buffer.alloc(64 * 1024, 0x5a);
const OUTPUT = { comfy_node_id: 20, type: 'video', file_size: FILE_BYTES, batch_size: 1 };

export type DownloadWay =
	| 'baseline'
	| 'read and thrown away'
	| 'whole body (before)'
	| 'node, bytes kept in the store'
	| 'node, filesystem store'
	| 'CLI, to disk';
export const WAYS: DownloadWay[] = ['baseline', 'read and thrown away', 'whole body (before)', 'node, bytes kept in the store', 'node, filesystem store', 'CLI, to disk'];

/** Serves `GET /vapi/tasks/results` as Visionatrix does, with a 100 MB video made on the fly. */
export async function startBigFileServer(): Promise<{ url: string; close(): Promise<void> }> {
	const server = createServer((request: IncomingMessage, response: ServerResponse) => {
		if (!request.url?.startsWith('/vapi/tasks/results')) return void response.writeHead(404).end();
		response.writeHead(200, {
			'content-type': 'video/mp4',
			'content-length': String(FILE_BYTES),
			'content-disposition': 'attachment; filename="7_20_00001.mp4"',
		});
		let sent = 0;
		const more = () => {
			while (sent < FILE_BYTES) {
				sent += CHUNK.length;
				if (!response.write(CHUNK)) return void response.once('drain', more);
			}
			response.end();
		};
		more();
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** One way, in this process: returns the bytes that arrived. */
async function download(way: DownloadWay, url: string, folder: string): Promise<number> {
	if (way === 'baseline') return 0;
	if (way === 'read and thrown away') {
		// The runtime's own floor: fetch reading the same download chunk by chunk, keeping nothing.
		const visionatrix = new Visionatrix({ baseUrl: url, env: scriptEnv(fetchTransport()) });
		let bytes = 0;
		for await (const chunk of (await visionatrix.downloadResult(7, OUTPUT, 0)).stream) bytes += chunk.byteLength;
		return bytes;
	}
	if (way === 'whole body (before)') {
		const response = await fetch(`${url}/vapi/tasks/results?task_id=7&node_id=20&batch_index=0`);
		return new Uint8Array(await response.arrayBuffer()).byteLength;
	}
	if (way === 'CLI, to disk') {
		const visionatrix = new Visionatrix({ baseUrl: url, env: scriptEnv(fetchTransport()) });
		const file = await visionatrix.downloadResult(7, OUTPUT, 0);
		return (await saveFile(nodeRuntime(), folder, file)).bytes;
	}
	const { context } = executeContext({ credentials: { baseUrl: url, authentication: 'none' }, parameters: {} });
	const kept: Buffer[] = [];
	if (way === 'node, bytes kept in the store') {
		// n8n's database mode: the Readable is gathered into one Buffer (binaryToBuffer) and stored.
		context.helpers.prepareBinaryData = async (input: Buffer | Readable, fileName?: string, mimeType?: string) => {
			const buffer = Buffer.isBuffer(input) ? input : Buffer.concat(await (input as Readable).toArray());
			kept.push(buffer);
			return { data: 'database', fileName, mimeType: mimeType ?? 'application/octet-stream', bytes: buffer.length };
		};
	}
	if (way === 'node, filesystem store') {
		// n8n's filesystem mode: the Readable is piped to a file, never held whole.
		context.helpers.prepareBinaryData = async (input: Buffer | Readable, fileName?: string, mimeType?: string) => {
			const path = join(folder, fileName ?? 'file');
			await pipeline(input as Readable, createWriteStream(path));
			return { data: 'filesystem-v2', id: path, fileName, mimeType: mimeType ?? 'application/octet-stream', bytes: FILE_BYTES };
		};
	}
	const visionatrix = new Visionatrix({ baseUrl: url, env: n8nEnv(context, 'visionatrixApi') });
	const binary = await toBinaryData(context, await visionatrix.downloadResult(7, OUTPUT, 0));
	return binary.bytes ?? 0;
}

/** Runs one way in a fresh process; resolves with its peak RSS in bytes and the bytes downloaded. */
export function measureInChild(way: DownloadWay, url: string): Promise<{ peakRssBytes: number; bytes: number }> {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, [__filename, 'child', way, url], { stdio: ['ignore', 'pipe', 'inherit'] });
		let out = '';
		child.stdout.setEncoding('utf8').on('data', (text: string) => (out += text));
		child.once('error', reject);
		child.once('close', (code) => (code === 0 ? resolve(JSON.parse(out) as { peakRssBytes: number; bytes: number }) : reject(new Error(`${way}: exit ${code}`))));
	});
}

async function child(way: DownloadWay, url: string): Promise<void> {
	const folder = await mkdtemp(join(tmpdir(), 'genflows-bench-'));
	try {
		const bytes = await download(way, url, folder);
		// maxRSS is in kilobytes.
		process.stdout.write(JSON.stringify({ peakRssBytes: process.resourceUsage().maxRSS * 1024, bytes }));
	} finally {
		await rm(folder, { recursive: true, force: true });
	}
}

if (process.argv[2] === 'child') {
	child(process.argv[3] as DownloadWay, process.argv[4]).catch((error: unknown) => {
		console.error(error);
		process.exitCode = 1;
	});
}
