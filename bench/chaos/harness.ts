// The chaos run: many short jobs per provider through the real node classes (execute() with the
// emulated n8n contexts) and through the compiled CLI as child processes, against the provider's
// simulator with faults on (faults.ts), some stopped and some timed out; then each job is counted
// from both sides: what our side ended with, and what the simulator's job table says happened.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { runActionNode } from '../../test/helpers/providerNodes.ts';
import type { CliRunner } from '../../test/scripts/cliProcess.ts';
import { CliProcess } from '../../test/scripts/cliProcess.ts';
import { encodeRgbPng } from '../../test/simulators/shared/picture/png.ts';
import { seededRandom } from './faults.ts';
import type { ChaosJob, JobKind, JobResult, ProviderAdapter, ProviderFigures } from './types.ts';

export interface ChaosPlan {
	/** Jobs through the node class, per provider. */
	nodeJobs: number;
	/** Jobs through the CLI, per provider. */
	cliJobs: number;
	/** Node jobs running at once, per provider. */
	nodeConcurrency: number;
	/** CLI processes running at once, per provider. */
	cliConcurrency: number;
	/** Shares of the jobs that the server fails, that are stopped, that time out. */
	shares: { fail: number; stop: number; timeout: number };
	seed: number;
	/** How to start the CLI (`node <entry>`). */
	cli: CliRunner;
	/** A job still going after this long is counted lost. */
	watchdogMs: number;
	/** After the last job: how long to wait for the server to settle before reading its job table. */
	settleMs: number;
}

export const DEFAULT_PLAN: Omit<ChaosPlan, 'cli'> = {
	nodeJobs: 105,
	cliJobs: 20,
	nodeConcurrency: 6,
	cliConcurrency: 2,
	shares: { fail: 0.05, stop: 0.08, timeout: 0.05 },
	seed: 20261202,
	watchdogMs: 120_000,
	settleMs: 15_000,
};

/** A small real PNG, as a pet photo or a picture input. */
export const CHAOS_PHOTO = encodeRgbPng(4, 4, new Uint8Array(48).fill(150), 'chaos');

/** A stack trace line in an error text: an error shown to a user must not have one. */
const STACK_LINE = /\n\s+at .+\(?.+:\d+:\d+\)?/;

function kindsFor(count: number, shares: ChaosPlan['shares'], random: () => number): JobKind[] {
	const kinds: JobKind[] = [];
	const add = (kind: JobKind, share: number) => {
		for (let i = 0; i < Math.max(1, Math.round(count * share)); i++) kinds.push(kind);
	};
	add('fail', shares.fail);
	add('stop', shares.stop);
	add('timeout', shares.timeout);
	while (kinds.length < count) kinds.push('normal');
	kinds.length = count;
	// Shuffled, so that stops and timeouts come among the others.
	for (let i = kinds.length - 1; i > 0; i--) {
		const j = Math.floor(random() * (i + 1));
		[kinds[i], kinds[j]] = [kinds[j], kinds[i]];
	}
	return kinds;
}

/** The jobs of one provider: node ones, then CLI ones, each with its tag. */
export function planJobs(adapter: ProviderAdapter, plan: Pick<ChaosPlan, 'nodeJobs' | 'cliJobs' | 'shares'>, random: () => number): ChaosJob[] {
	const jobs: ChaosJob[] = [];
	const make = (via: 'node' | 'cli', kinds: JobKind[]) => {
		for (const kind of kinds) {
			const index = jobs.length;
			// Words the simulators read: FAIL fails the job on the server, SLOW makes it run for seconds.
			const word = kind === 'fail' ? ' FAIL' : kind === 'timeout' ? ' SLOW' : '';
			jobs.push({ provider: adapter.id, index, via, kind, tag: `chaos ${adapter.id} ${via} ${index}${word}`, stopAfterMs: 150 + Math.round(random() * 1200) });
		}
	};
	make('node', kindsFor(plan.nodeJobs, plan.shares, random));
	make('cli', kindsFor(plan.cliJobs, plan.shares, random));
	return jobs;
}

async function pool<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
	let next = 0;
	const worker = async () => {
		while (next < items.length) await work(items[next++]);
	};
	await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

function withWatchdog<T>(promise: Promise<T>, ms: number, onExpire?: () => void): Promise<T | 'hung'> {
	let timer: NodeJS.Timeout | undefined;
	const expired = new Promise<'hung'>((resolve) => {
		timer = setTimeout(() => {
			onExpire?.();
			resolve('hung');
		}, ms);
	});
	return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}

