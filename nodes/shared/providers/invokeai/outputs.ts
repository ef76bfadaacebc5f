// Runtime-neutral: web-standard APIs only (no node:, Deno, process), so n8n, Node and Deno share it.
// A finished item's pictures and videos (the reference's §7): every `{image_name}` (or
// `{video_name}`, or a list of either) in `session.results`, each tied back to the workflow node it
// came from through `prepared_source_mapping` (prepared ids are fresh UUIDs, and a node inside an
// `iterate` has one prepared copy per pass). By default only the workflow's output nodes count: the
// ones not intermediate ("Save to Gallery"); a workflow with no such node that made an image (as
// "Prompt from File", whose `l2i` is intermediate too) gives every image it made.
import type { NodeLabels } from './queueItem.ts';
import { nodeLabel } from './queueItem.ts';
import type { QueueItem } from './schemas.ts';

/** Which outputs a run hands on: the workflow's output nodes' (default), or every image and video the session made. */
export type OutputSelection = 'output-nodes' | 'all';

export interface OutputRef {
	kind: 'image' | 'video';
	/** `image_name` or `video_name` on the server. */
	name: string;
	/** The workflow node it came from. */
	nodeId: string;
	/** The prepared copy that made it. */
	preparedId: string;
	width?: number;
	height?: number;
}

/** Nodes that hand an existing picture through (a loaded input) rather than making one. */
const PASS_THROUGH_TYPES: ReadonlySet<string> = new Set(['image', 'load_image', 'video']);

/** Every picture and video in the item's results, in the order the session made them, each once. */
export function mediaOf(item: QueueItem): OutputRef[] {
	const session = item.session;
	const mapping = session?.prepared_source_mapping ?? {};
	const refs: OutputRef[] = [];
	const seen = new Set<string>();
	for (const [preparedId, output] of Object.entries(session?.results ?? {})) {
		if (!isRecord(output)) continue;
		const nodeId = mapping[preparedId] ?? preparedId;
		const size = typeof output.width === 'number' && typeof output.height === 'number' ? { width: output.width, height: output.height } : undefined;
		for (const [field, value] of Object.entries(output)) {
			for (const found of mediaIn(value)) {
				const key = `${found.kind}\u0000${found.name}`;
				if (seen.has(key)) continue;
				seen.add(key);
				// The output's width and height are those of its `image` (image_output, and the like).
				const sized = size && field === found.kind ? size : undefined;
				refs.push({ ...found, nodeId, preparedId, ...sized });
			}
		}
	}
	return refs;
}

function mediaIn(value: unknown): Array<{ kind: 'image' | 'video'; name: string }> {
	if (Array.isArray(value)) return value.flatMap((item) => (isRecord(item) ? mediaIn(item) : []));
	if (!isRecord(value)) return [];
	if (typeof value.image_name === 'string' && value.image_name) return [{ kind: 'image', name: value.image_name }];
	if (typeof value.video_name === 'string' && value.video_name) return [{ kind: 'video', name: value.video_name }];
	return [];
}

/** The item's outputs as `selection` asks (see the file comment). */
export function itemOutputs(item: QueueItem, selection: OutputSelection = 'output-nodes'): OutputRef[] {
	const media = mediaOf(item);
	if (selection === 'all') return media;
	const nodes = item.session?.graph?.nodes ?? {};
	const typeOf = (nodeId: string): string | undefined => (typeof nodes[nodeId]?.type === 'string' ? (nodes[nodeId].type as string) : undefined);
	const made = media.filter((ref) => !PASS_THROUGH_TYPES.has(typeOf(ref.nodeId) ?? ''));
	// A node is intermediate only when it says so: InvokeAI's default is false.
	const fromOutputNodes = made.filter((ref) => nodes[ref.nodeId]?.is_intermediate !== true);
	return fromOutputNodes.length > 0 ? fromOutputNodes : made;
}

/** What a result file says of where it came from. */
export function outputDetails(item: QueueItem, ref: OutputRef, labels?: NodeLabels): Record<string, string | number> {
	return {
		itemId: item.item_id,
		nodeId: ref.nodeId,
		nodeLabel: nodeLabel(item, ref.nodeId, labels),
		[ref.kind === 'image' ? 'imageName' : 'videoName']: ref.name,
		...(ref.width === undefined ? {} : { width: ref.width }),
		...(ref.height === undefined ? {} : { height: ref.height }),
	};
}

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}
