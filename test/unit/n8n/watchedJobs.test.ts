// The shared runner of triggers that watch jobs by id (for APIs that cannot list their jobs), over
// a job adapter whose jobs can run again under the same id, as a regenerated Pet Portrait session does.
import type { IDataObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { ApiError } from '../../../nodes/shared/core/errors.ts';
import type { JobAdapter } from '../../../nodes/shared/core/job.ts';
import { MAX_WATCHED_JOBS, pollWatchedJobs, watchedIds } from '../../../nodes/shared/n8n/trigger.ts';
import { pollContext } from '../../helpers/n8nContext.ts';

interface Job {
	id: string;
	run: number;
	phase: 'queued' | 'running' | 'succeeded' | 'failed';
	result?: string;
	startedAt: string;
}

/** A server holding `jobs` by id; ids it lacks answer 404; `reads` counts status reads. */
function server(jobs: Map<string, Job>, options: { brokenDownload?: boolean; failing?: string } = {}): JobAdapter<Job> & { reads: string[] } {
	const reads: string[] = [];
	return {
		reads,
		service: 'Sim',
		noun: 'job',
		id: (job) => job.id,
		async read(id) {
			reads.push(id);
			if (id === options.failing) throw new ApiError({ service: 'Sim', status: 500, method: 'GET', path: `/jobs/${id}`, serverMessage: 'boom' });
			const job = jobs.get(id);
			if (!job) throw new ApiError({ service: 'Sim', status: 404, method: 'GET', path: `/jobs/${id}`, serverMessage: 'not found' });
			return { ...job };
		},
		status: (job) => ({ phase: job.phase }),
		summary: (job) => ({ id: job.id, run: job.run, result: job.result ?? null }),
		async *results(job) {
			if (options.brokenDownload) throw new ApiError({ service: 'Sim', status: 502, method: 'GET', path: `/files/${job.result}`, serverMessage: 'bad gateway' });
			yield { stream: bytes(`${job.id}#${job.run}`), fileName: `${job.result}.png`, mimeType: 'image/png', details: { run: job.run } };
		},
	};
}

async function* bytes(text: string): AsyncIterable<Uint8Array> {
	yield new TextEncoder().encode(text);
}

const at = (second: number) => `2026-12-01T10:00:${String(second).padStart(2, '0')}Z`;
const done = (id: string, run = 1, second = run): Job => ({ id, run, phase: 'succeeded', result: `${id}-${run}`, startedAt: at(second) });

function poll(adapter: JobAdapter<Job>, staticData: IDataObject, ids: string[], options: { includeFailures?: boolean; downloadResults?: boolean; mode?: 'trigger' | 'manual' } = {}) {
	const { context, recorder } = pollContext({ credentials: {}, parameters: {}, staticData, mode: options.mode ?? 'trigger' });
	const result = pollWatchedJobs(context, adapter, {
		ids,
		includeFailures: options.includeFailures ?? false,
		downloadResults: options.downloadResults ?? false,
		binaryProperty: 'data',
		runOf: (job) => String(job.run),
		resultOf: (job) => job.result,
		runAt: (job) => job.startedAt,
	});
	return { result: result.then((fired) => fired?.[0].map((item) => `${item.json.id}#${item.json.run}`) ?? null), logs: recorder.logs };
}

describe('watchedIds', () => {
	it('reads lists separated by commas, semicolons, spaces or new lines, JSON arrays written out, arrays and numbers; each once, in order', () => {
		expect(watchedIds('a, b;c\n d\r\n\te a')).toEqual(['a', 'b', 'c', 'd', 'e']);
		expect(watchedIds('["a","b"]')).toEqual(['a', 'b']);
		expect(watchedIds(['a', ['b', 'c, d'], 7, null, { id: 'x' }])).toEqual(['a', 'b', 'c', 'd', '7']);
		expect(watchedIds(undefined)).toEqual([]);
		expect(watchedIds(' , \n')).toEqual([]);
	});
});

describe('pollWatchedJobs', () => {
	it('fires once per finished run of a watched job, again for a new run, in the order given', async () => {
		const jobs = new Map([
			['a', done('a')],
			['b', { ...done('b'), phase: 'running' as const }],
			['c', done('c')],
		]);
		const adapter = server(jobs);
		const staticData: IDataObject = {};
		expect(await poll(adapter, staticData, ['c', 'a', 'b']).result).toEqual(['c#1', 'a#1']);
		expect(await poll(adapter, staticData, ['c', 'a', 'b']).result).toBeNull();

		jobs.set('b', done('b'));
		jobs.set('a', done('a', 2));
		expect(await poll(adapter, staticData, ['c', 'a', 'b']).result).toEqual(['a#2', 'b#1']);
		expect(await poll(adapter, JSON.parse(JSON.stringify(staticData)), ['c', 'a', 'b']).result).toBeNull();
	});

	it('keeps a new run that still shows the last run’s result for a later poll', async () => {
		const jobs = new Map([['a', done('a')]]);
		const adapter = server(jobs);
		const staticData: IDataObject = {};
		expect(await poll(adapter, staticData, ['a']).result).toEqual(['a#1']);
		jobs.set('a', { ...done('a', 2), result: 'a-1' });
		expect(await poll(adapter, staticData, ['a']).result).toBeNull();
		jobs.set('a', done('a', 2));
		expect(await poll(adapter, staticData, ['a']).result).toEqual(['a#2']);
	});

	it('fires for a failed run only with includeFailures', async () => {
		const jobs = new Map([['f', { ...done('f'), phase: 'failed' as const, result: undefined }]]);
		const adapter = server(jobs);
		const staticData: IDataObject = {};
		expect(await poll(adapter, staticData, ['f']).result).toBeNull();
		expect(await poll(adapter, staticData, ['f'], { includeFailures: true }).result).toEqual(['f#1']);
		expect(await poll(adapter, staticData, ['f'], { includeFailures: true }).result).toBeNull();
	});

	it('skips and logs a job the server does not know, and fails the poll on any other error without recording anything', async () => {
		const jobs = new Map([['a', done('a')]]);
		const staticData: IDataObject = {};
		const { result, logs } = poll(server(jobs), staticData, ['gone', 'a']);
		expect(await result).toEqual(['a#1']);
		expect(logs).toEqual([expect.stringMatching(/^warn: Sim trigger: skipped Sim job gone, which the server does not know \(any more\): .*404/)]);

		jobs.set('a', done('a', 2));
		const failing = poll(server(jobs, { failing: 'x' }), staticData, ['a', 'x']).result;
		await expect(failing).rejects.toBeInstanceOf(NodeApiError);
		await expect(failing).rejects.toThrow('boom');
		// Not recorded: the next poll fires for it.
		expect(await poll(server(jobs), staticData, ['a']).result).toEqual(['a#2']);
	});

	it('records nothing when a download fails, so the next poll tries again', async () => {
		const jobs = new Map([['a', done('a')]]);
		const staticData: IDataObject = {};
		await expect(poll(server(jobs, { brokenDownload: true }), staticData, ['a'], { downloadResults: true }).result).rejects.toThrow('bad gateway');
		expect(staticData).toEqual({});
		expect(await poll(server(jobs), staticData, ['a'], { downloadResults: true }).result).toEqual(['a#1']);
	});

	it('in manual mode gives the job that ran last, whether it fired before or not, and records nothing', async () => {
		const jobs = new Map([
			['old', done('old', 1, 5)],
			['new', done('new', 1, 9)],
			['mid', done('mid', 1, 7)],
		]);
		const adapter = server(jobs);
		const staticData: IDataObject = {};
		expect(await poll(adapter, staticData, ['new', 'old', 'mid']).result).toEqual(['new#1', 'old#1', 'mid#1']);
		const saved = JSON.stringify(staticData);
		expect(await poll(adapter, staticData, ['old', 'new', 'mid'], { mode: 'manual' }).result).toEqual(['new#1']);
		expect(JSON.stringify(staticData)).toBe(saved);
		expect(await poll(adapter, {}, ['gone'], { mode: 'manual' }).result).toBeNull();
	});

	it(`reads at most ${MAX_WATCHED_JOBS} ids per poll, the last ones given, and says so`, async () => {
		const ids = Array.from({ length: MAX_WATCHED_JOBS + 50 }, (_, index) => `j${index}`);
		const adapter = server(new Map(ids.map((id) => [id, done(id)])));
		const { result, logs } = poll(adapter, {}, ids);
		expect(await result).toHaveLength(MAX_WATCHED_JOBS);
		expect(adapter.reads).toEqual(ids.slice(-MAX_WATCHED_JOBS));
		expect(logs).toEqual([`warn: Sim trigger: ${ids.length} job ids given; only the last ${MAX_WATCHED_JOBS} are watched`]);
	});

	it('keeps its record bounded, dropping the oldest jobs no longer watched, never a watched one', async () => {
		const all = Array.from({ length: 700 }, (_, index) => `j${index}`);
		const adapter = server(new Map(all.map((id) => [id, done(id)])));
		const staticData: IDataObject = {};
		for (let start = 0; start < all.length; start += 100) await poll(adapter, staticData, all.slice(start, start + 100)).result;
		const fired = staticData.fired as Array<[string, string, string | null]>;
		expect(fired.length).toBeLessThanOrEqual(500);
		expect(fired.map(([id]) => id)).toEqual(all.slice(200));
		// The newest hundred are still known: nothing fires for them again.
		expect(await poll(adapter, staticData, all.slice(600)).result).toBeNull();
	});

	it('ignores a record of another shape', async () => {
		const adapter = server(new Map([['a', done('a')]]));
		expect(await poll(adapter, { fired: 'garbage' }, ['a']).result).toEqual(['a#1']);
		expect(await poll(adapter, { fired: [['a'], 3, null] }, ['a']).result).toEqual(['a#1']);
	});

	it('wraps what it cannot handle in a node error', async () => {
		const adapter = { ...server(new Map()), read: async () => Promise.reject(new TypeError('broken adapter')) };
		await expect(poll(adapter, {}, ['a']).result).rejects.toBeInstanceOf(NodeOperationError);
	});
});