async function runNodeJob(adapter: ProviderAdapter, job: ChaosJob, credentials: Parameters<typeof runActionNode>[1], watchdogMs: number): Promise<JobResult> {
	const stop = new AbortController();
	const { parameters, items } = adapter.nodeJob(job);
	const stopTimer = job.kind === 'stop' ? setTimeout(() => stop.abort(), job.stopAfterMs) : undefined;
	const running = runActionNode(adapter.id, credentials, parameters, { items, signal: stop.signal }).then(
		(run) => ({ run }),
		(error: unknown) => ({ error }),
	);
	const settled = await withWatchdog(running, watchdogMs);
	clearTimeout(stopTimer);
	const endedAt = Date.now();
	if (settled === 'hung') return { job, outcome: 'lost', endedAt, detail: `still running after ${watchdogMs} ms` };
	if ('run' in settled) {
		const check = adapter.checkNodeOutput(settled.run.output);
		if (check.files > 0 && check.equal === check.files) return { job, outcome: 'done', endedAt };
		if (check.files === 0) return { job, outcome: 'lost', endedAt, detail: `the node returned without files${check.problem ? `: ${check.problem}` : ''}` };
		return { job, outcome: 'badBytes', endedAt, detail: check.problem ?? `${check.files - check.equal} of ${check.files} files differ` };
	}
	const error = settled.error;
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		const message = error.message;
		if (message.trim() !== '' && !STACK_LINE.test(message)) return { job, outcome: 'failed', endedAt, detail: message };
		return { job, outcome: 'lost', endedAt, detail: `unclear node error: ${JSON.stringify(message)}` };
	}
	return { job, outcome: 'lost', endedAt, detail: `not a node error: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}` };
}

async function runCliJob(adapter: ProviderAdapter, job: ChaosJob, cli: CliRunner, workDir: string, watchdogMs: number): Promise<JobResult> {
	const outDir = join(workDir, `out-${job.provider}-${job.index}`);
	mkdirSync(outDir, { recursive: true });
	const process = new CliProcess(cli, [...adapter.cliArgs(job, outDir, workDir), '--json'], { cwd: workDir });
	// Ctrl-C once the CLI is under way (its first JSON line: its signal handlers are set by then),
	// after a random moment of the job; a signal before Node has even loaded the CLI would end it
	// before it sent anything, which proves nothing.
	let stopTimer: NodeJS.Timeout | undefined;
	if (job.kind === 'stop') {
		process.untilEvent(() => true).then(
			() => (stopTimer = setTimeout(() => process.child.kill('SIGINT'), job.stopAfterMs - 150)),
			() => undefined,
		);
	}
	const settled = await withWatchdog(process.done(), watchdogMs, () => process.child.kill('SIGKILL'));
	clearTimeout(stopTimer);
	const endedAt = Date.now();
	if (settled === 'hung') return { job, outcome: 'lost', endedAt, detail: `the CLI was still running after ${watchdogMs} ms` };
	const { code, stderr, stderrLines, events } = settled;
	if (code === 0) {
		const check = adapter.checkCliFiles(events, outDir);
		if (check.files > 0 && check.equal === check.files) return { job, outcome: 'done', endedAt };
		if (check.files === 0) return { job, outcome: 'lost', endedAt, detail: `exit 0 without files${check.problem ? `: ${check.problem}` : ''}` };
		return { job, outcome: 'badBytes', endedAt, detail: check.problem ?? `${check.files - check.equal} of ${check.files} files differ` };
	}
	// The error line (a `hint:` line may follow it).
	const said = stderrLines.filter((line) => /^genflows: \S/.test(line) && !line.startsWith('genflows: warning:')).at(-1);
	// 1: the job failed or the server erred; 130/143: stopped by a signal, after cancelling.
	const clearCode = code === 1 || code === 130 || code === 143;
	if (clearCode && said && !STACK_LINE.test(stderr)) return { job, outcome: 'failed', endedAt, detail: said };
	return { job, outcome: 'lost', endedAt, detail: `exit ${code}: ${stderr.trim().slice(-400) || '(no stderr)'}` };
}

export interface ProviderRun {
	figures: ProviderFigures;
	results: JobResult[];
}

