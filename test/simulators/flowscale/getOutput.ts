// `GET /api/v1/runs/output?filename=<output name>`: "not ready" (204 by default) until the file is
// stored, then 200 with a fresh pre-signed `download_url` on the storage host; 408 once the run
// timed out. A failed or cancelled run's outputs stay "not ready": that is why SDK 1.1.4, which
// polls outputs, notices such a run only at its own timeout.
import { nginxErrorPage } from '../shared/faults.ts';
import type { Reply } from '../shared/httpShell.ts';
import { ParamReader } from '../shared/fastapi.ts';
import { outputKey } from './files.ts';
import type { RenderContext } from './render.ts';
import { failure, noContent, success } from './replies.ts';

function notReady(ctx: RenderContext): Reply {
	switch (ctx.options.notReady) {
		case 204:
			return noContent();
		case 404:
			return failure(404, 'Output not found');
		case 504:
			// A gateway giving up on a slow answer, as 1.1.0b expects it.
			return { status: 504, headers: { 'content-type': 'text/html' }, body: nginxErrorPage(504) };
	}
}

export function getOutput(ctx: RenderContext, query: Map<string, string>): Reply {
	const reader = new ParamReader('query', query);
	const filename = reader.str('filename', true) ?? '';
	reader.check();
	// Found by name, with or without its extension (the docs pass "...5WWF7GQUYF.png"). An unknown
	// name is "not ready" too: the server cannot tell it from a file not written yet.
	const found = ctx.engine.findOutput(filename);
	if (!found) return notReady(ctx);
	if (found.run.state === 'timeout') return failure(408, 'Run Timeout');
	if (!found.output.ready) return notReady(ctx);
	return success({ download_url: ctx.storage.signedUrl(outputKey(found.run.id, found.output.fileName)), generation_status: 'success' });
}
