// The README's shell command: `genflows visionatrix run` end to end. With VISIONATRIX_URL set it
// talks to that server (and reads VISIONATRIX_USER / VISIONATRIX_PASSWORD as genflows does);
// without, it starts the bundled simulator on 127.0.0.1 so a new user sees the whole path work on
// a fresh machine. The simulator lives under test/ because the tests drive it too; the demo is a
// development tool (not shipped in dist/), so it may use it.
import { main } from './cli/main.ts';
import { CLI_PROVIDERS } from './cli/providers/index.ts';
import { shellQuote } from './cli/shellQuote.ts';
import { nodeRuntime } from './runtime/node.ts';
import { startVisionatrixSimulator } from '../test/simulators/visionatrix/index.ts';

async function demo(): Promise<number> {
	const prompt = process.argv.slice(2).join(' ') || 'a lighthouse at dusk, oil painting';
	const simulator = process.env.VISIONATRIX_URL ? undefined : await startVisionatrixSimulator({ taskDurationMs: 3000 });
	if (simulator) console.log(`No VISIONATRIX_URL: running against the bundled simulator at ${simulator.url}`);
	const out = process.env.GENFLOWS_DEMO_OUT ?? 'genflows-demo-output';
	const args = ['visionatrix', 'run', process.env.VISIONATRIX_FLOW ?? 'sdxl_lighting', '--input', `prompt=${prompt}`];
	args.push('--out', out, ...(simulator ? ['--url', simulator.url] : []));
	// Quoted so that it can be pasted into a shell as it is.
	console.log(`npx genflows ${args.map(shellQuote).join(' ')}`);
	try {
		const code = await main({ ...nodeRuntime(), args }, CLI_PROVIDERS);
		if (code === 0 && simulator) {
			console.log(`The picture in ${out}/ is the simulator's placeholder, drawn from your prompt; set VISIONATRIX_URL to run on a real server.`);
		}
		return code;
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
