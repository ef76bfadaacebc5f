// InvokeAI jobs of about 10 s and 60 s (the default "Text to Image - FLUX" workflow), waited for by
// our client with Socket.IO push (progress as news, the item read once it says it ended) and by
// polling alone (a host or proxy without the socket), each job on a one-GPU simulator of its own.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { fetchTransport } from '../nodes/shared/core/fetchTransport.ts';
import { InvokeAI } from '../nodes/shared/providers/invokeai/api.ts';
import { parseWorkflow } from '../nodes/shared/providers/invokeai/workflow/workflowSchema.ts';
import { socketIoClient } from '../scripts/runtime/eventSockets.ts';
import { scriptEnv } from '../scripts/runtime/timers.ts';
import { startInvokeAiSimulator } from '../test/simulators/invokeai/index.ts';
import type { WaitRow, WaitSample } from './stats.ts';
import { waitRow } from './stats.ts';

const REPETITIONS = 9;
type Way = 'genflows, Socket.IO + polling' | 'genflows, polling only';
const WAYS: Way[] = ['genflows, Socket.IO + polling', 'genflows, polling only'];

const workflowText = readFileSync(join(__dirname, '..', '..', 'test', 'fixtures', 'invokeai', 'default_workflows', 'Flux Text to Image.json'), 'utf8');
const VALUES = {
	Model: 'FLUX Schnell (Quantized)',
	'T5 Encoder': 't5_bnb_int8_quantized_encoder',
	'CLIP Embed': 'clip-vit-large-patch14',
	VAE: 'FLUX.1-schnell_ae',
	Prompt: 'a lighthouse at dusk',
};

/** The simulator's times are SQLite text in UTC: "2026-12-02 10:00:00.123". */
const sqliteMs = (text: string) => Date.parse(`${text.replace(' ', 'T')}Z`);

async function oneJob(way: Way, durationMs: number): Promise<WaitSample & { jobMs: number }> {
	// The FLUX graph runs 7 prepared nodes; each takes its share of the job ±20 %.
	const simulator = await startInvokeAiSimulator({ nodeMs: () => Math.round((durationMs / 7) * (0.8 + 0.4 * Math.random())) });
	try {
		const openEventSocket = way === 'genflows, Socket.IO + polling' ? socketIoClient : undefined;
		const invokeai = new InvokeAI({ baseUrl: simulator.url, env: { ...scriptEnv(fetchTransport()), openEventSocket } });
		let enqueuedAt = 0;
		const run = await invokeai.runWorkflow({
			workflow: parseWorkflow(workflowText),
			values: VALUES,
			timeoutMs: durationMs * 3 + 30_000,
			onSubmitted: () => (enqueuedAt = Date.now()),
		});
		const returnedAt = Date.now();
		for (const item of run.items) for await (const file of item.files) for await (const chunk of file.stream) void chunk;
		const [itemId] = simulator.batches()[0].itemIds;
		const item = simulator.item(itemId)!;
		const completedAt = sqliteMs(String(item.completed_at));
		const reads = simulator.requests.filter((request) => request.path === `/api/v1/queue/default/i/${itemId}` && request.at >= enqueuedAt).length;
		return { latencyMs: returnedAt - completedAt, requests: 1 + reads, jobMs: completedAt - sqliteMs(String(item.started_at)) };
	} finally {
		await simulator.close();
	}
}

export async function invokeAiBench(): Promise<WaitRow[]> {
	return await Promise.all(
		[10_000, 60_000].flatMap((durationMs) =>
			WAYS.map(async (way) => waitRow(durationMs, way, await Promise.all(Array.from({ length: REPETITIONS }, () => oneJob(way, durationMs))))),
		),
	);
}
