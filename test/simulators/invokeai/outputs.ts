// What a prepared node does when it runs: first the checks InvokeAI makes at run time (a required
// input still empty → MissingInputException / RequiredConnectionException, a model or image that
// does not exist), then an output of the node's own output type. Primitives, string joins,
// rand_int, prompt_from_file, iterate and collect compute their values; image and video nodes
// save a new image (or video) and return its name; everything else gets plausible placeholders
// shaped by the output schema, sizes carried from width/height inputs through latents to images.
import { randomUUID } from 'node:crypto';

import type { JsonSchema } from './fixtures.ts';
import type { MediaStore } from './images.ts';
import type { NodeTemplate, SchemaIndex } from './schema.ts';
import { typeAtoms } from './schema.ts';
import type { PreparedNode } from './session.ts';
import type { SimModel } from './types.ts';

export interface NodeFailure {
	type: string;
	message: string;
}

export interface RunEnvironment {
	index: SchemaIndex;
	media: MediaStore;
	models: SimModel[];
	userId: string;
	sessionId: string;
	itemId: number;
	hasWorkflow: boolean;
	/** Sizes of the latents, noise and images made so far, by name. */
	sizes: Map<string, { width: number; height: number }>;
	/** What the picture of an image made by this node says was asked. */
	promptFor(prepared: PreparedNode): string;
	random(): number;
}

/** Nodes that hand an existing image through rather than saving a new one. */
const PASS_THROUGH_IMAGE = new Set(['image']);
/** A placeholder MP4 (an `ftyp` box): enough for a download check. */
const VIDEO_BYTES = Buffer.from('000000186674797069736f6d0000020069736f6d69736f32', 'hex');

/** The run-time input checks of `invoke_internal`, then the models and images the node reads. */
export function runtimeFailure(prepared: PreparedNode, template: NodeTemplate, env: RunEnvironment): NodeFailure | undefined {
	const { node } = prepared;
	for (const [name, property] of Object.entries(template.inputs)) {
		if (property.orig_required !== true || 'orig_default' in property || (node[name] !== null && node[name] !== undefined)) continue;
		if (property.input === 'connection') return { type: 'RequiredConnectionException', message: `Node ${node.type} missing connections for field ${name}` };
		if (property.input === 'any') return { type: 'MissingInputException', message: `Node ${node.type} missing value or connection for field ${name}` };
	}
	for (const [name, property] of Object.entries(template.inputs)) {
		const value = node[name];
		if (typeof value !== 'object' || value === null) continue;
		const atoms = typeAtoms(property);
		if (atoms.has('ModelIdentifierField')) {
			const key = (value as { key?: unknown }).key;
			if (!env.models.some((model) => model.key === key)) return { type: node.type.startsWith('flux') ? 'ValueError' : 'Exception', message: `Unknown model: ${String(key)}` };
		}
		if (atoms.has('ImageField') && !Array.isArray(value)) {
			const imageName = (value as { image_name?: unknown }).image_name;
			if (typeof imageName === 'string' && !env.media.images.has(imageName)) return { type: 'ImageFileNotFoundException', message: 'Image file not found' };
		}
	}
	return undefined;
}

/** The node's output (`output_meta` first, `type` last, as pydantic dumps it). */
export function simulateOutput(prepared: PreparedNode, template: NodeTemplate, env: RunEnvironment): Record<string, unknown> {
	const { node } = prepared;
	const text = (name: string): string => (typeof node[name] === 'string' ? (node[name] as string) : '');
	const size = sizeOf(node, env);
	const special: Record<string, () => Record<string, unknown>> = {
		string_join: () => ({ value: text('string_left') + text('string_right') }),
		string_join_three: () => ({ value: text('string_left') + text('string_middle') + text('string_right') }),
		rand_int: () => {
			const low = Number(node.low ?? 0);
			const high = Number(node.high ?? 2147483647);
			return { value: low + Math.floor(env.random() * Math.max(1, high - low)) };
		},
		iterate: () => {
			const collection = Array.isArray(node.collection) ? node.collection : [];
			const index = Number(node.index ?? 0);
			return { item: collection[index], index, total: collection.length };
		},
		collect: () => ({ collection: Array.isArray(node.collection) ? node.collection : [] }),
		prompt_from_file: () => {
			const count = Number(node.max_prompts) > 0 ? Number(node.max_prompts) : 3;
			const start = Number(node.start_line ?? 1);
			const file = text('file_path') || 'prompts.txt';
			return { collection: Array.from({ length: count }, (_, at) => `${text('pre_prompt')}line ${start + at} of ${file}${text('post_prompt')}`) };
		},
	};
	const output: Record<string, unknown> = { output_meta: null };
	const computed = special[node.type]?.();
	for (const [name, property] of Object.entries(template.outputs)) {
		if (name === 'type' || name === 'output_meta') continue;
		output[name] = computed && name in computed ? computed[name] : produce(name, property, prepared, size, env);
	}
	output.type = template.outputType;
	return output;
}

