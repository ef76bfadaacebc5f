import type { WaitProgress } from '../../nodes/shared/core/waiter.ts';
import type { Output } from './output.ts';
import { progressLine } from './progressLine.ts';

const CLEAR_LINE = '\r\x1b[K';

/**
 * Text for a person at a terminal. The progress bar is one line redrawn in place (`\r`); between
 * the server's answers it is redrawn every second so that elapsed time and the estimate move.
 */
export function terminalOutput(write: (text: string) => void, now: () => number = Date.now): Output {
	let live: { label: string; progress: WaitProgress; seenAt: number } | undefined;
	let ticker: ReturnType<typeof setInterval> | undefined;

	const draw = () => {
		if (!live) return;
		const since = now() - live.seenAt;
		const { progress } = live;
		const etaMs = progress.etaMs === undefined ? undefined : Math.max(0, progress.etaMs - since);
		write(CLEAR_LINE + progressLine(live.label, { ...progress, elapsedMs: progress.elapsedMs + since, etaMs }));
	};
	const endLine = () => {
		if (ticker) clearInterval(ticker);
		ticker = undefined;
		if (live) write('\n');
		live = undefined;
	};

	return {
		json: false,
		event(_name, _fields, text) {
			endLine();
			write(`${text}\n`);
		},
		progress(label, progress) {
			if (live && live.label !== label) endLine();
			live = { label, progress, seenAt: now() };
			draw();
			if (progress.phase === 'succeeded' || progress.phase === 'failed') endLine();
			else ticker ??= setInterval(draw, 1000);
		},
		result(_fields, text) {
			endLine();
			for (const line of text) write(`${line}\n`);
		},
		error() {
			endLine();
		},
		close: endLine,
	};
}
