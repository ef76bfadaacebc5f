// Turns `run`'s options into the core's TaskInput. The core checks the values against the flow
// (names, types, ranges) and names the input in its error; this only gathers them.
import type { FileInput, FlowInputValue, TaskInput } from '../../../nodes/shared/providers/visionatrix/taskInput.ts';
import type { CliRuntime } from '../../runtime/cliRuntime.ts';
import type { ParsedArgs } from '../args.ts';
import { keyValue, wholeNumberArg } from '../args.ts';
import { inputValuesFromArgs, uploadFromPath } from '../inputFiles.ts';

export async function taskInputFromArgs(runtime: CliRuntime, args: ParsedArgs): Promise<TaskInput> {
	const inputs: Record<string, FlowInputValue> = await inputValuesFromArgs(runtime, args);
	const files: Record<string, FileInput> = {};
	for (const text of args.lists.get('file') ?? []) {
		const [name, path] = keyValue('file', text);
		files[name] = await uploadFromPath(runtime, `--file ${name}`, path);
	}
	return {
		inputs,
		files,
		count: wholeNumberArg('--count', args.values.get('count'), 1, 1000),
		seed: wholeNumberArg('--seed', args.values.get('seed'), 0),
	};
}

/** The argument a core InputError's parameter stands for. */
export function visionatrixArgumentFor(parameter: string): string | undefined {
	if (parameter.startsWith('inputs.')) return `--input ${parameter.slice('inputs.'.length)}`;
	if (parameter.startsWith('files.')) return `--file ${parameter.slice('files.'.length)}`;
	if (parameter === 'flow') return '<flow>';
	if (parameter === 'taskId') return '<taskId>';
	if (parameter === 'baseUrl') return '--url';
	if (parameter === 'inputs') return '--input';
	return undefined;
}
