// The text of the terminal progress bar, e.g.
// "task 42 ███████████░░░░░░░░░░░░░  45%  0:07 elapsed  ~0:08 left", or without a percent
// "run 808f… running  0:07 elapsed  estimating…".
import type { WaitProgress } from '../../nodes/shared/core/waiter.ts';

const BAR_WIDTH = 24;

export function formatDuration(ms: number): string {
	const total = Math.max(0, Math.round(ms / 1000));
	const hours = Math.floor(total / 3600);
	const minutes = Math.floor((total % 3600) / 60);
	const seconds = String(total % 60).padStart(2, '0');
	return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}

export function progressLine(label: string, progress: Pick<WaitProgress, 'phase' | 'progress' | 'elapsedMs' | 'etaMs'>): string {
	const elapsed = `${formatDuration(progress.elapsedMs)} elapsed`;
	let tail = '';
	if (progress.phase === 'queued') tail = '  queued';
	else if (progress.phase === 'running') tail = progress.etaMs === undefined ? '  estimating…' : `  ~${formatDuration(progress.etaMs)} left`;
	else if (progress.phase === 'failed') tail = '  failed';
	// A server that reports no percent (Flowscale) gets no bar: an empty one would look stuck.
	if (progress.progress === undefined) return `${label}  ${elapsed}${tail}`;
	const percent = Math.max(0, Math.min(100, progress.progress));
	const filled = Math.round((percent / 100) * BAR_WIDTH);
	const bar = '█'.repeat(filled) + '░'.repeat(BAR_WIDTH - filled);
	return `${label} ${bar} ${percent.toFixed(0).padStart(3)}%  ${elapsed}${tail}`;
}
