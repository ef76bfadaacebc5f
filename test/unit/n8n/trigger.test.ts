// The shared trigger runner over a job adapter whose listing comes in pages, newest first, with
// UUID ids ordered by creation time: the shape of Flowscale's runs, which no provider has yet.
import type { IDataObject } from 'n8n-workflow';

import type { JobAdapter, JobPage, ListedJob } from '../../../nodes/shared/core/job.ts';
import { pollFinishedJobs } from '../../../nodes/shared/n8n/trigger.ts';
import { pollContext } from '../../helpers/n8nContext.ts';

interface Run {
	id: string;
	createdAt: string;
	status: ListedJob['phase'];
	outputs: string[];
}

/** A server holding `runs`, listing them `pageSize` at a time, newest first. */
function pagedRuns(runs: Run[], pageSize: number): JobAdapter<Run> & { pagesRead: number } {
	const adapter = {
		pagesRead: 0,
		service: 'Sim',
		noun: 'run',
		id: (run: Run) => run.id,
		read: async (id: string) => runs.find((run) => run.id === id)!,
		status: (run: Run) => ({ phase: run.status }),
		summary: (run: Run) => ({ run_id: run.id, created_at: run.createdAt }),
		async *results(run: Run) {
			for (const [index, name] of run.outputs.entries()) {
				yield { stream: bytes(`${run.id}/${name}`), fileName: name, mimeType: 'image/png', details: { output: name, index } };
			}
		},
		async listJobs({ page }: { page?: string }): Promise<JobPage<Run>> {
			adapter.pagesRead++;
			const newestFirst = [...runs].sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1));
			const start = Number(page ?? 0);
			const slice = newestFirst.slice(start, start + pageSize);
			const next = start + pageSize < newestFirst.length ? String(start + pageSize) : undefined;
			return { jobs: slice.map((run) => ({ job: run, listed: { id: run.id, order: run.createdAt, phase: run.status } })), next };
		},
	};
	return adapter;
}

async function* bytes(text: string): AsyncIterable<Uint8Array> {
	yield new TextEncoder().encode(text);
}

const at = (second: number) => `2026-12-01T10:00:${String(second).padStart(2, '0')}Z`;
const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

function poll(adapter: JobAdapter<Run>, staticData: IDataObject, options: { downloadResults?: boolean; mode?: 'trigger' | 'manual' } = {}) {
	const { context } = pollContext({ credentials: {}, parameters: {}, staticData, mode: options.mode ?? 'trigger' });
	return pollFinishedJobs(context, adapter, { includeFailures: false, downloadResults: options.downloadResults ?? false, binaryProperty: 'data' });
}

describe('pollFinishedJobs', () => {
	it('fires for a burst larger than one page, once each, reading pages only down to what it had seen', async () => {
		const runs: Run[] = [{ id: uuid(0), createdAt: at(0), status: 'succeeded', outputs: [] }];
		const adapter = pagedRuns(runs, 5);
		const staticData: IDataObject = {};
		expect(await poll(adapter, staticData)).toBeNull();

		for (let n = 1; n <= 12; n++) runs.push({ id: uuid(n), createdAt: at(n), status: 'succeeded', outputs: [] });
		adapter.pagesRead = 0;
		const fired = await poll(adapter, staticData);
		expect(fired![0].map((item) => item.json.run_id)).toEqual(Array.from({ length: 12 }, (_, i) => uuid(i + 1)));
		// 13 runs in pages of 5: the third page reaches the first run, which was already seen.
		expect(adapter.pagesRead).toBe(3);

		adapter.pagesRead = 0;
		expect(await poll(adapter, JSON.parse(JSON.stringify(staticData)))).toBeNull();
		expect(adapter.pagesRead).toBe(1);
	});

	it('fires for a run that finishes after newer ones did', async () => {
		const runs: Run[] = [
			{ id: uuid(1), createdAt: at(1), status: 'running', outputs: [] },
			{ id: uuid(2), createdAt: at(2), status: 'queued', outputs: [] },
		];
		const adapter = pagedRuns(runs, 1);
		const staticData: IDataObject = {};
		await poll(adapter, staticData);
		runs[1].status = 'succeeded';
		expect((await poll(adapter, staticData))![0].map((item) => item.json.run_id)).toEqual([uuid(2)]);
		runs[0].status = 'succeeded';
		expect((await poll(adapter, staticData))![0].map((item) => item.json.run_id)).toEqual([uuid(1)]);
		expect(await poll(adapter, staticData)).toBeNull();
	});

	it('gives one item per file, each with the run summary, its status and `file`', async () => {
		const runs: Run[] = [];
		const adapter = pagedRuns(runs, 10);
		const staticData: IDataObject = {};
		await poll(adapter, staticData);
		runs.push({ id: uuid(7), createdAt: at(7), status: 'succeeded', outputs: ['a.png', 'b.png'] });
		const [items] = (await poll(adapter, staticData, { downloadResults: true }))!;
		expect(items.map((item) => item.json)).toEqual([
			{ run_id: uuid(7), created_at: at(7), status: 'succeeded', file: { fileName: 'a.png', mimeType: 'image/png', fileSize: 42, output: 'a.png', index: 0 } },
			{ run_id: uuid(7), created_at: at(7), status: 'succeeded', file: { fileName: 'b.png', mimeType: 'image/png', fileSize: 42, output: 'b.png', index: 1 } },
		]);
		expect(Buffer.from(items[1].binary!.data.data, 'base64').toString()).toBe(`${uuid(7)}/b.png`);
	});

	it('in a manual test returns the newest finished run and leaves the cursor alone', async () => {
		const runs: Run[] = [
			{ id: uuid(1), createdAt: at(1), status: 'succeeded', outputs: [] },
			{ id: uuid(2), createdAt: at(2), status: 'running', outputs: [] },
		];
		const staticData: IDataObject = {};
		const sample = await poll(pagedRuns(runs, 10), staticData, { mode: 'manual' });
		expect(sample![0].map((item) => item.json.run_id)).toEqual([uuid(1)]);
		expect(staticData).toEqual({});
	});
});
