// A small `npm run load` in the suite: 20 webhook calls at once (five per provider) through n8n in
// queue mode, main + worker + Redis (test/e2e/load/driver.ts, shared with the 200-job script).
// Nothing lost: every call answered 200 with the simulator's picture, byte for byte, and every
// execution stored as a success with that picture.
import type { LoadResult } from '../load/driver.ts';
import { runLoad } from '../load/driver.ts';

jest.setTimeout(300_000);

let result: LoadResult;

beforeAll(async () => {
	result = await runLoad({ jobs: 20, concurrency: 10 });
});

test('20 calls at once in queue mode: none lost, every answer and every stored picture byte-equal to the simulator', () => {
	expect(result.failures).toEqual([]);
	expect(result.perProvider).toEqual({ visionatrix: 5, flowscale: 5, petPortrait: 5, invokeai: 5 });
	expect({ answered: result.answered, storedSuccess: result.storedSuccess, lost: result.lost }).toEqual({ answered: 20, storedSuccess: 20, lost: 0 });
	expect({ answers: result.answersByteEqual, stored: result.storedByteEqual }).toEqual({ answers: 20, stored: 20 });
	// The figures the script reports were taken.
	expect(result.workerRssMb.vmHwm).toBeGreaterThan(0);
	expect(result.requestMs.p90).toBeGreaterThanOrEqual(result.requestMs.p50);
	process.stdout.write(`load (20 jobs): ${JSON.stringify({ wallMs: result.wallMs, requestMs: result.requestMs, workerRssMb: result.workerRssMb })}\n`);
});
