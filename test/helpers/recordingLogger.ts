// A Logger that keeps every line, for tests that check what was logged (and what never was).
import type { Logger } from '../../nodes/shared/core/env.ts';

export interface LoggedLine {
	level: 'debug' | 'info' | 'warn';
	message: string;
	meta?: Record<string, unknown>;
}

export function recordingLogger(): Logger & { lines: LoggedLine[] } {
	const lines: LoggedLine[] = [];
	return {
		lines,
		debug: (message, meta) => lines.push({ level: 'debug', message, meta }),
		info: (message, meta) => lines.push({ level: 'info', message, meta }),
		warn: (message, meta) => lines.push({ level: 'warn', message, meta }),
	};
}
