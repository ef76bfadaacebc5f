// The Flowscale module driven as the CLI will drive it: fetch transports, the API key as the
// X-API-KEY header of the API transport only, and a plain transport for the storage host.
import type { Logger } from '../../../nodes/shared/core/env.ts';
import { fetchTransport } from '../../../nodes/shared/core/fetchTransport.ts';
import type { RetryPolicy } from '../../../nodes/shared/core/retry.ts';
import { checkBaseUrl } from '../../../nodes/shared/core/urls.ts';
import { Flowscale, FLOWSCALE_ADDRESS_RULES } from '../../../nodes/shared/providers/flowscale/api.ts';
import { scriptEnv } from '../../../scripts/runtime/timers.ts';
import type { FlowscaleSimulator, FlowscaleSimulatorOptions } from '../../simulators/flowscale/index.ts';
import { startFlowscaleSimulator } from '../../simulators/flowscale/index.ts';

export const TEXT_WORKFLOW = 'bncu0a1kipv';
export const IMAGE_WORKFLOW = '550e8400-e29b-41d4-a716-446655440000';

const started: FlowscaleSimulator[] = [];

/** A simulator with short runs, closed after the test. */
export async function startSimulator(options: FlowscaleSimulatorOptions = {}): Promise<FlowscaleSimulator> {
	const simulator = await startFlowscaleSimulator({ queueMs: 20, runMs: 300, ...options });
	started.push(simulator);
	return simulator;
}

export async function closeSimulators(): Promise<void> {
	await Promise.all(started.splice(0).map((simulator) => simulator.close()));
}

/** A logger that keeps its lines, for tests that look at what was said. */
export function recordingLogger(): Logger & { lines: string[] } {
	const lines: string[] = [];
	const keep = (message: string) => void lines.push(message);
	return { lines, debug: keep, info: keep, warn: keep };
}

export function connect(simulator: FlowscaleSimulator, options: { logger?: Logger; retry?: Partial<RetryPolicy>; apiKey?: string } = {}): Flowscale {
	const transport = fetchTransport({ headers: { 'X-API-KEY': options.apiKey ?? simulator.apiKey } });
	const env = { ...scriptEnv(transport, options.logger), plainTransport: fetchTransport() };
	// A trailing slash, as a user may type it: it must not give `//api`.
	const { url } = checkBaseUrl(`${simulator.url}/`, FLOWSCALE_ADDRESS_RULES);
	return new Flowscale({ baseUrl: url, env, retry: { baseDelayMs: 50, ...options.retry } });
}

export const textInputs = (prompt: string) => [
	{ name: 'text_51536', value: prompt },
	{ name: 'seed_456', value: 7 },
];
