// What the storage host holds for a run: its uploaded inputs and its output files, under S3-style
// keys, with bytes made on first read (a readable placeholder picture for images).
import { createHash } from 'node:crypto';

import { makeFileBytes } from '../visionatrix/files.ts';
import { makePlaceholderPng } from '../shared/picture/placeholderImage.ts';
import type { InternalOutput, InternalRun } from './state.ts';

export function outputKey(runId: string, fileName: string): string {
	return `generations/${runId}/${fileName}`;
}

/** Inputs are numbered: a name may repeat (SDK 1.1.0b sends a list as repeated fields). */
export function inputKey(runId: string, index: number, fileName: string): string {
	return `inputs/${runId}/${index}_${fileName}`;
}

/** The run's prompt as a placeholder shows it: its first non-empty text input named like a prompt, else any. */
function promptOf(run: InternalRun): string {
	const texts = Object.entries(run.request.texts).filter(([, value]) => value.trim() !== '');
	const prompt = texts.find(([name]) => /^(text|prompt)/i.test(name)) ?? texts[0];
	return prompt?.[1].trim() ?? '';
}

export function makeOutputBytes(run: InternalRun, output: InternalOutput): Buffer {
	const comment = `flowscale simulator run ${run.id} output ${output.name}`;
	const extension = output.spec.extension ?? 'png';
	if (extension === 'png') {
		const prompt = promptOf(run);
		const hasImage = run.parts.some((part) => typeof part.value !== 'string');
		return makePlaceholderPng(
			{
				width: 512,
				height: 512,
				flow: run.workflow.name,
				request: prompt ? `"${prompt}"` : hasImage ? 'input image' : 'no prompt',
				footer: `run ${run.id.slice(0, 8)} - ${output.name}`,
				colourKey: prompt || run.workflow.id,
			},
			comment,
		);
	}
	return makeFileBytes(extension, createHash('sha256').update(output.name).digest().readUInt32BE(0), comment);
}
