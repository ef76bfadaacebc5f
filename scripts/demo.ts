// The README's first command: run a Visionatrix flow through the provider core and save the
// files. With VISIONATRIX_URL set it talks to that server; without, it starts the bundled
// simulator on 127.0.0.1 so a new user sees the whole path work on a fresh machine.
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

import { isGenflowsError } from '../nodes/shared/core/errors.ts';
import { fetchTransport } from '../nodes/shared/core/fetchTransport.ts';
import { Visionatrix } from '../nodes/shared/providers/visionatrix/api.ts';
import { startVisionatrixSimulator } from '../test/simulators/visionatrix/index.ts';
import { scriptEnv } from './runtime/timers.ts';

async function main(): Promise<void> {
	const prompt = process.argv.slice(2).join(' ') || 'a lighthouse at dusk, oil painting';
	const outDir = resolve(process.env.GENFLOWS_DEMO_OUT ?? 'genflows-demo-output');
	const simulator = process.env.VISIONATRIX_URL ? undefined : await startVisionatrixSimulator({ taskDurationMs: 3000 });
	const baseUrl = process.env.VISIONATRIX_URL ?? simulator!.url;
	const user = process.env.VISIONATRIX_USER;
	const transport = fetchTransport({ basicAuth: user ? { user, password: process.env.VISIONATRIX_PASSWORD ?? '' } : undefined });
	const visionatrix = new Visionatrix({ baseUrl, env: scriptEnv(transport) });
	const controller = new AbortController();
	process.once('SIGINT', () => controller.abort());

	try {
		console.log(`Visionatrix at ${baseUrl}${simulator ? ' (bundled simulator)' : ''}`);
		const flow = await visionatrix.getInstalledFlow(process.env.VISIONATRIX_FLOW ?? 'sdxl_lighting', controller.signal);
		console.log(`Running flow "${flow.name}" with prompt "${prompt}"`);
		const finished = await visionatrix.runFlow(flow, { inputs: { prompt } }, {
			timeoutMs: 600_000,
			signal: controller.signal,
			onProgress: (progress) => {
				const eta = progress.phase !== 'running' || progress.etaMs === undefined ? '' : `, about ${Math.ceil(progress.etaMs / 1000)} s left`;
				console.log(`  ${progress.phase} ${progress.progress?.toFixed(1) ?? '?'} %${eta}`);
			},
		});
		await mkdir(outDir, { recursive: true });
		for (const { task, files } of finished) {
			for (const file of files) {
				const path = join(outDir, file.fileName);
				await writeFile(path, file.data);
				console.log(`Saved ${path} (${file.mimeType}, ${file.data.byteLength} bytes) from task ${task.task_id}`);
			}
		}
	} finally {
		await simulator?.close();
	}
}

main().catch((error: unknown) => {
	console.error(isGenflowsError(error) ? error.message : error);
	process.exitCode = 1;
});
