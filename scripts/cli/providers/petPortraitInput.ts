// `genflows pet-portrait`'s own arguments: the photo, `--input nodeId=value`, `--type`, and the
// core's parameter names mapped back to them. The core checks the photo's bytes and the node ids
// (against the server's workflow-info); this only gathers them.
import type { ImageType, PortraitImage } from '../../../nodes/shared/providers/petPortrait/images.ts';
import type { UserInputValues } from '../../../nodes/shared/providers/petPortrait/userInputs.ts';
import type { CliRuntime } from '../../runtime/cliRuntime.ts';
import type { ParsedArgs } from '../args.ts';
import { keyValue, UsageError } from '../args.ts';
import { uploadFromPath } from '../inputFiles.ts';

/** `--image PATH`, read; a missing or unreadable one is a bad --image (the core then checks that its bytes are a picture). */
export async function photoFromArgs(runtime: CliRuntime, args: ParsedArgs): Promise<PortraitImage> {
	const path = args.values.get('image');
	if (path === undefined || path.trim() === '') throw new UsageError('--image', '--image is missing: name the pet photo to upload, e.g. --image rex.jpg');
	return uploadFromPath(runtime, '--image', path);
}

/** Every `--input nodeId=value`; a node id given twice keeps its last value. */
export function userInputsFromArgs(args: ParsedArgs): UserInputValues {
	const values: UserInputValues = {};
	for (const text of args.lists.get('input') ?? []) {
		const [nodeId, value] = keyValue('input', text);
		if (!nodeId.trim()) throw new UsageError('--input', `--input wants nodeId=value, e.g. 229=cat; got "${text}"`);
		values[nodeId.trim()] = value;
	}
	return values;
}

/** `--type output|input`, or undefined to take the path's own type (else output). */
export function imageTypeFromArgs(args: ParsedArgs): ImageType | undefined {
	const type = args.values.get('type');
	if (type === undefined) return undefined;
	const word = type.trim().toLowerCase();
	if (word === 'output' || word === 'input') return word;
	throw new UsageError('--type', `--type must be output or input; got "${type}"`);
}

/** The argument a core InputError's parameter stands for. */
export function petPortraitArgumentFor(parameter: string): string | undefined {
	if (parameter.startsWith('userInputs.')) return `--input ${parameter.slice('userInputs.'.length)}`;
	return NAMED_PARAMETERS.get(parameter);
}

const NAMED_PARAMETERS = new Map([
	['image', '--image'],
	['userInputs', '--input'],
	['sessionId', '<sessionId>'],
	['imagePath', '<image>'],
	['imageType', '--type'],
	['baseUrl', '--url'],
]);
