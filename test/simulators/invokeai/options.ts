// The simulator's options with their defaults.
import { DEFAULT_USERS } from './auth.ts';
import { DEFAULT_MODELS } from './models.ts';
import { DEFAULT_FAILURE_TEXT } from './processor.ts';
import type { InvokeAiSimulatorOptions, SimItemInfo, SimModel, SimOutcome, SimUserSpec } from './types.ts';
import { featuresOf } from './version.ts';

export const DEFAULT_VERSION = '6.13.8';

export interface ResolvedOptions {
	version: string;
	multiUser: boolean;
	users: SimUserSpec[];
	tokenTtlMs: number | undefined;
	nodeMs(node: { id: string; type: string; sourceId: string }, item: SimItemInfo): number;
	startDelayMs: number;
	progressSteps: number;
	outcome(item: SimItemInfo): SimOutcome;
	maxQueueSize: number;
	models: SimModel[];
	paused: boolean;
}

/** A string input with the word FAIL fails the item at its denoise node, out of memory. */
function defaultOutcome(item: SimItemInfo): SimOutcome {
	return item.texts.some((text) => /\bFAIL\b/.test(text)) ? { errorMessage: DEFAULT_FAILURE_TEXT } : undefined;
}

export function checkMultiUser(version: string, multiUser: boolean): void {
	if (multiUser && !featuresOf(version).users) throw new Error(`InvokeAI simulator: multi-user mode needs 6.12 or later, not ${version}.`);
}

export function resolveOptions(options: InvokeAiSimulatorOptions): ResolvedOptions {
	const version = options.version ?? DEFAULT_VERSION;
	const multiUser = options.multiUser ?? false;
	checkMultiUser(version, multiUser);
	const nodeMs = options.nodeMs ?? 5;
	return {
		version,
		multiUser,
		users: options.users ?? DEFAULT_USERS,
		tokenTtlMs: options.tokenTtlMs,
		nodeMs: typeof nodeMs === 'function' ? nodeMs : () => nodeMs,
		startDelayMs: options.startDelayMs ?? 10,
		progressSteps: options.progressSteps ?? 3,
		outcome: options.outcome ?? defaultOutcome,
		maxQueueSize: options.maxQueueSize ?? 10_000,
		models: options.models ?? DEFAULT_MODELS,
		paused: options.paused ?? false,
	};
}
