// The workflows under examples/, made ready to run here: bound to the credentials `npm start`
// imported, with the values their sticky notes ask a user to set (the folder to write into, the
// photo URL) pointed at this local setup. The JSON is otherwise exactly as shipped.
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

import { PROJECT_ROOT } from '../../test/e2e/harness/install.ts';
import type { CredentialBindings, WorkflowJson } from '../../test/e2e/harness/workflows.ts';
import { loadExample } from '../../test/e2e/harness/workflows.ts';

/** The example to point a new user at: a single click runs it, and its output is a picture. */
export const FIRST_EXAMPLE = 'visionatrix-schedule-image-to-disk.json';

/** Where the examples write, as shipped (n8n's Docker image) and as their notes describe it. */
const SHIPPED_FILES_FOLDER = '/home/node/.n8n-files';
const SHIPPED_PHOTO_URL = 'https://example.com/photo.jpg';

export interface LocalValues {
	filesFolder: string;
	photoUrl: string;
	credentials: CredentialBindings;
}

export function exampleFileNames(): string[] {
	return readdirSync(join(PROJECT_ROOT, 'examples'))
		.filter((name) => name.endsWith('.json'))
		.sort();
}

/** A stable workflow id from the file name, so a later start knows what it imported. */
export function exampleWorkflowId(fileName: string): string {
	return fileName.replace(/\.json$/, '').slice(0, 36);
}

export function localExample(fileName: string, values: LocalValues): WorkflowJson {
	const workflow = loadExample(fileName, exampleWorkflowId(fileName), [], values.credentials);
	const replacements: Array<[string, string]> = [
		[SHIPPED_FILES_FOLDER, values.filesFolder],
		[SHIPPED_PHOTO_URL, values.photoUrl],
	];
	for (const node of workflow.nodes) {
		// The sticky notes keep their text: they describe the shipped values (n8n's Docker image).
		if (node.type === 'n8n-nodes-base.stickyNote') continue;
		// Replaced in the JSON text, so every parameter that holds the value changes (expressions too).
		const text = replacements.reduce((json, [from, to]) => json.split(from).join(JSON.stringify(to).slice(1, -1)), JSON.stringify(node.parameters));
		node.parameters = JSON.parse(text) as Record<string, unknown>;
	}
	return workflow;
}

/** The folders the examples write into must exist (their notes say so). */
export function createExampleFolders(filesFolder: string): void {
	for (const folder of ['finished', 'flowscale', 'pet-portrait']) mkdirSync(join(filesFolder, 'genflows', folder), { recursive: true });
}
