// Writes the chaos figures: RELIABILITY.md between its chaos markers (the file made with its header
// when absent; other sections are left as they are) and bench/reliability.json under "chaos".
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

import { CREATE_CHAOS, READ_CHAOS, SOCKET_CHAOS } from './faults.ts';
import type { ChaosPlan } from './harness.ts';
import type { ProviderFigures } from './types.ts';

export const START_MARKER = '<!-- chaos:start -->';
export const END_MARKER = '<!-- chaos:end -->';

const HEADER = `# Reliability

What happens to jobs when things go wrong: measured by scripts and tests of this repository against
the bundled simulators, each section written by its own script between its markers (do not edit
inside them by hand; run the script again). Raw figures: \`bench/reliability.json\`.
`;

export interface ChaosReport {
	at: string;
	node: string;
	wallSeconds: number;
	plan: Omit<ChaosPlan, 'cli'>;
	faults: { reads: typeof READ_CHAOS; creates: typeof CREATE_CHAOS; sockets: typeof SOCKET_CHAOS };
	providers: ProviderFigures[];
	totals: Omit<ProviderFigures, 'provider' | 'wallSeconds' | 'examples' | 'plainJobFailures'>;
}

const pct = (value: number) => `${Math.round(value * 100)} %`;

export function totalsOf(providers: ProviderFigures[]): ChaosReport['totals'] {
	const keys = [
		'submitted',
		'viaNode',
		'viaCli',
		'stops',
		'timeouts',
		'serverFailures',
		'done',
		'doneBadBytes',
		'failedClearly',
		'lost',
		'createdTwice',
		'leftRunning',
		'finishedUnattendedByDesign',
		'neverCreated',
		'requests',
		'faultedRequests',
	] as const;
	return Object.fromEntries(keys.map((key) => [key, providers.reduce((sum, figures) => sum + figures[key], 0)])) as ChaosReport['totals'];
}

export function chaosSection(report: ChaosReport): string {
	const { plan } = report;
	const readShare = Object.values(READ_CHAOS).reduce((sum, share) => sum + share, 0);
	const rows = [...report.providers, { ...report.totals, provider: '**all**', wallSeconds: report.wallSeconds, examples: [], plainJobFailures: {} }].map(
		(figures) =>
			`| ${figures.provider} | ${figures.submitted} (${figures.viaNode} node, ${figures.viaCli} CLI) | ${figures.done} | ${figures.failedClearly} | ${figures.lost} | ${figures.createdTwice} | ${
				figures.provider === 'Pet Portrait' ? 'n/a (cannot cancel)' : figures.leftRunning
			} | ${figures.finishedUnattendedByDesign} | ${figures.doneBadBytes} | ${figures.faultedRequests} of ${figures.requests} |`,
	);
	const problems = report.providers.flatMap((figures) => figures.examples);
	const plainFailures = report.providers.flatMap((figures) =>
		Object.entries(figures.plainJobFailures)
			.sort((a, b) => b[1] - a[1])
			.map(([reason, times]) => `- ${figures.provider}, ${times}×: ${reason.replace(/\n/g, ' ')}`),
	);
	return [
		'## Chaos: jobs under faults, stops and timeouts',
		'',
		`Written by \`npm run chaos\` (${report.at}, Node ${report.node}, ${report.wallSeconds} s wall time). Per provider ${plan.nodeJobs} jobs through the real node class ` +
			`(execute() with the emulated n8n contexts of the test suite, ${plan.nodeConcurrency} at once) and ${plan.cliJobs} through the CLI (\`node .build/scripts/genflows.js … --json\` ` +
			`as child processes, ${plan.cliConcurrency} at once), each against the provider's simulator with: about ${pct(readShare)} of reads (GET, downloads included) answered ` +
			`5xx (${pct(READ_CHAOS.status5xx)}) or 429 with Retry-After (${pct(READ_CHAOS.rateLimit)}), cut (${pct(READ_CHAOS.reset)}) or answered 0.4-1.5 s late (${pct(READ_CHAOS.slow)}); ` +
			`${pct(CREATE_CHAOS.cutAfterCommit)} of creates cut after the server committed them and ${pct(CREATE_CHAOS.cutBefore)} before it saw them; Pet Portrait WebSockets and ` +
			`InvokeAI Socket.IO connections dropped mid-job (${pct(SOCKET_CHAOS.afterMessages + SOCKET_CHAOS.afterMs)} of connections). ` +
			`${pct(plan.shares.fail)} of jobs fail on the server, ${pct(plan.shares.stop)} are stopped at a random moment (abort signal; SIGINT for the CLI) and ` +
			`${pct(plan.shares.timeout)} run for seconds against a 1 s timeout. Jobs are short (0.4-1 s; Pet Portrait and InvokeAI run one at a time on one GPU).`,
		'',
		'Each job is counted from both sides: what our side ended with, and the simulator\'s own job table (every job it created, cancelled and deleted ones included, found by the job\'s unique prompt).',
		'',
		'- **done**: the node returned, or the CLI exited 0, with every file byte-equal to the bytes the simulator served.',
		'- **failed clearly**: a NodeApiError / NodeOperationError (CLI: exit 1, or 130 after SIGINT, with a `genflows: …` line) whose message has no stack trace.',
		'- **lost**: neither (no files, another error, a stack, a hang).',
		'- **created twice**: the simulator holds two jobs for one job we submitted.',
		'- **left running**: after a failure or a stop, a job of it still waiting or running on the server, or finishing there more than 1 s after our side gave up (Visionatrix, Flowscale, InvokeAI can cancel).',
		'- **finished unattended**: the same for Pet Portrait, which cannot cancel a run: by design, and said so in the error.',
		'',
		'| provider | submitted | done | failed clearly | lost | created twice | left running | finished unattended (by design) | done, bytes differ | faulted requests |',
		'| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
		...rows,
		'',
		plainFailures.length
			? `Jobs with no planned failure, stop or timeout that still failed (clearly), by message (ids and numbers as #):\n\n${plainFailures.join('\n')}\n`
			: 'Every job with no planned failure, stop or timeout was done.\n',
		problems.length ? `What went wrong:\n\n${problems.map((line) => `- ${line.replace(/\n/g, ' ')}`).join('\n')}` : 'Targets met: 0 lost, 0 created twice, 0 left running where the backend can cancel.',
	].join('\n');
}

/** Replaces the chaos section of RELIABILITY.md (or appends it; or makes the file). */
export function writeReliabilityMd(path: string, section: string): void {
	const block = `${START_MARKER}\n${section}\n${END_MARKER}`;
	const current = existsSync(path) ? readFileSync(path, 'utf8') : HEADER;
	const start = current.indexOf(START_MARKER);
	const end = current.indexOf(END_MARKER);
	const next =
		start >= 0 && end > start ? `${current.slice(0, start)}${block}${current.slice(end + END_MARKER.length)}` : `${current.replace(/\n*$/, '\n\n')}${block}\n`;
	writeFileSync(path, next);
}

/** Sets the "chaos" key of bench/reliability.json, keeping the other keys. */
export function writeReliabilityJson(path: string, report: ChaosReport): void {
	let current: Record<string, unknown> = {};
	if (existsSync(path)) {
		try {
			current = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
		} catch {
			current = {};
		}
	}
	current.chaos = report;
	writeFileSync(path, `${JSON.stringify(current, null, '\t')}\n`);
}
