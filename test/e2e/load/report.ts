// Small shared pieces of the reliability runs: publishing imported workflows through a running
// n8n's REST API (no CLI start per workflow), and writing measured figures into RELIABILITY.md
// (between this run's own markers) and bench/reliability.json (under this run's own key), leaving
// everything else in those files as it was.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { PROJECT_ROOT } from '../harness/install.ts';
import type { RunningN8n } from '../harness/n8n.ts';

/** Publishes workflows as the editor's "Publish" does; their webhooks are live once n8n registered them. */
export async function activateWorkflows(server: RunningN8n, workflowIds: string[]): Promise<void> {
	for (const id of workflowIds) {
		const workflow = await server.rest<{ versionId: string }>('GET', `/workflows/${id}`);
		await server.rest('POST', `/workflows/${id}/activate`, { versionId: workflow.versionId });
	}
}

const RELIABILITY_MD = join(PROJECT_ROOT, 'RELIABILITY.md');
const RELIABILITY_JSON = join(PROJECT_ROOT, 'bench', 'reliability.json');

/** Replaces what stands between `<!-- name:start -->` and `<!-- name:end -->` (appends the section when absent). */
export function writeReliabilitySection(name: string, markdown: string): void {
	const start = `<!-- ${name}:start -->`;
	const end = `<!-- ${name}:end -->`;
	const current = existsSync(RELIABILITY_MD) ? readFileSync(RELIABILITY_MD, 'utf8') : '# Reliability\n\nFigures measured by the reliability runs; each section is rewritten by its own run.\n';
	const block = `${start}\n${markdown.trim()}\n${end}`;
	const from = current.indexOf(start);
	const to = current.indexOf(end, from);
	const next = from >= 0 && to > from ? current.slice(0, from) + block + current.slice(to + end.length) : `${current.trimEnd()}\n\n${block}\n`;
	writeAtomically(RELIABILITY_MD, next);
}

/** Sets `key` in bench/reliability.json, keeping the other keys (read, modify, write). */
export function writeReliabilityJson(key: string, value: unknown): void {
	const current = existsSync(RELIABILITY_JSON) ? (JSON.parse(readFileSync(RELIABILITY_JSON, 'utf8')) as Record<string, unknown>) : {};
	current[key] = value;
	writeAtomically(RELIABILITY_JSON, `${JSON.stringify(current, null, '\t')}\n`);
}

function writeAtomically(file: string, text: string): void {
	const temporary = `${file}.${process.pid}.tmp`;
	writeFileSync(temporary, text);
	renameSync(temporary, file);
}
