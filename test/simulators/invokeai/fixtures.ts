// The recorded InvokeAI documents the simulator serves and validates against, read from the repo's
// test/fixtures/invokeai/ (gzipped OpenAPI documents, the default workflows). Found by walking up
// from this file, so the same code works from the sources (jest) and from the compiled tools
// (.build/test/simulators/invokeai/), where tsc does not copy them. Each is read once per process.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';

import { featuresOf } from './version.ts';

const FIXTURE_DIR = path.join('test', 'fixtures', 'invokeai');

/** The OpenAPI document of 6.13.8 (the last stable in the reference) and of main at 6.14.0-alpha. */
export const OPENAPI_FILES = { v613: 'openapi-v6.13.8.json.gz', v614: 'openapi-6.14.0-alpha.json.gz' } as const;

/** The default workflows served by the library, by file; Wan needs the 6.14 nodes. */
export const DEFAULT_WORKFLOW_FILES = [
	'CogView4_TextToImage.json',
	'FLUX Image to Image.json',
	'Flux Text to Image.json',
	'Prompt from File.json',
	'Text to Image - SDXL.json',
	'Text to Video - Wan 2.2 Lightning.json',
] as const;
const NEEDS_614 = new Set<string>(['Text to Video - Wan 2.2 Lightning.json']);

export function fixturePath(name: string): string {
	for (let dir = __dirname; ; dir = path.dirname(dir)) {
		const candidate = path.join(dir, FIXTURE_DIR, name);
		if (existsSync(candidate)) return candidate;
		if (path.dirname(dir) === dir) break;
	}
	throw new Error(`InvokeAI simulator: fixture ${path.join(FIXTURE_DIR, name)} not found above ${__dirname}.`);
}

const documents = new Map<string, { text: string; json: OpenApiDocument }>();

export interface OpenApiDocument {
	paths: Record<string, unknown>;
	components: { schemas: Record<string, JsonSchema> };
	[key: string]: unknown;
}

/** The subset of JSON Schema (as FastAPI/pydantic write it) the simulator reads. */
export interface JsonSchema {
	$ref?: string;
	type?: string;
	anyOf?: JsonSchema[];
	oneOf?: JsonSchema[];
	items?: JsonSchema | boolean;
	properties?: Record<string, JsonSchema>;
	additionalProperties?: JsonSchema | boolean;
	required?: string[];
	enum?: unknown[];
	const?: unknown;
	default?: unknown;
	minimum?: number;
	maximum?: number;
	exclusiveMinimum?: number;
	exclusiveMaximum?: number;
	multipleOf?: number;
	minLength?: number;
	maxLength?: number;
	minItems?: number;
	maxItems?: number;
	title?: string;
	class?: string;
	output?: JsonSchema;
	input?: 'direct' | 'connection' | 'any';
	orig_required?: boolean;
	orig_default?: unknown;
	field_kind?: string;
	[key: string]: unknown;
}

function load(file: string): { text: string; json: OpenApiDocument } {
	let found = documents.get(file);
	if (!found) {
		const text = gunzipSync(readFileSync(fixturePath(file))).toString('utf8');
		found = { text, json: JSON.parse(text) as OpenApiDocument };
		documents.set(file, found);
	}
	return found;
}

/** Which recorded document a version serves: 6.14's from 6.14 on, 6.13.8's before (the closest recorded). */
export function openApiFileFor(version: string): string {
	return featuresOf(version).v614 ? OPENAPI_FILES.v614 : OPENAPI_FILES.v613;
}

/** The parsed document (shared: never modify it). */
export function openApiFor(version: string): OpenApiDocument {
	return load(openApiFileFor(version)).json;
}

/** The document as recorded, for `GET /openapi.json`. */
export function openApiTextFor(version: string): string {
	return load(openApiFileFor(version)).text;
}

const workflows = new Map<string, Record<string, unknown>>();

/** The default workflows this version ships (a fresh copy each call). */
export function defaultWorkflowsFor(version: string): Record<string, unknown>[] {
	const v614 = featuresOf(version).v614;
	return DEFAULT_WORKFLOW_FILES.filter((file) => v614 || !NEEDS_614.has(file)).map((file) => {
		let workflow = workflows.get(file);
		if (!workflow) {
			workflow = JSON.parse(readFileSync(fixturePath(path.join('default_workflows', file)), 'utf8')) as Record<string, unknown>;
			workflows.set(file, workflow);
		}
		return structuredClone(workflow);
	});
}
