// Shared by the InvokeAI workflow tests: parsed fixtures and templates, each built once.
import { type DefaultWorkflowFile, type OpenApiVersion, loadDefaultWorkflow, loadOpenApi } from '../../helpers/invokeaiFixtures';
import { InvokeAIGraphChecker } from '../../helpers/invokeaiGraphCheck';
import type { WorkflowInput } from '../../../nodes/shared/providers/invokeai/workflow/inputs';
import { NodeTemplates } from '../../../nodes/shared/providers/invokeai/workflow/templates';
import type { ModelIdentifier } from '../../../nodes/shared/providers/invokeai/workflow/values';
import { type Workflow, parseWorkflow } from '../../../nodes/shared/providers/invokeai/workflow/workflowSchema';

export { DEFAULT_WORKFLOW_FILES, OPENAPI_VERSIONS, loadDefaultWorkflow, loadOpenApi } from '../../helpers/invokeaiFixtures';

const templates = new Map<OpenApiVersion, NodeTemplates>();
const checkers = new Map<OpenApiVersion, InvokeAIGraphChecker>();

export function templatesFor(version: OpenApiVersion): NodeTemplates {
	if (!templates.has(version)) templates.set(version, NodeTemplates.fromOpenApi(loadOpenApi(version)));
	return templates.get(version) as NodeTemplates;
}

export function checkerFor(version: OpenApiVersion): InvokeAIGraphChecker {
	if (!checkers.has(version)) checkers.set(version, new InvokeAIGraphChecker(loadOpenApi(version)));
	return checkers.get(version) as InvokeAIGraphChecker;
}

export function workflow(file: DefaultWorkflowFile): Workflow {
	return parseWorkflow(loadDefaultWorkflow(file));
}

/** A model as the server would list it, of the first base and type the input takes. */
export function modelFor(input: Pick<WorkflowInput, 'type'>, name = 'test-model'): ModelIdentifier {
	const type = input.type.kind === 'model' ? input.type : undefined;
	return { key: `key-${name}`, hash: `blake3:${name}`, name, base: type?.bases?.[0] ?? 'any', type: type?.types?.[0] ?? 'main' };
}

/** Counters for ids: `id-1`, `id-2` … */
export function sequentialIds(prefix = 'id'): () => string {
	let next = 0;
	return () => `${prefix}-${++next}`;
}

export const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]);
