// The README's first command: `genflows visionatrix run` end to end. With VISIONATRIX_URL set it
// talks to that server (and reads VISIONATRIX_USER / VISIONATRIX_PASSWORD as genflows does);
// without, it starts the bundled simulator on 127.0.0.1 so a new user sees the whole path work on
// a fresh machine.
import { main } from './cli/main.ts';
import { visionatrixCli } from './cli/providers/visionatrix.ts';
import { nodeRuntime } from './cli/runtimes/node.ts';
import { startVisionatrixSimulator } from '../test/simulators/visionatrix/index.ts';

async function demo(): Promise<number> {
	const prompt = process.argv.slice(2).join(' ') || 'a lighthouse at dusk, oil painting';
	const simulator = process.env.VISIONATRIX_URL ? undefined : await startVisionatrixSimulator({ taskDurationMs: 3000 });
	if (simulator) console.log(`No VISIONATRIX_URL: running against the bundled simulator at ${simulator.url}`);
	const args = ['visionatrix', 'run', process.env.VISIONATRIX_FLOW ?? 'sdxl_lighting', '--input', `prompt=${prompt}`];
	args.push('--out', process.env.GENFLOWS_DEMO_OUT ?? 'genflows-demo-output', ...(simulator ? ['--url', simulator.url] : []));
	console.log(`genflows ${args.join(' ')}`);
	try {
		return await main({ ...nodeRuntime(), args }, [visionatrixCli]);
	} finally {
		await simulator?.close();
	}
}

demo().then(
	(code) => (process.exitCode = code),
	(error: unknown) => {
		console.error(error);
		process.exitCode = 1;
	},
);
