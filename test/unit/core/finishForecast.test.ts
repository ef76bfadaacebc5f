import { FinishForecast } from '../../../nodes/shared/core/finishForecast.ts';
import { defaultPollingPlan } from '../../../nodes/shared/core/pollingPlan.ts';
import { expectationOf } from '../../../nodes/shared/core/runTimes.ts';

const plan = defaultPollingPlan;
/** Runs of 60 s ±1 s. */
const sixtySeconds = expectationOf([59_000, 60_000, 61_000, 59_500, 60_500])!;

describe('FinishForecast', () => {
	it('has no window before the job is seen running, or without run times', () => {
		const forecast = new FinishForecast(0);
		expect(forecast.window()).toBeUndefined();
		forecast.sawRunning(500);
		expect(forecast.window()).toBeUndefined();
		forecast.learn(sixtySeconds);
		expect(forecast.window()).toEqual({ from: sixtySeconds.shortestMs, to: 500 + sixtySeconds.longestMs });
	});

	it('brackets the start by the last moment the job was not running and the first it was', () => {
		const forecast = new FinishForecast(0);
		forecast.learn(sixtySeconds);
		forecast.sawQueued(2_000);
		forecast.sawRunning(2_750);
		forecast.sawRunning(10_000);
		expect(forecast.window()).toEqual({ from: 2_000 + sixtySeconds.shortestMs, to: 2_750 + sixtySeconds.longestMs });
	});

	it('sleeps up to the window with sparse safety reads, then polls evenly inside it, then gives up on the history', () => {
		const forecast = new FinishForecast(0);
		forecast.learn(sixtySeconds);
		forecast.sawRunning(500);
		const window = forecast.window()!;
		// A safety read every fifth of the run time (12 s here) before the window.
		expect(forecast.runningDelay(1_000, plan, true)).toBe(12_000);
		// The first read of the window one interval into it: the window (3.8 s) over 20 reads would
		// be 190 ms apart, no denser than the plan's floor of 200 ms.
		expect(forecast.runningDelay(window.from - 3_000, plan, true)).toBe(3_000 + plan.minMs);
		const inside = forecast.runningDelay(window.from + plan.minMs, plan, true)!;
		expect(inside).toBe(plan.minMs);
		expect(forecast.runningDelay(window.to - 10, plan, true)).toBe(inside);
		// Past the window: this run is slower than every one before; progress decides from now on.
		expect(forecast.runningDelay(window.to + inside + 1, plan, true)).toBeUndefined();
		expect(forecast.window()).toBeUndefined();
	});

	it('leaves a window wider than progress can narrow to progress, once progress has a rate', () => {
		const forecast = new FinishForecast(0);
		forecast.learn(expectationOf([40_000, 80_000, 60_000])!);
		forecast.sawRunning(500);
		const window = forecast.window()!;
		// Before the window's first read it still sleeps up to it.
		expect(forecast.runningDelay(window.from, plan, true)).toBe(plan.denseMaxMs);
		expect(forecast.runningDelay(window.from + 2_000, plan, true)).toBeUndefined();
		// Without a rate it still polls the window, no sparser than the dense interval.
		expect(forecast.runningDelay(window.from + 2_000, plan, false)).toBe(plan.denseMaxMs);
	});

	it('drops the history when progress says the job runs far longer or shorter than the ones before', () => {
		const slower = new FinishForecast(0);
		slower.learn(sixtySeconds);
		slower.sawRunning(500);
		// At this rate the job takes 200 s: even an early jump to 100 % ends it long after 61 s.
		slower.checkProgress(200_000, 30_000, plan);
		expect(slower.window()).toBeUndefined();

		const alike = new FinishForecast(0);
		alike.learn(sixtySeconds);
		alike.sawRunning(500);
		// 85 % reached at the pace of a 60 s job that then jumps to 100 %: the linear estimate says ~70 s.
		alike.checkProgress(70_000, 30_000, plan);
		expect(alike.window()).toBeDefined();

		const faster = new FinishForecast(0);
		faster.learn(sixtySeconds);
		faster.sawRunning(500);
		faster.checkProgress(20_000, 16_000, plan);
		expect(faster.window()).toBeUndefined();
	});

	it('reads at the window start and otherwise sparsely while a push channel speaks', () => {
		const forecast = new FinishForecast(0);
		expect(forecast.pushSafetyDelay(1_000, plan)).toBe(plan.maxMs);
		forecast.learn(sixtySeconds);
		forecast.sawRunning(500);
		expect(forecast.pushSafetyDelay(1_000, plan)).toBe(12_000);
		expect(forecast.pushSafetyDelay(forecast.window()!.from + 1, plan)).toBe(plan.maxMs);
	});

	describe('in a queue', () => {
		const oneSecond = expectationOf([950, 1_000, 1_050, 990, 1_010])!;

		it('waits a share of the time until the start, from the run time per job ahead, then from how fast the queue moves', () => {
			const forecast = new FinishForecast(0);
			forecast.learn(oneSecond);
			forecast.sawAhead(500, 40, true);
			// 39.5 run times of the flow (the one running is half done on average), times the share.
			expect(forecast.queuedDelay(500, plan)).toBe(39.5 * 1_000 * plan.queueSleepShare);
			// The queue moved at 2 jobs a second (two workers): that pace counts, not the run time.
			forecast.sawAhead(10_500, 20);
			expect(forecast.queuedDelay(10_500, plan)).toBeCloseTo(19.5 * 500 * plan.queueSleepShare, 6);
			// Next in line: look when the one running likely ends.
			forecast.sawAhead(19_500, 1);
			expect(forecast.startIsKnown).toBe(false);
		});

		it('looks again within one run time while the jobs ahead may run other flows, until the queue has moved', () => {
			const forecast = new FinishForecast(0);
			forecast.learn(expectationOf([60_000]));
			forecast.sawAhead(500, 10);
			expect(forecast.queuedDelay(500, plan)).toBe(60_000);
			forecast.sawAhead(60_500, 2);
			expect(forecast.queuedDelay(60_500, plan)).toBeCloseTo(1.5 * 7_500 * plan.queueSleepShare, 6);
		});

		it('polls on its own schedule without run times until the queue has moved', () => {
			const forecast = new FinishForecast(0);
			forecast.sawAhead(500, 10);
			expect(forecast.queuedDelay(500, plan)).toBeUndefined();
			forecast.sawAhead(5_500, 5);
			expect(forecast.queuedDelay(5_500, plan)).toBe(4.5 * 1_000 * plan.queueSleepShare);
		});

		it('pins the start down from readings at different moments, and then stops asking the queue', () => {
			const forecast = new FinishForecast(0);
			forecast.learn(oneSecond);
			// 3 ahead at 7.6 s: it starts between 9.4 s and 10.8 s; 1 ahead at 10.3 s: between 10.3 s and 11.4 s.
			forecast.sawAhead(7_600, 3);
			expect(forecast.startIsKnown).toBe(false);
			forecast.sawAhead(10_300, 1);
			expect(forecast.startIsKnown).toBe(true);
			const window = forecast.window()!;
			expect(window.from).toBeCloseTo(10_300 + oneSecond.shortestMs, 6);
			expect(window.to).toBeCloseTo(7_600 + 3 * oneSecond.longestMs + oneSecond.longestMs, 6);
			// No more queue checks: the next read is the job's, at the window's start.
			expect(forecast.queuedDelay(10_400, plan)).toBeCloseTo(window.from - 10_400, 6);
		});

		it('trusts only its own checks when the readings contradict each other (jobs ahead were cancelled)', () => {
			const forecast = new FinishForecast(0);
			forecast.learn(oneSecond);
			forecast.sawAhead(1_000, 30);
			forecast.sawAhead(2_000, 1);
			forecast.sawAhead(2_500, 0);
			expect(forecast.window()).toEqual({ from: 2_000 + oneSecond.shortestMs, to: 2_500 + oneSecond.longestMs });
		});
	});
});
