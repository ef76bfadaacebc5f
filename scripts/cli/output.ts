// What a command tells the world. On a terminal: text and a live progress bar. With --json or
// when stdout is a pipe or a file: one JSON object per line, for other programs to read.
import type { WaitProgress } from '../../nodes/shared/core/waiter.ts';

export type Fields = Record<string, unknown>;

export interface Output {
	readonly json: boolean;
	/** A step along the way: `{"event": name, ...fields}`, or `text` on a terminal. */
	event(name: string, fields: Fields, text: string): void;
	/** Where a job stands; `label` names it on the terminal (e.g. "task 42"). */
	progress(label: string, progress: WaitProgress, fields: Fields): void;
	/** The command's answer: the last line, `{"event": "result", ...fields}`, or `text` lines. */
	result(fields: Fields, text: string[]): void;
	/** Why the command failed, for stdout readers (stderr gets the readable line anyway). */
	error(fields: Fields): void;
	/** Stops the live bar and ends its line, so that what follows starts on a fresh line. */
	close(): void;
}
