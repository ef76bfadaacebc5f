import type { Fields, Output } from './output.ts';

/** One JSON object per line on stdout; progress only when the phase, percent or stage moved. */
export function jsonLinesOutput(write: (text: string) => void): Output {
	const line = (event: string, fields: Fields) => write(`${JSON.stringify({ event, ...fields })}\n`);
	const lastSeen = new Map<string, string>();
	return {
		json: true,
		event: (name, fields) => line(name, fields),
		progress(label, progress, fields) {
			const seen = `${progress.phase} ${progress.progress} ${progress.stage ?? ''}`;
			if (lastSeen.get(label) === seen) return;
			lastSeen.set(label, seen);
			// `stage` (what the job is doing now, e.g. the node being run) only where the server names one.
			const stage = progress.stage === undefined ? {} : { stage: progress.stage };
			line('progress', { ...fields, phase: progress.phase, progress: progress.progress, ...stage, elapsedMs: progress.elapsedMs, etaMs: progress.etaMs });
		},
		result: (fields) => line('result', fields),
		error: (fields) => line('error', fields),
		close() {},
	};
}
