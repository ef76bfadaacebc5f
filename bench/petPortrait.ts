// Pet Portrait jobs of about 10 s and 60 s, waited for three ways against the bundled simulator on
// 127.0.0.1: ours with the WebSocket (push wakes the status read) plus polling, ours by polling
// alone (a socket that cannot connect), and the API document's own client (status every 2 s,
// starting 5 s after generate, no socket), emulated by the same client with that fixed schedule.
import { WebSocket as UndiciWebSocket } from 'undici';

import { fetchTransport } from '../nodes/shared/core/fetchTransport.ts';
import { socketOpener } from '../nodes/shared/core/sockets.ts';
import type { WebSocketConstructor } from '../nodes/shared/core/sockets.ts';
import type { PollingPlan } from '../nodes/shared/core/waiter.ts';
import { PetPortrait } from '../nodes/shared/providers/petPortrait/api.ts';
import { scriptEnv } from '../scripts/runtime/timers.ts';
import { startPetPortraitSimulator } from '../test/simulators/petPortrait/index.ts';
import type { PetPortraitSimulator } from '../test/simulators/petPortrait/index.ts';
import { makePlaceholderPng } from '../test/simulators/shared/picture/placeholderImage.ts';
import type { WaitRow, WaitSample } from './stats.ts';
import { waitRow } from './stats.ts';

const REPETITIONS = 9;
/** The simulator's workflow has 46 nodes; a node takes this long on average (±20 %), so a job lasts about 10 s or 60 s. */
const NODE_MS_FOR = { 10_000: 217, 60_000: 1_304 } as const;
const DOC_CLIENT: Partial<PollingPlan> = { initialMs: 5_000, minMs: 2_000, maxMs: 2_000, queuedMaxMs: 2_000, growth: 1 };

type Way = 'genflows, WebSocket + polling' | 'genflows, polling only' | "the API document's client (2 s poll after 5 s)";

const photo = { data: makePlaceholderPng({ width: 64, height: 48, flow: 'photo', request: 'a dog', footer: 'bench' }, 'bench photo'), fileName: 'dog.png', mimeType: 'image/png' };

function clientFor(simulator: PetPortraitSimulator, withSocket: boolean): PetPortrait {
	// This bench runs on Node 20 too, which has no global WebSocket: undici's, as the CLI uses there.
	const openSocket = withSocket ? socketOpener(((globalThis as { WebSocket?: unknown }).WebSocket ?? UndiciWebSocket) as WebSocketConstructor) : undefined;
	return new PetPortrait({ baseUrl: simulator.url, env: { ...scriptEnv(fetchTransport()), openSocket } });
}

async function oneJob(simulator: PetPortraitSimulator, way: Way, durationMs: number): Promise<WaitSample> {
	const client = clientFor(simulator, way === 'genflows, WebSocket + polling');
	let submittedAt = 0;
	const { sessionId } = await client.createPortrait({
		image: photo,
		timeoutMs: durationMs * 3 + 30_000,
		plan: way.startsWith('the API') ? DOC_CLIENT : undefined,
		onSubmitted: () => (submittedAt = Date.now()),
	});
	const returnedAt = Date.now();
	const result = simulator.ws.messages.find((message) => message.clientId.endsWith(sessionId) && message.type === 'result');
	if (!result) throw new Error(`Pet Portrait session ${sessionId}: the simulator sent no result`);
	// Status reads after generate (ours reads once before it, to know the session; the document's client does not), plus upload and generate.
	const statusReads = simulator.requests.filter((request) => request.path === `/api/status/${sessionId}` && request.at >= submittedAt).length;
	return { latencyMs: returnedAt - result.at, requests: 2 + statusReads };
}

/** A one-GPU server runs one job at a time: each job gets a simulator of its own, so they all run at once. */
async function oneJobOnItsOwnServer(way: Way, durationMs: 10_000 | 60_000): Promise<WaitSample> {
	const simulator = await startPetPortraitSimulator({ nodeMs: () => Math.round(NODE_MS_FOR[durationMs] * (0.8 + 0.4 * Math.random())) });
	try {
		return await oneJob(simulator, way, durationMs);
	} finally {
		await simulator.close();
	}
}

export async function petPortraitBench(): Promise<WaitRow[]> {
	const ways: Way[] = ['genflows, WebSocket + polling', 'genflows, polling only', "the API document's client (2 s poll after 5 s)"];
	return await Promise.all(
		([10_000, 60_000] as const).flatMap((durationMs) =>
			ways.map(async (way) => waitRow(durationMs, way, await Promise.all(Array.from({ length: REPETITIONS }, () => oneJobOnItsOwnServer(way, durationMs))))),
		),
	);
}