function produce(name: string, property: JsonSchema, prepared: PreparedNode, size: { width: number; height: number }, env: RunEnvironment): unknown {
	const { node } = prepared;
	const atoms = typeAtoms(property);
	if (atoms.has('ImageField') && name === 'image') {
		if (PASS_THROUGH_IMAGE.has(node.type) && node.image) return node.image;
		return { image_name: saveImage(prepared, size, env) };
	}
	if (atoms.has('VideoField')) {
		const video = { name: `${randomUUID()}.mp4`, width: size.width, height: size.height, bytes: VIDEO_BYTES, userId: env.userId };
		env.media.videos.set(video.name, video);
		return { video_name: video.name };
	}
	if (atoms.has('LatentsField')) {
		const latentsName = randomUUID();
		env.sizes.set(latentsName, size);
		return { latents_name: latentsName, seed: typeof node.seed === 'number' ? node.seed : null };
	}
	if ((name === 'width' || name === 'height') && atoms.has('integer')) return size[name];
	if (name in node && node[name] !== null && node[name] !== undefined) return node[name];
	return placeholder(property, env.index, 0);
}

/** The node's picture size: its own width/height, else the size of the latents/noise/image it reads, else 1024². */
function sizeOf(node: Record<string, unknown>, env: RunEnvironment): { width: number; height: number } {
	if (typeof node.width === 'number' && typeof node.height === 'number' && node.width > 0 && node.height > 0) return { width: node.width, height: node.height };
	for (const value of Object.values(node)) {
		if (typeof value !== 'object' || value === null) continue;
		const named = value as { latents_name?: unknown; image_name?: unknown };
		const key = typeof named.latents_name === 'string' ? named.latents_name : typeof named.image_name === 'string' ? named.image_name : undefined;
		const known = key && (env.sizes.get(key) ?? env.media.images.get(key));
		if (known) return { width: known.width, height: known.height };
	}
	return { width: 1024, height: 1024 };
}

function saveImage(prepared: PreparedNode, size: { width: number; height: number }, env: RunEnvironment): string {
	const { node } = prepared;
	const board = node.board as { board_id?: unknown } | null | undefined;
	const request = env.promptFor(prepared) || node.type;
	const record = env.media.addImage({
		origin: 'internal',
		category: 'general',
		width: size.width,
		height: size.height,
		isIntermediate: node.is_intermediate === true,
		sessionId: env.sessionId,
		nodeId: prepared.id,
		hasWorkflow: env.hasWorkflow,
		boardId: typeof board?.board_id === 'string' && board.board_id !== 'none' ? board.board_id : null,
		userId: env.userId,
		picture: {
			width: size.width,
			height: size.height,
			flow: `InvokeAI ${node.type}`,
			request,
			footer: `item ${env.itemId} - node ${prepared.sourceId.slice(0, 8)}`,
			colourKey: `${request} ${env.itemId} ${prepared.id}`,
			comment: `invokeai simulator item ${env.itemId} session ${env.sessionId} node ${prepared.sourceId}`,
		},
	});
	env.sizes.set(record.name, size);
	return record.name;
}

/** A value of the schema's shape: required fields of models filled in, primitives zero or empty. */
function placeholder(schema: JsonSchema | undefined, index: SchemaIndex, depth: number): unknown {
	if (!schema || depth > 4) return null;
	if (schema.$ref) return placeholder(index.resolve(schema.$ref), index, depth + 1);
	if (schema.anyOf) return placeholder(schema.anyOf.find((member) => member.type !== 'null'), index, depth);
	if (schema.enum) return schema.enum[0];
	if ('const' in schema) return schema.const;
	if (schema.properties) {
		const result: Record<string, unknown> = {};
		for (const name of schema.required ?? []) result[name] = name.endsWith('_name') || name === 'key' ? randomUUID() : placeholder(schema.properties[name], index, depth + 1);
		return result;
	}
	switch (schema.type) {
		case 'string':
			return '';
		case 'integer':
		case 'number':
			return 0;
		case 'boolean':
			return false;
		case 'array':
			return [];
		case 'object':
			return {};
		default:
			return null;
	}
}
