// Load through n8n in queue mode: one `n8n start` (main) and one `n8n worker` sharing Redis and a
// user folder, the four webhook examples published, and `jobs` webhook calls made all at once
// (a mix of the four providers, round robin) against short simulator jobs. Counts what was lost
// (a call not answered 200 with the picture, an execution not stored as a success) and checks each
// answer and each execution's stored picture byte for byte against what the simulator made.
// Shared by `npm run load` (run.ts, 200 jobs) and the e2e suite (../reliability/load.e2e.test.ts, 20).
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';

import { eventually } from '../../helpers/eventually.ts';
import type { ExecutionJson, RunningN8n } from '../harness/n8n.ts';
import { N8nHome } from '../harness/n8n.ts';
import { freePort } from '../harness/ports.ts';
import type { Fleet, ProviderName } from './fleet.ts';
import { EXAMPLES, PROVIDERS, exampleWorkflow, keyOfExecution, requestBody, simulatorBytes, startFleet } from './fleet.ts';
import { activateWorkflows } from './report.ts';

export interface LoadOptions {
	jobs: number;
	/** The worker's concurrency (N8N_CONCURRENCY_PRODUCTION_LIMIT, which overrides `n8n worker --concurrency`, default 10). */
	concurrency: number;
	/** Progress lines (default: none). */
	log?: (line: string) => void;
}

export interface LoadResult {
	jobs: number;
	perProvider: Record<ProviderName, number>;
	workerConcurrency: number;
	/** Webhook calls answered 200. */
	answered: number;
	/** Executions stored with status success. */
	storedSuccess: number;
	/** Calls not answered 200 plus load jobs without a successful stored execution. */
	lost: number;
	/** Answers byte-equal to the simulator's picture, and executions whose stored picture is. */
	answersByteEqual: number;
	storedByteEqual: number;
	wallMs: number;
	requestMs: { p50: number; p90: number; max: number };
	/** The worker process's peak resident memory (VmHWM, since its start), its RSS just before the load, and the highest RSS sampled during it. */
	workerRssMb: { before: number; peakSampled: number; vmHwm: number };
	mainRssMb: { vmHwm: number };
	n8nVersion: string;
	/** One line per problem; empty when nothing was lost and every byte matched. */
	failures: string[];
	/** The n8n user folder (logs in `logs/`), kept for reading when something failed. */
	userFolder: string;
}

const LOAD_WORKFLOW = (provider: ProviderName) => `load-${provider}`;

/** `VmRSS` / `VmHWM` of a process, in MB (undefined once it is gone). */
function memoryOf(pid: number | undefined, field: 'VmRSS' | 'VmHWM'): number | undefined {
	if (pid === undefined) return undefined;
	try {
		const line = readFileSync(`/proc/${pid}/status`, 'utf8')
			.split('\n')
			.find((candidate) => candidate.startsWith(`${field}:`));
		return line ? Number(/(\d+)/.exec(line)![1]) / 1024 : undefined;
	} catch {
		return undefined;
	}
}

function percentile(sorted: number[], fraction: number): number {
	return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))];
}

