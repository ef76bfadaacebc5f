// `POST /api/v1/runs?workflow_id=...[&group_id=...]`: the workflow's inputs come as form fields,
// multipart when a file is among them, urlencoded otherwise (Python requests without files).
import type { IncomingHttpHeaders } from 'node:http';

import type { FormPart } from '../shared/formBody.ts';
import { formEncoding, readFormParts } from '../shared/formBody.ts';
import type { Reply } from '../shared/httpShell.ts';
import { ParamReader } from '../shared/fastapi.ts';
import { contentTypeOf } from '../shared/contentTypes.ts';
import { inputKey } from './files.ts';
import type { RenderContext } from './render.ts';
import { createData } from './render.ts';
import { ApiError, detail, success } from './replies.ts';

export async function createRun(ctx: RenderContext, query: Map<string, string>, headers: IncomingHttpHeaders, body: Buffer): Promise<Reply> {
	const reader = new ParamReader('query', query);
	const workflowId = reader.str('workflow_id', true) ?? '';
	reader.check();
	const workflow = ctx.options.workflows.find((candidate) => candidate.id === workflowId);
	// The status and text are a guess (no source shows this answer); the SDK shows `errors` verbatim.
	if (!workflow) throw new ApiError(404, `Workflow not found: ${workflowId}`);

	const contentType = headers['content-type'] ?? null;
	// Starlette's request.form() sees no fields in a body that is not a form (JSON, say).
	const encoding = (body.length > 0 && formEncoding(contentType ?? undefined)) || 'none';
	let parts: FormPart[] = [];
	if (encoding !== 'none') {
		const read = await readFormParts(body, contentType ?? '');
		if (!read) return detail(400, 'There was an error parsing the body');
		parts = read;
	}

	const run = ctx.engine.create({ workflow, groupId: query.get('group_id') || null, encoding, contentType, parts });
	parts.forEach(({ value }, index) => {
		if (typeof value === 'string') return;
		ctx.storage.put(inputKey(run.id, index, value.fileName), value.contentType || contentTypeOf(value.fileName), value.bytes);
	});
	return success(createData(ctx, run));
}
