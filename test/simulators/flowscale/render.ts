// The `data` payloads of the pod API, in whichever of the reference's variants the options pick.
import type { ResolvedOptions } from './options.ts';
import type { Engine, InternalRun } from './state.ts';
import { containerName } from './state.ts';
import type { StorageHost } from './storage.ts';
import { inputKey, outputKey } from './files.ts';

export interface RenderContext {
	options: ResolvedOptions;
	engine: Engine;
	storage: StorageHost;
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** RunDetail, as `GET /api/v1/runs/{id}` and the runs list show it. */
export function runDetail(ctx: RenderContext, run: InternalRun): Record<string, unknown> {
	const { options, storage } = ctx;
	const detail: Record<string, unknown> = {
		_id: run.id,
		team_id: 'team_sim',
		workflow_id: run.workflow.id,
		group_id: run.groupId,
		status: options.statusOf(run.state),
		inputs: run.parts.map(({ name, value }, index) => {
			if (typeof value === 'string') return { path: name, value, s3_key: null, url: null };
			const key = inputKey(run.id, index, value.fileName);
			return { path: name, value: value.fileName, s3_key: key, url: storage.plainUrl(key) };
		}),
		outputs: run.outputs
			.filter((output) => output.ready)
			.map((output) => {
				const key = outputKey(run.id, output.fileName);
				return { filename: output.fileName, s3_key: key, url: storage.plainUrl(key) };
			}),
		output_names: run.outputs.filter((output) => output.named).map((output) => output.name),
		created_at: iso(run.createdAt),
		started_at: iso(run.startedAt),
		// Set however the run ended: no source says whether a failed run gets one.
		completed_at: iso(run.finishedAt),
	};
	if (!options.unknownFields) return detail;
	return {
		...detail,
		updated_at: iso(run.finishedAt ?? run.startedAt ?? run.createdAt),
		container: containerName(run.container),
		prompt_id: run.promptId,
		...(run.error === null ? {} : { error: run.error }),
		__v: 0,
	};
}

/** `POST /api/v1/runs` data. */
export function createData(ctx: RenderContext, run: InternalRun): unknown {
	const outputNames = run.outputs.filter((output) => output.named).map((output) => output.name);
	switch (ctx.options.createShape) {
		case 'current':
			return { run_id: run.id, workflow_id: run.workflow.id };
		case 'legacy':
			return { number: run.seq - 1, node_errors: {}, output_names: outputNames, run_id: run.id };
		case 'array':
			return [{ run_id: run.id, workflow_id: run.workflow.id }];
		case 'combined':
			return { run_id: run.id, workflow_id: run.workflow.id, output_names: outputNames };
	}
}

/** The container's key(s): SDK 1.1.4 says `container`, OpenAPI `url` (health) or `comfy_uri` (queue). */
function containerKeys(ctx: RenderContext, container: number, openApiKey: 'url' | 'comfy_uri'): Record<string, string> {
	const name = containerName(container);
	const uri = `http://comfy-${container + 1}.internal:8188`;
	switch (ctx.options.containerShape) {
		case 'container':
			return { container: name };
		case 'url':
			return { [openApiKey]: uri };
		case 'both':
			return { container: name, [openApiKey]: uri };
	}
}

function containers(ctx: RenderContext): number[] {
	return Array.from({ length: ctx.options.containers }, (_, index) => index);
}

export function healthData(ctx: RenderContext): unknown {
	return containers(ctx).map((container) => ({
		...containerKeys(ctx, container, 'url'),
		status: ctx.engine.runningOn(container) ? 'running' : 'idle',
	}));
}

/** A ComfyUI `/queue` item: [number, prompt_id, prompt, extra_data, outputs_to_execute]. */
function queueItem(run: InternalRun): unknown[] {
	const prompt: Record<string, unknown> = {};
	run.workflow.outputs.forEach((spec, index) => {
		prompt[String(9 + index)] = { class_type: 'SaveImage', inputs: { filename_prefix: spec.prefix } };
	});
	return [run.seq - 1, run.promptId, prompt, { client_id: 'flowscale' }, Object.keys(prompt)];
}

export function queueData(ctx: RenderContext): unknown {
	return containers(ctx).map((container) => {
		const running = ctx.engine.runningOn(container);
		return {
			...containerKeys(ctx, container, 'comfy_uri'),
			queue: { queue_running: running ? [queueItem(running)] : [], queue_pending: ctx.engine.pendingOn(container).map(queueItem) },
		};
	});
}

const OUTPUT_KIND: Record<string, string> = { png: 'image', jpg: 'image', jpeg: 'image', webp: 'image', gif: 'image', mp4: 'video', webm: 'video' };

/** `GET /api/v1/comfy/workflows` data; undefined when the deployment has no such route. */
export function workflowsData(ctx: RenderContext): unknown {
	const rows = ctx.options.workflows.map((workflow) => ({
		name: workflow.name,
		description: workflow.description ?? '',
		// JSON strings, as the JS docs show them.
		inputs: JSON.stringify(workflow.inputs),
		outputs: JSON.stringify(Object.fromEntries(workflow.outputs.map((spec) => [spec.prefix, OUTPUT_KIND[spec.extension ?? 'png'] ?? 'file']))),
	}));
	switch (ctx.options.workflowsListing) {
		case 'js':
			return rows.map((row, index) => ({ id: ctx.options.workflows[index].id, ...row }));
		case 'beta':
			return { workflows: rows.map((row, index) => ({ workflow_id: ctx.options.workflows[index].id, ...row })) };
		case 'absent':
			return undefined;
	}
}
