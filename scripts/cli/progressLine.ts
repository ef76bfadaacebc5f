// The text of the terminal progress bar, e.g.
// "task 42 ███████████░░░░░░░░░░░░░  45%  0:07 elapsed  ~0:08 left", or without a percent
// "run 808f… running  0:07 elapsed  estimating…". Where the server names what the job is doing
// (the `stage`, e.g. Pet Portrait's node title) it follows the percent:
// "session 550e8400… ███████████░░░░░░░░░░░░░  45%  KSampler  0:07 elapsed  ~0:08 left".
import type { WaitProgress } from '../../nodes/shared/core/waiter.ts';

const BAR_WIDTH = 24;
/** A longer stage is cut, so that the line fits a terminal and redraws in place. */
const STAGE_WIDTH = 28;

export function formatDuration(ms: number): string {
	const total = Math.max(0, Math.round(ms / 1000));
	const hours = Math.floor(total / 3600);
	const minutes = Math.floor((total % 3600) / 60);
	const seconds = String(total % 60).padStart(2, '0');
	return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}

/** The stage on one line, at most STAGE_WIDTH characters. */
export function stageText(stage: string): string {
	const text = stage.replace(/\s+/g, ' ').trim();
	return text.length > STAGE_WIDTH ? `${text.slice(0, STAGE_WIDTH - 1)}…` : text;
}

export function progressLine(label: string, progress: Pick<WaitProgress, 'phase' | 'progress' | 'elapsedMs' | 'etaMs' | 'stage'>): string {
	const stage = progress.stage && progress.phase === 'running' ? `${stageText(progress.stage)}  ` : '';
	const elapsed = `${formatDuration(progress.elapsedMs)} elapsed`;
	let tail = '';
	if (progress.phase === 'queued') tail = '  queued';
	else if (progress.phase === 'running') tail = progress.etaMs === undefined ? '  estimating…' : `  ~${formatDuration(progress.etaMs)} left`;
	else if (progress.phase === 'failed') tail = '  failed';
	// A server that reports no percent (Flowscale) gets no bar: an empty one would look stuck.
	if (progress.progress === undefined) return `${label}  ${stage}${elapsed}${tail}`;
	const percent = Math.max(0, Math.min(100, progress.progress));
	const filled = Math.round((percent / 100) * BAR_WIDTH);
	const bar = '█'.repeat(filled) + '░'.repeat(BAR_WIDTH - filled);
	return `${label} ${bar} ${percent.toFixed(0).padStart(3)}%  ${stage}${elapsed}${tail}`;
}