/** Runs one provider's share: its simulator, its jobs with chaos on, then the count. */
export async function runProvider(adapter: ProviderAdapter, plan: ChaosPlan): Promise<ProviderRun> {
	const random = seededRandom(plan.seed ^ adapter.id.length * 7919);
	const started = Date.now();
	const workDir = mkdtempSync(join(tmpdir(), `genflows-chaos-${adapter.id}-`));
	writeFileSync(join(workDir, 'photo.png'), CHAOS_PHOTO);
	await adapter.start();
	const results: JobResult[] = [];
	try {
		adapter.addChaos(random);
		const jobs = planJobs(adapter, plan, random);
		const creds = adapter.credentials();
		await Promise.all([
			pool(
				jobs.filter((job) => job.via === 'node'),
				plan.nodeConcurrency,
				async (job) => void results.push(await runNodeJob(adapter, job, creds, plan.watchdogMs)),
			),
			pool(
				jobs.filter((job) => job.via === 'cli'),
				plan.cliConcurrency,
				async (job) => void results.push(await runCliJob(adapter, job, plan.cli, workDir, plan.watchdogMs)),
			),
		]);
		// Chaos off, and the server left to finish what it still runs, before its table is read.
		adapter.clearChaos();
		const settleEnd = Date.now() + plan.settleMs;
		while (adapter.busy() > 0 && Date.now() < settleEnd) await new Promise((resolve) => setTimeout(resolve, 100));
		results.sort((a, b) => a.job.index - b.job.index);
		return { figures: count(adapter, results, Date.now() - started), results };
	} finally {
		await adapter.close();
		rmSync(workDir, { recursive: true, force: true });
	}
}

/** How long after our side gave up a server job may still end on its own (a cancel in flight). */
const END_SLACK_MS = 1_000;

/** An error message with its ids, numbers and quoted reasons folded, so that alike failures count together. */
function gist(message: string): string {
	return message
		.replace(/^genflows: /, '')
		.replace(/[0-9a-f]{8}-[0-9a-f-]{27,}/gi, '#')
		.replace(/\b\d+(\.\d+)?\b/g, '#')
		.replace(/127\.0\.0\.1:#/g, 'HOST')
		.slice(0, 240);
}

function count(adapter: ProviderAdapter, results: JobResult[], wallMs: number): ProviderFigures {
	const { requests, faulted } = adapter.requestCounts();
	const figures: ProviderFigures = {
		provider: adapter.label,
		submitted: results.length,
		viaNode: results.filter((result) => result.job.via === 'node').length,
		viaCli: results.filter((result) => result.job.via === 'cli').length,
		stops: results.filter((result) => result.job.kind === 'stop').length,
		timeouts: results.filter((result) => result.job.kind === 'timeout').length,
		serverFailures: results.filter((result) => result.job.kind === 'fail').length,
		done: 0,
		doneBadBytes: 0,
		failedClearly: 0,
		lost: 0,
		createdTwice: 0,
		leftRunning: 0,
		finishedUnattendedByDesign: 0,
		neverCreated: 0,
		requests,
		faultedRequests: faulted,
		wallSeconds: Math.round(wallMs / 100) / 10,
		examples: [],
		plainJobFailures: {},
	};
	const example = (text: string) => {
		if (figures.examples.length < 12) figures.examples.push(text);
	};
	for (const result of results) {
		const { job } = result;
		const name = `${adapter.label} ${job.via} job ${job.index} (${job.kind})`;
		if (result.outcome === 'done') figures.done++;
		else if (result.outcome === 'failed') {
			figures.failedClearly++;
			if (job.kind === 'normal') {
				const reason = gist(result.detail ?? '');
				figures.plainJobFailures[reason] = (figures.plainJobFailures[reason] ?? 0) + 1;
			}
		}
		else if (result.outcome === 'badBytes') {
			figures.doneBadBytes++;
			example(`${name}: done, but ${result.detail}`);
		} else {
			figures.lost++;
			example(`${name}: LOST: ${result.detail}`);
		}
		const server = adapter.serverJobs(job.tag);
		if (server.length === 0) figures.neverCreated++;
		if (server.length > 1) {
			figures.createdTwice++;
			example(`${name}: CREATED TWICE: ${server.map((entry) => entry.id).join(', ')}`);
		}
		if (result.outcome === 'done') continue;
		// After a failure or a stop: nothing of this job may run on, or end later on its own.
		const ranOn = server.filter(
			(entry) => entry.state === 'waiting' || entry.state === 'running' || (entry.state === 'completed' && (entry.endedAt ?? 0) > result.endedAt + END_SLACK_MS),
		);
		if (ranOn.length === 0) continue;
		if (adapter.canCancel) {
			figures.leftRunning++;
			example(`${name}: LEFT RUNNING: ${ranOn.map((entry) => `${entry.id} ${entry.state}`).join(', ')}; our side said: ${result.detail ?? result.outcome}`);
		} else figures.finishedUnattendedByDesign++;
	}
	return figures;
}
