// The shared job commands (scripts/cli/jobCommands.ts, jobRun.ts) over a fake provider: a JobAdapter
// held in memory and a runtime whose files live in a Map, driven through `main` as genflows runs
// them, so the exit codes, JSON lines and stderr are the ones a user gets. No network, no disk.
import { resolve } from 'node:path';

import type { JobAdapter, JobFile } from '../../nodes/shared/core/job.ts';
import { readAll } from '../../nodes/shared/core/files.ts';
import type { WaitProgress } from '../../nodes/shared/core/waiter.ts';
import { UsageError } from '../../scripts/cli/args.ts';
import type { CommandContext, ProviderCli } from '../../scripts/cli/command.ts';
import type { JobCli } from '../../scripts/cli/jobCli.ts';
import { jobCommands } from '../../scripts/cli/jobCommands.ts';
import { runReport } from '../../scripts/cli/jobRun.ts';
import { jsonLinesOutput } from '../../scripts/cli/jsonLinesOutput.ts';
import { main } from '../../scripts/cli/main.ts';
import type { CliRuntime } from '../../scripts/runtime/cliRuntime.ts';

interface FakeJob {
	id: string;
	phase: 'queued' | 'running' | 'succeeded' | 'failed';
	progress?: number;
	error?: string;
	files: JobFile[];
	/** Bulky, left out of the summary (as Visionatrix leaves out its graph). */
	graph?: string;
}

async function* chunks(bytes: number[]): AsyncIterable<Uint8Array> {
	yield new Uint8Array(bytes);
}

/** Streamed, as results are: read once. */
const png = (fileName: string, bytes: number[], jobId = ''): JobFile => ({ stream: chunks(bytes), fileName, mimeType: 'image/png', details: { jobId, node: 3 } });

async function* listOf(files: JobFile[]): AsyncIterable<JobFile> {
	yield* files;
}

function fakeAdapter(jobs: Map<string, FakeJob>, cancelled: string[]): JobAdapter<FakeJob> {
	return {
		service: 'Fake',
		noun: 'job',
		id: (job) => job.id,
		async read(id) {
			const job = jobs.get(id);
			if (!job) throw new Error(`no job ${id}`);
			return job;
		},
		status: ({ phase, progress, error }) => ({ phase, progress, error }),
		async cancel(id) {
			cancelled.push(id);
		},
		results: (job) => listOf(job.files.map((file) => ({ ...file, details: { ...file.details, jobId: job.id } }))),
		summary: ({ id, phase, progress, error }) => ({ id, phase, progress, error }),
	};
}

function fakeCli(jobs: Map<string, FakeJob>, cancelled: string[], cancel = true): JobCli<FakeJob> {
	return {
		words: { service: 'Fake', noun: 'job' },
		idArgument: '<jobId>',
		// UUID-like strings, as Flowscale's run ids are.
		parseId(text) {
			if (!/^[a-z0-9-]+$/.test(text)) throw new UsageError('<jobId>', `<jobId> must be a job id; got "${text}"`);
			return text;
		},
		connect: () => fakeAdapter(jobs, cancelled),
		describe: (job) => `job ${job.id}  ${job.phase}`,
		cancel: cancel ? { summary: 'Stop a job.', done: 'cancelled' } : undefined,
	};
}

/** A runtime that writes files into a Map and collects what is printed. */
function memoryRuntime(args: string[], stdoutIsTerminal = false) {
	const files = new Map<string, Uint8Array>();
	const printed = { stdout: '', stderr: '' };
	const runtime: CliRuntime = {
		name: 'node',
		args,
		env: () => undefined,
		canReadEnv: () => true,
		stdoutIsTerminal,
		writeStdout: (text) => void (printed.stdout += text),
		writeStderr: (text) => void (printed.stderr += text),
		onSignal: () => () => undefined,
		resolvePath: (...segments) => resolve('/work', ...segments),
		readFile: async (path) => files.get(path) ?? Promise.reject(new Error(`no file ${path}`)),
		makeDir: async () => undefined,
		async writeNewFile(path, data) {
			if (files.has(path)) return undefined;
			files.set(path, await readAll({ stream: data }));
			return files.get(path)!.byteLength;
		},
		openSocket: () => {
			throw new Error('no sockets in this test');
		},
		exit: () => undefined,
	};
	const events = () => printed.stdout.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
	return { runtime, files, printed, events };
}

function setup(cancel = true) {
	const jobs = new Map<string, FakeJob>([
		['a1', { id: 'a1', phase: 'succeeded', progress: 100, files: [png('cat.png', [1, 2]), png('cat.png', [3])], graph: 'x'.repeat(100) }],
		['b2', { id: 'b2', phase: 'running', progress: 45, files: [] }],
		['c3', { id: 'c3', phase: 'failed', progress: 30, error: 'out of memory', files: [] }],
	]);
	const cancelled: string[] = [];
	const provider: ProviderCli = { name: 'fake', summary: 'a fake', settings: [], commands: jobCommands(fakeCli(jobs, cancelled, cancel)), argumentFor: () => undefined };
	const run = async (...args: string[]) => runOn(false, ...args);
	const runOn = async (terminal: boolean, ...args: string[]) => {
		const memory = memoryRuntime(['fake', ...args], terminal);
		const code = await main(memory.runtime, [provider]);
		return { code, ...memory, stderrLines: memory.printed.stderr.split('\n').filter(Boolean) };
	};
	return { jobs, cancelled, run, runOn };
}

