// `npm run load`: 200 webhook calls at once through n8n in queue mode (see driver.ts), the figures
// printed and written to RELIABILITY.md (section "load") and bench/reliability.json (key "load").
// GENFLOWS_LOAD_JOBS and GENFLOWS_LOAD_CONCURRENCY change the number of calls and the worker's
// concurrency. Exits 1 when a job was lost or a picture differed.
import { loadReport, removeUserFolder, runLoad } from './driver.ts';
import { writeReliabilityJson, writeReliabilitySection } from './report.ts';

const DEFAULT_JOBS = 200;
/** n8n's worker default is 10; the jobs wait on a remote server, so a worker can hold more of them. */
const DEFAULT_CONCURRENCY = 20;

function positiveInteger(name: string, fallback: number): number {
	const raw = process.env[name];
	if (raw === undefined || raw === '') return fallback;
	const value = Number(raw);
	if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a whole number >= 1, got "${raw}"`);
	return value;
}

async function main(): Promise<void> {
	const result = await runLoad({
		jobs: positiveInteger('GENFLOWS_LOAD_JOBS', DEFAULT_JOBS),
		concurrency: positiveInteger('GENFLOWS_LOAD_CONCURRENCY', DEFAULT_CONCURRENCY),
		log: (line) => process.stderr.write(`load: ${line}\n`),
	});
	const { failures, userFolder, ...figures } = result;
	process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
	writeReliabilitySection('load', loadReport(result));
	writeReliabilityJson('load', { measuredAt: new Date().toISOString(), ...figures, failures: failures.length });
	if (failures.length > 0) {
		process.stderr.write(`load: ${failures.length} problem(s); n8n's logs are in ${userFolder}/logs/\n${failures.slice(0, 50).join('\n')}\n`);
		process.exitCode = 1;
		return;
	}
	removeUserFolder(result);
}

main().catch((error: unknown) => {
	process.stderr.write(`load: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
	process.exitCode = 1;
});
