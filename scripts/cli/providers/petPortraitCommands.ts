// The `genflows pet-portrait` commands beyond a run: image, info, health. Each is one call into the
// Pet Portrait provider of the core, printed as lines or one JSON result.
import type { JobFile } from '../../../nodes/shared/core/job.ts';
import { imageReference } from '../../../nodes/shared/providers/petPortrait/images.ts';
import type { WorkflowInfo } from '../../../nodes/shared/providers/petPortrait/schemas.ts';
import type { PortraitSession } from '../../../nodes/shared/providers/petPortrait/sessionState.ts';
import { resultImageOf, sessionStatus } from '../../../nodes/shared/providers/petPortrait/sessionState.ts';
import type { Command } from '../command.ts';
import { doneLine, OUT_DETAIL, outDir, prepareOutDir, saveAndReport } from '../saveFiles.ts';
import { connect } from './petPortraitConnection.ts';
import { imageTypeFromArgs } from './petPortraitInput.ts';

/** A session in one line: "session 550e…  processing 45 %  KSampler", with its picture or its error. */
export function describeSession(session: PortraitSession): string {
	const status = sessionStatus(session);
	const percent = typeof session.progress === 'number' ? ` ${session.progress} %` : '';
	const stage = status.phase === 'running' && status.stage ? `  ${status.stage}` : '';
	const image = resultImageOf(session);
	const result = status.phase === 'succeeded' && image ? `  ${image}` : '';
	const error = status.phase === 'failed' && status.error ? `: ${status.error}` : '';
	return `session ${session.sessionId}  ${session.status}${percent}${stage}${result}${error}`;
}

async function* single(file: JobFile): AsyncIterable<JobFile> {
	yield file;
}

const image: Command = {
	name: 'image',
	positionals: ['<image>'],
	synopsis: '[--type output|input] [--out DIR]',
	summary: 'Save a picture the server holds: a resultImage path as status shows it (/api/images/…?type=output&subfolder=), or a file name.',
	details: ["  --type output|input  which of ComfyUI's folders (default: the path's own type, else output)", OUT_DETAIL],
	options: { type: 'value', out: 'value' },
	async run(context) {
		const named = context.args.positionals[0];
		const type = imageTypeFromArgs(context.args);
		// Checked before anything is made or sent: a name that is no picture path is a bad <image>.
		imageReference(named, { type });
		const petPortrait = connect(context);
		const dir = outDir(context.args);
		await prepareOutDir(context.runtime, dir);
		const file = await petPortrait.image(named, { type, signal: context.signal });
		const files = await saveAndReport(context.runtime, context.output, dir, single({ ...file, details: { image: named } }));
		context.output.result({ image: named, files }, [doneLine(files.length, named)]);
	},
};

/** The workflow's inputs in lines: "229  Pet Type Input (text, default "dog"): Enter the type of pet". */
function describeWorkflow(info: WorkflowInfo): string[] {
	const size = info.aspectRatio ? `, ${info.aspectRatio.width}×${info.aspectRatio.height}` : '';
	const lines = [`workflow: ${info.totalNodes ?? '?'} nodes${size}`];
	if (!info.userInputsListed) {
		lines.push('the server does not list the inputs of its workflow: --input node ids cannot be checked before a run');
		return lines;
	}
	if (info.userInputs.length === 0) return [...lines, 'no inputs to set'];
	lines.push('inputs (--input nodeId=value):');
	for (const input of info.userInputs) {
		const fallback = input.defaultValue === undefined ? '' : `, default ${JSON.stringify(input.defaultValue)}`;
		const description = input.description ? `: ${input.description}` : '';
		lines.push(`  ${input.nodeId}  ${input.title} (${input.type}${fallback})${description}`);
	}
	return lines;
}

const info: Command = {
	name: 'info',
	positionals: [],
	synopsis: '',
	summary: "The server's workflow: its size, and the inputs --input can set (node id, title, description, default).",
	details: [],
	options: {},
	async run(context) {
		const workflow = await connect(context).workflowInfo(context.signal);
		const { totalNodes, aspectRatio, userInputs, userInputsListed, nodeTypes, nodeTypeCounts } = workflow;
		const fields = { totalNodes: totalNodes ?? null, aspectRatio: aspectRatio ?? null, userInputsListed, userInputs, nodeTypes, ...(nodeTypeCounts ? { nodeTypeCounts } : {}) };
		context.output.result(fields, describeWorkflow(workflow));
	},
};

const health: Command = {
	name: 'health',
	positionals: [],
	synopsis: '',
	summary: 'Whether the server answers, and what it says of itself; exits 1 unless its status is "ok".',
	details: [],
	options: {},
	async run(context) {
		const answer = await connect(context).health(context.signal);
		const said = answer.message ? `: ${answer.message}` : '';
		if (answer.status.trim().toLowerCase() !== 'ok') throw new Error(`Pet Portrait answered its health check with the status "${answer.status}"${said}.`);
		context.output.result({ ...answer }, [`${answer.status}${said}`]);
	},
};

export const PET_PORTRAIT_EXTRA_COMMANDS: Command[] = [image, info, health];
