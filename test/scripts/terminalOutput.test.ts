import { jsonLinesOutput } from '../../scripts/cli/jsonLinesOutput.ts';
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

	it('shows the stage (the node being run) after the percent while running, cut to fit', () => {
		expect(progressLine('session 550e8400…', { phase: 'running', progress: 45, stage: 'KSampler', elapsedMs: 7_000, etaMs: 8_000 })).toBe(
			'session 550e8400… ███████████░░░░░░░░░░░░░  45%  KSampler  0:07 elapsed  ~0:08 left',
		);
		expect(progressLine('run abc', { phase: 'running', stage: 'Upscale\nthe portrait with a very long node title', elapsedMs: 0 })).toBe(
			'run abc  Upscale the portrait with a…  0:00 elapsed  estimating…',
		);
		// A finished job's line keeps no stage: the node it ended on says nothing of the result.
		expect(progressLine('task 1', { phase: 'succeeded', progress: 100, stage: 'Save Image', elapsedMs: 1_000 })).toBe('task 1 ████████████████████████ 100%  0:01 elapsed');
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

describe('the JSON progress lines', () => {
	it('carry the stage where the server names one, and a new line for each new stage at the same percent', () => {
		let written = '';
		const output = jsonLinesOutput((text) => (written += text));
		output.progress('session a', { phase: 'running', progress: 10, stage: 'Load Checkpoint', elapsedMs: 1 }, { sessionId: 'a' });
		output.progress('session a', { phase: 'running', progress: 10, stage: 'Load Checkpoint', elapsedMs: 2 }, { sessionId: 'a' });
		output.progress('session a', { phase: 'running', progress: 10, stage: 'KSampler', elapsedMs: 3 }, { sessionId: 'a' });
		output.progress('task 1', { phase: 'running', progress: 5, elapsedMs: 4 }, { taskId: 1 });
		expect(written.trim().split('\n').map((line) => JSON.parse(line) as unknown)).toEqual([
			{ event: 'progress', sessionId: 'a', phase: 'running', progress: 10, stage: 'Load Checkpoint', elapsedMs: 1 },
			{ event: 'progress', sessionId: 'a', phase: 'running', progress: 10, stage: 'KSampler', elapsedMs: 3 },
			{ event: 'progress', taskId: 1, phase: 'running', progress: 5, elapsedMs: 4 },
		]);
	});
});
