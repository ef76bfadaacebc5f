// Turns `genflows flowscale run`'s options into the core's RunInput, and the core's parameter
// names back into options. The core checks names (empty, given twice) and empty files; this only
// gathers them.
import type { FileInput, FlowscaleValue, RunInput } from '../../../nodes/shared/providers/flowscale/runInput.ts';
import type { CliRuntime } from '../../runtime/cliRuntime.ts';
import type { ParsedArgs } from '../args.ts';
import { keyValue } from '../args.ts';
import { inputValuesFromArgs, uploadFromPath } from '../inputFiles.ts';

export async function runInputFromArgs(runtime: CliRuntime, args: ParsedArgs): Promise<RunInput> {
	const values: Record<string, FlowscaleValue> = await inputValuesFromArgs(runtime, args);
	// One name given several times is a list of files, sent as name_0, name_1, … (as SDK 1.1.4 does).
	const files = new Map<string, FileInput[]>();
	for (const text of args.lists.get('file') ?? []) {
		const [name, path] = keyValue('file', text);
		files.set(name, [...(files.get(name) ?? []), await uploadFromPath(runtime, `--file ${name}`, path)]);
	}
	return {
		workflowId: args.positionals[0],
		groupId: args.values.get('group'),
		inputs: Object.entries(values).map(([name, value]) => ({ name, value })),
		files: [...files].map(([name, list]) => ({ name, file: list.length === 1 ? list[0] : list })),
	};
}

/** The argument a core InputError's parameter stands for. */
export function flowscaleArgumentFor(parameter: string): string | undefined {
	if (parameter.startsWith('inputs.')) return `--input ${parameter.slice('inputs.'.length)}`;
	// A list's parts are named name_0, name_1, …; the error names the field, the user typed the name.
	if (parameter.startsWith('files.')) return `--file ${parameter.slice('files.'.length)}`;
	return NAMED_PARAMETERS.get(parameter);
}

const NAMED_PARAMETERS = new Map([
	['workflowId', '<workflow_id>'],
	['runId', '<run_id>'],
	['baseUrl', '--url'],
	['inputs', '--input'],
	['files', '--file'],
	['groupId', '--group'],
]);
