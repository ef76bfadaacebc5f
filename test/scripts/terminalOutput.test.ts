import { formatDuration, progressLine } from '../../scripts/cli/progressLine.ts';
import { terminalOutput } from '../../scripts/cli/terminalOutput.ts';

describe('the terminal progress bar', () => {
	it('shows the bar, percent, elapsed time and the time left', () => {
		expect(progressLine('task 42', { phase: 'running', progress: 50, elapsedMs: 7_400, etaMs: 65_000 })).toBe(
			'task 42 ████████████░░░░░░░░░░░░  50%  0:07 elapsed  ~1:05 left',
		);
		expect(progressLine('task 42', { phase: 'queued', progress: 0, elapsedMs: 0 })).toBe('task 42 ░░░░░░░░░░░░░░░░░░░░░░░░   0%  0:00 elapsed  queued');
		expect(formatDuration(3_725_000)).toBe('1:02:05');
	});

	it('draws no bar for a server that reports no percent', () => {
		expect(progressLine('run abc running', { phase: 'running', elapsedMs: 7_400 })).toBe('run abc running  0:07 elapsed  estimating…');
	});

	it('redraws one line in place, moves the clocks between readings, and ends the line before other text', () => {
		jest.useFakeTimers();
		try {
			let written = '';
			let now = 1_000;
			const output = terminalOutput((text) => (written += text), () => now);
			output.progress('task 1', { phase: 'running', progress: 25, elapsedMs: 2_000, etaMs: 6_000 }, {});
			now += 1_000;
			jest.advanceTimersByTime(1_000);
			output.event('saved', {}, 'saved /tmp/a.png');
			output.close();
			expect(written).toBe(
				'\r\x1b[Ktask 1 ██████░░░░░░░░░░░░░░░░░░  25%  0:02 elapsed  ~0:06 left' +
					'\r\x1b[Ktask 1 ██████░░░░░░░░░░░░░░░░░░  25%  0:03 elapsed  ~0:05 left' +
					'\nsaved /tmp/a.png\n',
			);
		} finally {
			jest.useRealTimers();
		}
	});
});
