import { expectationOf, RunTimeHistory } from '../../../nodes/shared/core/runTimes.ts';

describe('expectationOf', () => {
	it('knows nothing without run times', () => {
		expect(expectationOf([])).toBeUndefined();
		expect(expectationOf([0, -5, Number.NaN])).toBeUndefined();
	});

	it('widens the range of past run times by the average gap between them and a little jitter', () => {
		// 10 runs from 57 s to 63 s: gap 6 s / 9; jitter a quarter percent of the middle (60 s) = 150 ms.
		const runs = [57_000, 63_000, 60_000, 58_000, 62_000, 59_000, 61_000, 60_500, 59_500, 58_500];
		const expected = expectationOf(runs)!;
		expect(expected.samples).toBe(10);
		expect(expected.typicalMs).toBe(60_000);
		expect(expected.shortestMs).toBeCloseTo(57_000 - 6_000 / 9 - 150, 6);
		expect(expected.longestMs).toBeCloseTo(63_000 + 6_000 / 9 + 150, 6);
	});

	it('caps the jitter at half a second for long jobs, so identical hour-long runs give a narrow window', () => {
		const expected = expectationOf([3_600_000, 3_600_000, 3_600_000])!;
		expect(expected.longestMs - expected.shortestMs).toBe(1_000);
	});

	it('widens a single run time by a tenth: one sample says nothing of the spread', () => {
		const expected = expectationOf([10_000])!;
		expect(expected.shortestMs).toBeCloseTo(10_000 - 1_000 - 25, 6);
		expect(expected.longestMs).toBeCloseTo(10_000 + 1_000 + 25, 6);
	});
});

describe('RunTimeHistory', () => {
	it('asks the server once per flow, learns from jobs seen finishing, and asks again only after the refetch age', async () => {
		const history = new RunTimeHistory({ refetchAfterMs: 1_000 });
		const fetch = jest.fn(async () => [10_000, 11_000]);
		expect((await history.expect('a', 0, fetch))?.samples).toBe(2);
		history.record('a', 12_000, 10);
		const again = await history.expect('a', 500, fetch);
		expect(fetch).toHaveBeenCalledTimes(1);
		expect(again?.samples).toBe(3);
		await history.expect('a', 1_600, fetch);
		expect(fetch).toHaveBeenCalledTimes(2);
	});

	it('shares one fetch between waiters that ask at the same time', async () => {
		const history = new RunTimeHistory();
		let release: (times: number[]) => void = () => undefined;
		const fetch = jest.fn(() => new Promise<number[]>((resolve) => (release = resolve)));
		const both = Promise.all([history.expect('a', 0, fetch), history.expect('a', 0, fetch)]);
		release([5_000]);
		const [first, second] = await both;
		expect(fetch).toHaveBeenCalledTimes(1);
		expect(first?.typicalMs).toBe(5_000);
		expect(second?.typicalMs).toBe(5_000);
	});

	it('does without a history the server cannot give, and does not ask again for every job', async () => {
		const history = new RunTimeHistory();
		const fetch = jest.fn(async (): Promise<number[]> => {
			throw new Error('500 from the listing');
		});
		expect(await history.expect('a', 0, fetch)).toBeUndefined();
		expect(await history.expect('a', 100, fetch)).toBeUndefined();
		expect(fetch).toHaveBeenCalledTimes(1);
	});

	it('asks again after a fetch cut short by a stop', async () => {
		const history = new RunTimeHistory();
		const aborted = jest.fn(async (): Promise<number[]> => {
			throw new DOMException('stopped', 'AbortError');
		});
		expect(await history.expect('a', 0, aborted)).toBeUndefined();
		expect((await history.expect('a', 10, async () => [4_000]))?.typicalMs).toBe(4_000);
	});

	it('keeps only the newest run times, forgets old ones, and bounds the flows it remembers', async () => {
		const history = new RunTimeHistory({ maxSamples: 3, maxAgeMs: 1_000, maxFlows: 2 });
		for (const ms of [1_000, 2_000, 3_000, 4_000]) history.record('a', ms, 0);
		expect((await history.expect('a', 0))?.samples).toBe(3);
		expect((await history.expect('a', 0))?.typicalMs).toBe(3_000);
		expect(await history.expect('a', 2_000)).toBeUndefined();

		history.record('b', 1_000, 0);
		history.record('c', 1_000, 0);
		history.record('d', 1_000, 0);
		// 'b' is the least recently used of the three: dropped.
		expect(await history.expect('b', 0)).toBeUndefined();
		expect((await history.expect('d', 0))?.samples).toBe(1);
	});

	it('ignores run times that are no durations', async () => {
		const history = new RunTimeHistory();
		history.record('a', 0, 0);
		history.record('a', Number.POSITIVE_INFINITY, 0);
		expect(await history.expect('a', 0, async () => [-1, Number.NaN])).toBeUndefined();
	});
});