interface Call {
	provider: ProviderName;
	key: string;
	status: number;
	body: Buffer;
	ms: number;
	error?: string;
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
	const log = options.log ?? (() => undefined);
	const fleet = await startFleet('short');
	const home = await N8nHome.create();
	let redis: ChildProcess | undefined;
	let main: RunningN8n | undefined;
	let worker: RunningN8n | undefined;
	try {
		await home.importCredentials(fleet.credentials);
		await home.importWorkflows(PROVIDERS.map((provider) => exampleWorkflow(provider, { id: LOAD_WORKFLOW(provider) })));
		const redisPort = await freePort();
		redis = spawn(home.install.redisServer, ['--bind', '127.0.0.1', '--port', String(redisPort), '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
		const queueEnv = { EXECUTIONS_MODE: 'queue', QUEUE_BULL_REDIS_HOST: '127.0.0.1', QUEUE_BULL_REDIS_PORT: String(redisPort) };
		log('starting n8n main and worker (queue mode)');
		main = await home.start({ env: queueEnv });
		worker = await home.start({ role: 'worker', env: { ...queueEnv, N8N_CONCURRENCY_PRODUCTION_LIMIT: String(options.concurrency) } });
		await activateWorkflows(
			main,
			PROVIDERS.map((provider) => LOAD_WORKFLOW(provider)),
		);
		// One call per provider first: the webhooks are registered and the node code is loaded in the worker.
		for (const provider of PROVIDERS) {
			const warm = await main.postWebhook(EXAMPLES[provider].path, requestBody(fleet, provider, `warm-up ${provider}`));
			if (warm.status !== 200) throw new Error(`warm-up call to ${provider} answered ${warm.status}: ${warm.body.toString().slice(0, 500)}`);
		}

		const workerPid = worker.process.pid;
		const rssBefore = memoryOf(workerPid, 'VmRSS') ?? 0;
		let peakSampled = rssBefore;
		const sampler = setInterval(() => (peakSampled = Math.max(peakSampled, memoryOf(workerPid, 'VmRSS') ?? 0)), 200);
		log(`${options.jobs} webhook calls at once, worker concurrency ${options.concurrency}`);
		const started = Date.now();
		const calls = await Promise.all(
			Array.from({ length: options.jobs }, async (_unused, index): Promise<Call> => {
				const provider = PROVIDERS[index % PROVIDERS.length];
				const key = `load job ${index} ${provider}`;
				const callStarted = Date.now();
				try {
					const answer = await fetch(`${main!.home.baseUrl}/webhook/${EXAMPLES[provider].path}`, {
						method: 'POST',
						headers: { 'content-type': 'application/json' },
						body: JSON.stringify(requestBody(fleet, provider, key)),
					});
					const body = Buffer.from(await answer.arrayBuffer());
					return { provider, key, status: answer.status, body, ms: Date.now() - callStarted };
				} catch (error) {
					return { provider, key, status: 0, body: Buffer.alloc(0), ms: Date.now() - callStarted, error: String(error) };
				}
			}),
		);
		const wallMs = Date.now() - started;
		clearInterval(sampler);
		peakSampled = Math.max(peakSampled, memoryOf(workerPid, 'VmRSS') ?? 0);
		log(`all calls answered after ${wallMs} ms; checking executions`);

		const executions = await storedExecutions(main, fleet, calls);
		return {
			...check(fleet, home, calls, executions),
			jobs: options.jobs,
			perProvider: Object.fromEntries(PROVIDERS.map((provider) => [provider, calls.filter((call) => call.provider === provider).length])) as Record<ProviderName, number>,
			workerConcurrency: options.concurrency,
			wallMs,
			requestMs: (() => {
				const sorted = calls.map((call) => call.ms).sort((a, b) => a - b);
				return { p50: percentile(sorted, 0.5), p90: percentile(sorted, 0.9), max: sorted[sorted.length - 1] ?? 0 };
			})(),
			workerRssMb: { before: round(rssBefore), peakSampled: round(peakSampled), vmHwm: round(memoryOf(workerPid, 'VmHWM') ?? 0) },
			mainRssMb: { vmHwm: round(memoryOf(main.process.pid, 'VmHWM') ?? 0) },
			n8nVersion: home.install.n8nVersion,
			userFolder: home.userFolder,
		};
	} finally {
		await worker?.stop();
		await main?.stop();
		redis?.kill();
		await fleet.close();
	}
}

/** Removes the user folder of a run that had no failures (`npm run load` runs outside jest's clean-up). */
export function removeUserFolder(result: LoadResult): void {
	if (result.failures.length === 0) rmSync(result.userFolder, { recursive: true, force: true, maxRetries: 3 });
}

function round(mb: number): number {
	return Math.round(mb * 10) / 10;
}

/** The load's executions, by key, once every call that was answered has a finished execution stored. */
async function storedExecutions(main: RunningN8n, fleet: Fleet, calls: Call[]): Promise<Map<string, ExecutionJson>> {
	const byKey = new Map<string, ExecutionJson>();
	const finished = (execution: ExecutionJson) => !['new', 'running', 'waiting'].includes(execution.status);
	await eventually(
		'every load execution to be stored',
		async () => {
			byKey.clear();
			for (const provider of PROVIDERS) {
				for (const execution of await allExecutions(main, LOAD_WORKFLOW(provider))) {
					const key = keyOfExecution(provider, execution);
					if (key?.startsWith('load job ') && finished(execution)) byKey.set(key, execution);
				}
			}
			return calls.every((call) => call.status !== 200 || byKey.has(call.key)) ? true : undefined;
		},
		120_000,
		1000,
	).catch(() => undefined);
	void fleet;
	return byKey;
}

/** Every execution of a workflow with its data, following the public API's pages. */
async function allExecutions(main: RunningN8n, workflowId: string): Promise<ExecutionJson[]> {
	const all: ExecutionJson[] = [];
	let cursor: string | undefined;
	do {
		const page = await main.api<{ data: ExecutionJson[]; nextCursor?: string | null }>(
			`/executions?workflowId=${workflowId}&includeData=true&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
		);
		all.push(...page.data);
		cursor = page.nextCursor ?? undefined;
	} while (cursor);
	return all;
}

function check(
	fleet: Fleet,
	home: N8nHome,
	calls: Call[],
	executions: Map<string, ExecutionJson>,
): Pick<LoadResult, 'answered' | 'storedSuccess' | 'lost' | 'answersByteEqual' | 'storedByteEqual' | 'failures'> {
	const failures: string[] = [];
	let answered = 0;
	let storedSuccess = 0;
	let answersByteEqual = 0;
	let storedByteEqual = 0;
	let lost = 0;
	for (const call of calls) {
		const execution = executions.get(call.key);
		const ok = call.status === 200;
		if (ok) answered++;
		else failures.push(`${call.key}: answered ${call.status} ${call.error ?? call.body.toString().slice(0, 200)}`);
		if (execution?.status === 'success') storedSuccess++;
		else failures.push(`${call.key}: execution ${execution ? `${execution.id} ${execution.status} ${execution.data.resultData.error?.message ?? ''}` : 'not stored'}`);
		if (!ok || execution?.status !== 'success') {
			lost++;
			continue;
		}
		const expected = simulatorBytes(fleet, call.provider, call.key, execution);
		if (!expected) {
			failures.push(`${call.key}: the simulator has no picture for it`);
			continue;
		}
		if (call.body.equals(Buffer.from(expected))) answersByteEqual++;
		else failures.push(`${call.key}: the answer (${call.body.length} bytes) differs from the simulator's picture (${expected.length} bytes)`);
		const [item] = execution.data.resultData.runData[EXAMPLES[call.provider].node]?.[0]?.data?.main[0] ?? [];
		const binaryId = item?.binary?.data?.id;
		if (binaryId && home.storedBinary(binaryId).equals(Buffer.from(expected))) storedByteEqual++;
		else failures.push(`${call.key}: execution ${execution.id}'s stored picture (${binaryId ?? 'none'}) differs from the simulator's`);
	}
	return { answered, storedSuccess, lost, answersByteEqual, storedByteEqual, failures };
}

/** The figures as RELIABILITY.md's "load" section. */
export function loadReport(result: LoadResult): string {
	const perProvider = PROVIDERS.map((provider) => `${result.perProvider[provider]} ${provider}`).join(', ');
	return [
		`## Load: ${result.jobs} jobs through n8n in queue mode`,
		'',
		`Measured by \`npm run load\` (\`test/e2e/load/run.ts\`, n8n ${result.n8nVersion}, ${new Date().toISOString().slice(0, 10)}): ${result.jobs} webhook calls made at once`,
		`(${perProvider}) to the four webhook examples in queue mode, one \`n8n start\` + one \`n8n worker\` + Redis, binary data on the`,
		`filesystem, against the simulators (jobs of about a second). Worker concurrency ${result.workerConcurrency} (\`N8N_CONCURRENCY_PRODUCTION_LIMIT\`;`,
		"n8n's default for `n8n worker` is 10).",
		'',
		'| Figure | Value |',
		'| --- | --- |',
		`| Jobs | ${result.jobs} |`,
		`| Lost (call not answered 200, or no successful execution stored) | ${result.lost} |`,
		`| Answers byte-equal to the simulator's picture | ${result.answersByteEqual} / ${result.jobs} |`,
		`| Stored executions whose picture is byte-equal | ${result.storedByteEqual} / ${result.jobs} |`,
		`| Wall time (first call to last answer) | ${(result.wallMs / 1000).toFixed(1)} s |`,
		`| Request time p50 / p90 / max | ${(result.requestMs.p50 / 1000).toFixed(2)} s / ${(result.requestMs.p90 / 1000).toFixed(2)} s / ${(result.requestMs.max / 1000).toFixed(2)} s |`,
		`| Worker RSS before the load / peak sampled during it / VmHWM | ${result.workerRssMb.before} MB / ${result.workerRssMb.peakSampled} MB / ${result.workerRssMb.vmHwm} MB |`,
		`| Main process VmHWM | ${result.mainRssMb.vmHwm} MB |`,
		'',
		"Worker memory is the `n8n worker` Node process alone (`/proc/<pid>/status`), not its task-runner child. Request time is",
		'from sending the webhook call to the last byte of the answer, so it includes the wait in the queue: all calls are made at',
		"once and the worker takes them in batches of its concurrency. n8n's database is sqlite here (n8n warns that queue mode wants",
		'PostgreSQL); `test/e2e/reliability/load.e2e.test.ts` runs the same with 20 jobs in the end-to-end suite.',
	].join('\n');
}
