// What a simulated PNG result shows, from the task that asked for it: its prompt (or its input
// image), flow and place in the batch. Sized like the input image when there is one (background
// removal keeps the size, and tests resize the result), else 512x512.
import { pngSize } from './files.ts';
import type { PlaceholderSpec } from '../shared/picture/placeholderImage.ts';
import { makePlaceholderPng } from '../shared/picture/placeholderImage.ts';

export const DEFAULT_PICTURE_SIZE = { width: 512, height: 512 };

export interface PictureRequest {
	flow: string;
	taskId: number;
	nodeId: number;
	batchIndex: number;
	batchSize: number;
	inputs: Record<string, unknown>;
	inputFiles: { bytes: Uint8Array }[];
	/** sha256 of the input files, '' without any. */
	inputDigest: string;
}

/** The task's `prompt` input, else its first non-empty text input ('' when it has none). */
export function promptOf(inputs: Record<string, unknown>): string {
	const texts = Object.entries(inputs)
		.filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1].trim() !== '')
		.sort(([a], [b]) => Number(b === 'prompt') - Number(a === 'prompt'));
	return texts[0]?.[1].trim() ?? '';
}

export function placeholderSpecFor(request: PictureRequest): PlaceholderSpec {
	const inputImage = request.inputFiles.map((file) => pngSize(file.bytes)).find((size) => size !== undefined);
	const prompt = promptOf(request.inputs);
	let asked = `"${prompt}"`;
	if (!prompt) asked = inputImage ? `input image ${inputImage.width}×${inputImage.height}` : request.inputFiles.length ? 'input file' : 'no prompt';
	return {
		...(inputImage ?? DEFAULT_PICTURE_SIZE),
		flow: request.flow,
		request: asked,
		footer: `task ${request.taskId} - node ${request.nodeId} - image ${request.batchIndex + 1}/${request.batchSize}`,
		// Same prompt, same colour; a prompt-less task is coloured by its input files.
		colourKey: prompt || request.inputDigest || request.flow,
	};
}

/** The PNG bytes of one image result; `comment` goes into its tEXt chunk. */
export function makeResultPicture(request: PictureRequest, comment: string): Buffer {
	return makePlaceholderPng(placeholderSpecFor(request), comment);
}
