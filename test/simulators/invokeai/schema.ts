// An index of one OpenAPI document's invocation templates, the way InvokeAI's node registry sees
// them: node type → its input properties (the invocation schema) and output properties (the schema
// its `output.$ref` names). Built once per document and shared.
import type { JsonSchema, OpenApiDocument } from './fixtures.ts';

export interface NodeTemplate {
	/** The `type` discriminator, e.g. `l2i`. */
	type: string;
	/** The schema name, e.g. `LatentsToImageInvocation`. */
	className: string;
	schema: JsonSchema;
	/** Every property of the invocation model (id, type, is_intermediate, use_cache and the inputs), in model order. */
	inputs: Record<string, JsonSchema>;
	/** The output's `type`, e.g. `image_output`. */
	outputType: string;
	/** Every property of the output model (output_meta and type included), in model order. */
	outputs: Record<string, JsonSchema>;
}

export interface SchemaIndex {
	document: OpenApiDocument;
	nodes: Map<string, NodeTemplate>;
	/** The `schemas` entry a `$ref` names; undefined when the document lacks it. */
	resolve(ref: string): JsonSchema | undefined;
	/** The schema name of a `$ref` (`#/components/schemas/ImageField` → `ImageField`). */
	refName(ref: string): string;
}

const indexes = new WeakMap<OpenApiDocument, SchemaIndex>();

const refName = (ref: string): string => ref.slice(ref.lastIndexOf('/') + 1);

export function schemaIndex(document: OpenApiDocument): SchemaIndex {
	let index = indexes.get(document);
	if (index) return index;
	const schemas = document.components.schemas;
	const resolve = (ref: string): JsonSchema | undefined => schemas[refName(ref)];
	const nodes = new Map<string, NodeTemplate>();
	for (const [className, schema] of Object.entries(schemas)) {
		if (schema.class !== 'invocation') continue;
		const type = schema.properties?.type?.const;
		if (typeof type !== 'string') continue;
		const output = schema.output?.$ref ? resolve(schema.output.$ref) : undefined;
		nodes.set(type, {
			type,
			className,
			schema,
			inputs: schema.properties ?? {},
			outputType: String(output?.properties?.type?.const ?? ''),
			outputs: output?.properties ?? {},
		});
	}
	index = { document, nodes, resolve, refName };
	indexes.set(document, index);
	return index;
}

/** The `$ref` names a field schema can hold (null left out): `ImageField`, or `string`/`integer`/… for primitives, `list[...]` for arrays, `any` for an untyped field. */
export function typeAtoms(schema: JsonSchema | undefined): Set<string> {
	const atoms = new Set<string>();
	const walk = (part: JsonSchema | undefined): void => {
		if (!part) return;
		if (part.$ref) atoms.add(refName(part.$ref));
		else if (part.anyOf) part.anyOf.forEach(walk);
		else if (part.oneOf) part.oneOf.forEach(walk);
		else if (part.type === 'null') return;
		else if (part.type === 'array') {
			const inner = typeof part.items === 'object' ? typeAtoms(part.items) : new Set(['any']);
			if (inner.has('any')) atoms.add('any');
			for (const item of inner) atoms.add(`list[${item}]`);
		} else if (part.type) atoms.add(part.type);
		else atoms.add('any');
	};
	walk(schema);
	if (atoms.size === 0) atoms.add('any');
	return atoms;
}
