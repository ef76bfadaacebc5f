// Runtime-neutral: web-standard APIs only (no node:, Deno, process), so n8n, Node and Deno share it.
import { InputError } from '../../core/errors.ts';
import { requireImage } from '../../core/inputChecks.ts';
import type { FormPart } from '../../core/http.ts';

export type FlowscaleValue = string | number | boolean;

export interface FileInput {
	data: Uint8Array;
	fileName: string;
	mimeType: string;
}

/** What a user asks a deployed workflow to do. Parameter names in errors refer to these fields. */
export interface RunInput {
	/** The deployed workflow's id, e.g. `bncu0a1kipv`. */
	workflowId: string;
	groupId?: string;
	/** Values by the deployment's own input names, such as `text_51536` or `seed_456`. */
	inputs?: Array<{ name: string; value: FlowscaleValue }>;
	/** Files by input name; a list is sent as `name_0`, `name_1`, … as SDK 1.1.4 sends it. */
	files?: Array<{ name: string; file: FileInput | FileInput[] }>;
}

/** The workflow and group as they go in the query string, checked. */
export function runTarget(input: Pick<RunInput, 'workflowId' | 'groupId'>): { workflow_id: string; group_id?: string } {
	const workflowId = input.workflowId.trim();
	if (!workflowId) throw new InputError('workflowId', 'No workflow was chosen: give the id of a workflow deployed on this Flowscale deployment.');
	const groupId = input.groupId?.trim();
	return groupId ? { workflow_id: workflowId, group_id: groupId } : { workflow_id: workflowId };
}

/**
 * Checks a run's inputs and builds the multipart form of `POST /api/v1/runs`. The server knows
 * nothing of what a workflow takes until it runs it, so what can be told here is: a nameless
 * input, a name given twice (the server would keep one of them, silently), an empty file, and a
 * file that is no picture for an input the deployment named after ComfyUI's image input (`image_…`).
 */
export function buildRunForm(input: RunInput): FormPart[] {
	const parts: FormPart[] = [];
	(input.inputs ?? []).forEach(({ name, value }, index) => {
		const field = checkName('inputs', name, index);
		if (typeof value === 'number' && !Number.isFinite(value)) {
			throw new InputError(`inputs.${field}`, `Input "${field}" must be a number, text or true/false; got ${value}.`);
		}
		parts.push({ name: field, value: String(value) });
	});
	(input.files ?? []).forEach(({ name, file }, index) => {
		const field = checkName('files', name, index);
		const list = Array.isArray(file) ? file : [file];
		if (list.length === 0) throw new InputError(`files.${field}`, `File input "${field}" was given an empty list of files.`);
		list.forEach((one, position) => {
			if (one.data.byteLength === 0) {
				throw new InputError(`files.${field}`, `The file "${one.fileName}" for input "${field}" is empty (0 bytes).`);
			}
			const imageType = IMAGE_INPUT.test(field) ? requireImage(`files.${field}`, one) : undefined;
			parts.push({
				name: Array.isArray(file) ? `${field}_${position}` : field,
				data: one.data,
				fileName: one.fileName || field,
				mimeType: imageType && !one.mimeType?.startsWith('image/') ? imageType : one.mimeType || 'application/octet-stream',
			});
		});
	});
	refuseRepeatedNames(parts);
	return parts;
}

/** Deployments name each input after the ComfyUI input it feeds: `image_35728` is a LoadImage picture. */
const IMAGE_INPUT = /^image(_|$)/i;

function checkName(parameter: 'inputs' | 'files', name: string, index: number): string {
	const field = name.trim();
	if (!field) {
		const what = parameter === 'inputs' ? 'Input' : 'File input';
		throw new InputError(parameter, `${what} ${index + 1} has no name: give the deployment's own input name, such as text_51536.`);
	}
	return field;
}

/** A file list named `image` becomes `image_0`, … so it can collide with a value named `image_0`. */
function refuseRepeatedNames(parts: FormPart[]): void {
	const seen = new Set<string>();
	for (const part of parts) {
		if (seen.has(part.name)) {
			const parameter = 'value' in part ? 'inputs' : 'files';
			throw new InputError(`${parameter}.${part.name}`, `The input name "${part.name}" is given twice; the server would keep only one of the values.`);
		}
		seen.add(part.name);
	}
}