describe('the shared job commands', () => {
	it('status: the phase and the summary under the noun, or one line for a person', async () => {
		const { run, runOn } = setup();
		const { code, events } = await run('status', 'b2');
		expect(code).toBe(0);
		expect(events()).toEqual([{ event: 'result', phase: 'running', job: { id: 'b2', phase: 'running', progress: 45 } }]);
		expect((await runOn(true, 'status', 'b2')).printed.stdout).toBe('job b2  running\n');
	});

	it('results: saves every file under a free name, reports each with the provider facts, then the list', async () => {
		const { run } = setup();
		const first = await run('results', 'a1', '--out', 'pictures');
		expect(first.code).toBe(0);
		expect([...first.files.keys()]).toEqual(['/work/pictures/cat.png', '/work/pictures/cat-1.png']);
		const saved = { fileName: 'cat.png', mimeType: 'image/png' };
		expect(first.events()).toEqual([
			{ event: 'saved', jobId: 'a1', node: 3, path: '/work/pictures/cat.png', ...saved, bytes: 2 },
			{ event: 'saved', jobId: 'a1', node: 3, path: '/work/pictures/cat-1.png', ...saved, bytes: 1 },
			{ event: 'result', jobId: 'a1', files: [{ path: '/work/pictures/cat.png', ...saved, bytes: 2 }, { path: '/work/pictures/cat-1.png', ...saved, bytes: 1 }] },
		]);
	});

	it("results: a failed job is the server's error, an unfinished one says where it stands", async () => {
		const { run } = setup();
		const failed = await run('results', 'c3');
		expect(failed.code).toBe(1);
		expect(failed.stderrLines).toEqual(['genflows: Fake job c3 failed: out of memory']);
		expect(failed.events().at(-1)).toMatchObject({ event: 'error', kind: 'job-failed', serverMessage: 'out of memory' });

		const running = await run('results', 'b2');
		expect(running.code).toBe(1);
		expect(running.stderrLines).toEqual(['genflows: Fake job b2 has not finished yet (running, 45.0 %).']);
		expect(running.files.size).toBe(0);
	});

	it('cancel: asks the adapter and says it in the provider word', async () => {
		const { run, cancelled } = setup();
		const { code, events } = await run('cancel', 'b2');
		expect(code).toBe(0);
		expect(cancelled).toEqual(['b2']);
		expect(events()).toEqual([{ event: 'result', jobId: 'b2', cancelled: true }]);
	});

	it('has no cancel where the provider cannot cancel', async () => {
		const { run } = setup(false);
		const { code, stderrLines } = await run('cancel', 'b2');
		expect(code).toBe(2);
		expect(stderrLines[0]).toBe('genflows: bad argument <command>: unknown command "cancel"; one of: status, results');
	});

	it('refuses a malformed id before reading anything, naming the argument', async () => {
		const { run } = setup();
		const { code, stderrLines, events } = await run('status', 'NOT AN ID');
		expect(code).toBe(2);
		expect(stderrLines[0]).toBe('genflows: bad argument <jobId>: <jobId> must be a job id; got "NOT AN ID"');
		expect(stderrLines.at(-1)).toBe('usage: genflows fake status <jobId> [--json]');
		expect(events()).toEqual([{ event: 'error', exitCode: 2, kind: 'usage', argument: '<jobId>', message: expect.stringContaining('<jobId>') }]);
	});
});

describe('the output half of run', () => {
	it('reports the submission, progress per job, the files of each job as it finishes, and the result', async () => {
		const { jobs } = setup();
		const memory = memoryRuntime([]);
		const output = jsonLinesOutput(memory.runtime.writeStdout);
		const context = { runtime: memory.runtime, args: { positionals: [], flags: new Set(), values: new Map([['out', 'out']]), lists: new Map() }, settings: {}, output } as unknown as CommandContext;
		const cli = fakeCli(jobs, []);
		const report = runReport(context, cli, cli.connect(context), { name: 'portrait', fields: { workflow: 'portrait' } });

		report.submitted(['a1', 'b2']);
		const progress: WaitProgress = { phase: 'running', progress: 50, elapsedMs: 1_000, etaMs: 1_000 };
		report.onProgress(progress, jobs.get('b2')!);
		await report.onJobFinished({ job: jobs.get('a1')!, files: listOf([png('cat.png', [1], 'a1')]) });
		await report.onJobFinished({ job: jobs.get('b2')!, files: listOf([]) });
		report.done();

		const file = { path: '/work/out/cat.png', fileName: 'cat.png', mimeType: 'image/png', bytes: 1 };
		expect(memory.events()).toEqual([
			{ event: 'submitted', workflow: 'portrait', jobIds: ['a1', 'b2'] },
			{ event: 'progress', jobId: 'b2', phase: 'running', progress: 50, elapsedMs: 1_000, etaMs: 1_000 },
			{ event: 'saved', jobId: 'a1', node: 3, ...file },
			{ event: 'result', workflow: 'portrait', jobs: [{ jobId: 'a1', files: [file] }, { jobId: 'b2', files: [] }] },
		]);
	});
});
