// Runtime-neutral: web-standard APIs only (no node:, Deno, process), so n8n, Node and Deno share it.
// A create whose answer was lost after the request may have reached the server: it is never sent
// again (that could run the flow twice); the tasks it made are recognised among the caller's own.
import type { GenflowsError } from '../../core/errors.ts';
import { isConnectionError, UncertainSubmissionError } from '../../core/errors.ts';
import type { FormPart } from '../../core/http.ts';
import type { Flow, TaskShort } from './schemas.ts';
import type { TaskInput } from './taskInput.ts';
import { isFileInput } from './taskInput.ts';

/** The largest seed the server picks itself (1..2147483647). */
const MAX_SEED = 2_147_483_647;

/**
 * The seed the server would otherwise pick at random, picked here instead (for flows that take
 * one), so that a task whose create answer was lost can be told apart from any other.
 */
export function withFingerprint(flow: Flow, input: TaskInput, random: () => number): TaskInput {
	const ownSeedInput = flow.input_params.some((param) => param.name === 'seed');
	if (input.seed !== undefined || !flow.is_seed_supported || ownSeedInput) return input;
	const count = Math.max(1, Number.isSafeInteger(input.count) ? (input.count as number) : 1);
	return { ...input, seed: 1 + Math.floor(random() * (MAX_SEED - count)) };
}

/** Whether a task's stored inputs (form strings, as the server keeps them) are the text inputs this form sent. */
function sentInputsMatch(flow: Flow, form: FormPart[], task: TaskShort): boolean {
	const stored = task.input_params ?? {};
	const textInputs = new Set(flow.input_params.filter((param) => !isFileInput(param)).map((param) => param.name));
	return form.every((part) => !('value' in part) || !textInputs.has(part.name) || String(stored[part.name]) === part.value);
}

export function lostSubmissionError(flow: Flow, lost: GenflowsError, why: string): UncertainSubmissionError {
	const reason = isConnectionError(lost) ? lost.reason : lost.message;
	return new UncertainSubmissionError(
		`The answer to creating a Visionatrix task of flow "${flow.name}" was lost (${reason}) after the request may have reached the server, and ${why}. The task may exist and run on the server: it was not submitted again.`,
		{
			hint: `Look for the newest task of "${flow.name}" (Get Many in n8n, or genflows visionatrix list --flow ${flow.name}) before running it again.`,
			cause: lost,
		},
	);
}

/**
 * The tasks a lost create made, among the caller's tasks of that flow (newest first): those whose
 * stored inputs match what was sent, told apart by the seed we chose where the flow takes one,
 * else the unfinished ones. More than `count` of them (a seed of the user's used before, or two
 * identical file-input tasks still running) means the caller cannot tell which are its own.
 */
export function tasksOfLostSubmission(flow: Flow, input: TaskInput, form: FormPart[], newestFirst: TaskShort[]): TaskShort[] {
	const count = input.count ?? 1;
	const matching = newestFirst.filter((task) => sentInputsMatch(flow, form, task));
	// Every candidate, not the first `count` of them: when there are more, which are ours cannot be told.
	if (input.seed === undefined) return matching.filter((task) => task.error === '' && task.progress < 100);
	return matching.filter((task) => {
		const offset = Number(task.input_params?.seed) - (input.seed as number);
		return Number.isInteger(offset) && offset >= 0 && offset < count;
	});
}
