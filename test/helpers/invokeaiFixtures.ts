// The InvokeAI fixtures under test/fixtures/invokeai/: six of InvokeAI's default workflows
// (invokeai/app/services/workflow_records/default_workflows/) and the OpenAPI documents its
// frontend commits (openapi.json) at tag v6.13.8 and at main (6.14.0-alpha), gzipped: 2.4 and 3 MB
// as JSON, 160 and 217 kB as stored. No jest here: the InvokeAI simulator uses it too.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

const FIXTURES = join(__dirname, '../fixtures/invokeai');

export const DEFAULT_WORKFLOW_FILES = [
	'CogView4_TextToImage',
	'FLUX Image to Image',
	'Flux Text to Image',
	'Prompt from File',
	'Text to Image - SDXL',
	'Text to Video - Wan 2.2 Lightning',
] as const;
export type DefaultWorkflowFile = (typeof DEFAULT_WORKFLOW_FILES)[number];

export const OPENAPI_VERSIONS = ['v6.13.8', '6.14.0-alpha'] as const;
export type OpenApiVersion = (typeof OPENAPI_VERSIONS)[number];

/** A default workflow as parsed JSON (a fresh copy each call). */
export function loadDefaultWorkflow(file: DefaultWorkflowFile): Record<string, unknown> {
	return JSON.parse(readFileSync(join(FIXTURES, 'default_workflows', `${file}.json`), 'utf8')) as Record<string, unknown>;
}

const documents = new Map<OpenApiVersion, unknown>();

/** The OpenAPI document, parsed once per process; treat it as read-only. */
export function loadOpenApi(version: OpenApiVersion): Record<string, unknown> {
	if (!documents.has(version)) {
		documents.set(version, JSON.parse(gunzipSync(readFileSync(join(FIXTURES, `openapi-${version}.json.gz`))).toString('utf8')));
	}
	return documents.get(version) as Record<string, unknown>;
}
