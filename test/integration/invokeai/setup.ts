// The InvokeAI module driven as the CLI drives it, against the simulator over real sockets: fetch
// for HTTP, socket.io-client (the hosts' own, scripts/runtime/eventSockets.ts) for the queue events.
// Simulators started here are closed by closeSimulators (afterEach).
import type { Logger, OpenEventSocket } from '../../../nodes/shared/core/env.ts';
import { fetchTransport } from '../../../nodes/shared/core/fetchTransport.ts';
import type { RetryPolicy } from '../../../nodes/shared/core/retry.ts';
import { checkBaseUrl } from '../../../nodes/shared/core/urls.ts';
import type { InvokeAIAuth } from '../../../nodes/shared/providers/invokeai/auth.ts';
import { INVOKEAI_ADDRESS_RULES, InvokeAI } from '../../../nodes/shared/providers/invokeai/api.ts';
import type { Workflow } from '../../../nodes/shared/providers/invokeai/workflow/workflowSchema.ts';
import { parseWorkflow } from '../../../nodes/shared/providers/invokeai/workflow/workflowSchema.ts';
import { socketIoClient } from '../../../scripts/runtime/eventSockets.ts';
import { scriptEnv } from '../../../scripts/runtime/timers.ts';
import type { DefaultWorkflowFile } from '../../helpers/invokeaiFixtures.ts';
import { loadDefaultWorkflow } from '../../helpers/invokeaiFixtures.ts';
import type { InvokeAiSimulator, InvokeAiSimulatorOptions } from '../../simulators/invokeai/index.ts';
import { startInvokeAiSimulator } from '../../simulators/invokeai/index.ts';
import { encodeRgbPng } from '../../simulators/shared/picture/png.ts';

const started: InvokeAiSimulator[] = [];
const clients: InvokeAI[] = [];

/** A simulator with quick items (nodes of 2 ms), closed after the test. */
export async function startSimulator(options: InvokeAiSimulatorOptions = {}): Promise<InvokeAiSimulator> {
	const simulator = await startInvokeAiSimulator({ nodeMs: 2, startDelayMs: 5, ...options });
	started.push(simulator);
	return simulator;
}

export async function closeSimulators(): Promise<void> {
	await Promise.all(started.splice(0).map((simulator) => simulator.close()));
	clients.length = 0;
}

/** A logger that keeps its lines, for tests that look at what was said. */
export function recordingLogger(): Logger & { lines: string[] } {
	const lines: string[] = [];
	const keep = (message: string, meta?: Record<string, unknown>) => void lines.push(meta ? `${message} ${JSON.stringify(meta)}` : message);
	return { lines, debug: keep, info: keep, warn: keep };
}

export interface ConnectOptions {
	auth?: InvokeAIAuth;
	logger?: Logger;
	retry?: Partial<RetryPolicy>;
	/** The host's Socket.IO client; `null` for a host without one (polling alone). */
	openEventSocket?: OpenEventSocket | null;
	origin?: string;
}

export function connect(simulator: InvokeAiSimulator, options: ConnectOptions = {}): InvokeAI {
	const transport = fetchTransport();
	const openEventSocket = options.openEventSocket === null ? undefined : (options.openEventSocket ?? socketIoClient);
	const env = { ...scriptEnv(transport, options.logger), openEventSocket };
	// A trailing slash, as a user may type it: it must not give `//api`.
	const { url } = checkBaseUrl(`${simulator.url}/`, INVOKEAI_ADDRESS_RULES);
	const client = new InvokeAI({ baseUrl: url, env, auth: options.auth, retry: { baseDelayMs: 20, ...options.retry }, origin: options.origin ?? 'genflows-test' });
	clients.push(client);
	return client;
}

export function defaultWorkflow(file: DefaultWorkflowFile): Workflow {
	return parseWorkflow(loadDefaultWorkflow(file));
}

/** A small real PNG, as a user would upload. */
export const PICTURE = new Uint8Array(encodeRgbPng(4, 3, new Uint8Array(36).fill(90), 'test upload'));

export const SDXL_MODEL = 'Juggernaut XL v9';
