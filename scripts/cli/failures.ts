// Turns whatever stopped a command into an exit code and one readable line for stderr.
import type { RemoteCancelOutcome } from '../../nodes/shared/core/errors.ts';
import { isGenflowsError, isInputError } from '../../nodes/shared/core/errors.ts';
import { redactUrlsIn } from '../../nodes/shared/core/redact.ts';
import type { StopSignal } from '../runtime/cliRuntime.ts';
import { UsageError } from './args.ts';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
/** 128 + the signal number, as shells report a process ended by that signal. */
export const EXIT_BY_SIGNAL: Record<StopSignal, number> = { SIGINT: 130, SIGTERM: 143 };

export interface Failure {
	exitCode: number;
	kind: string;
	/** One line, without the "genflows: " prefix. */
	message: string;
	hint?: string;
	/** For usage errors: the argument at fault, e.g. `--count`. */
	argument?: string;
	/** For stopped jobs: whether the remote job was cancelled. */
	cancel?: RemoteCancelOutcome;
	/** For failed jobs: the server's own error text. */
	serverMessage?: string;
}

export function describeFailure(error: unknown, stoppedBy: StopSignal | undefined, argumentFor: (parameter: string) => string): Failure {
	if (error instanceof UsageError) return usageFailure(error.argument, error.message);
	if (isInputError(error)) return usageFailure(argumentFor(error.parameter), error.message);
	const message = oneLine(error instanceof Error ? error.message : String(error));
	const cancel = (error as { cancel?: RemoteCancelOutcome }).cancel;
	if (stoppedBy) return { exitCode: EXIT_BY_SIGNAL[stoppedBy], kind: 'interrupted', message: `interrupted (${stoppedBy}): ${message}`, cancel };
	if (!isGenflowsError(error)) return { exitCode: EXIT_FAILED, kind: 'error', message };
	const serverMessage = (error as { serverMessage?: string }).serverMessage;
	return { exitCode: EXIT_FAILED, kind: error.kind, message, hint: error.hint && oneLine(error.hint), cancel, serverMessage };
}

function usageFailure(argument: string, message: string): Failure {
	return { exitCode: EXIT_USAGE, kind: 'usage', argument, message: `bad argument ${argument}: ${oneLine(message)}` };
}

/** Server texts may hold newlines (tracebacks); a failure is reported on one line. */
export function oneLine(text: string): string {
	// The last guard against a credential in a message: a runtime's own error may quote the URL.
	return redactUrlsIn(text.replace(/\s*[\r\n]+\s*/g, ' ').trim());
}
