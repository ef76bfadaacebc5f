// Runtime-neutral: web-standard APIs only (no node:, Deno, process), so n8n, Node and Deno share it.
//
// Node templates: what each node type takes, read from the server's own `GET /openapi.json` as
// InvokeAI's web UI reads it (`features/nodes/util/schema/parseSchema.ts`, `parseFieldType.ts`,
// `buildFieldInputTemplate.ts`). Every invocation is `components.schemas.<Class>` with
// `class: "invocation"`, keyed by its `type` default; each property with a `field_kind` is an input.
// The document is 2-3 MB: build one NodeTemplates per server and version and keep it. Building
// only indexes the node types; each template is worked out the first time it is asked for.
import { z } from 'zod';

import { parseValue } from '../../../core/validate.ts';

export interface NumberBounds {
	minimum?: number;
	maximum?: number;
	exclusiveMinimum?: number;
	exclusiveMaximum?: number;
	multipleOf?: number;
}

/**
 * What an input takes. `name` is InvokeAI's own name of the type (`IntegerField`, `SchedulerField`,
 * `LatentsField` …); `kind` is what a value given here must look like.
 */
export type FieldType =
	| { kind: 'string'; name: string; minLength?: number; maxLength?: number }
	| ({ kind: 'integer'; name: string } & NumberBounds)
	| ({ kind: 'float'; name: string } & NumberBounds)
	| { kind: 'boolean'; name: string }
	/** Options are text, or numbers for a `Literal[256, 512]` (FLUX's `t5_max_seq_len`). */
	| { kind: 'enum'; name: string; options: Array<string | number>; optionLabels?: Record<string, string> }
	/** `{image_name}` (ImageField). */
	| { kind: 'image'; name: string }
	/** `{board_id}` (BoardField); in a workflow also "auto" or "none". */
	| { kind: 'board'; name: string }
	/** A ModelIdentifierField `{key, hash, name, base, type}`, of one of these bases and types when listed. */
	| { kind: 'model'; name: string; bases?: string[]; types?: string[]; formats?: string[]; variants?: string[] }
	/** `{r, g, b, a}`, each 0-255. */
	| { kind: 'color'; name: string }
	/** A list of `item`; `orSingle`: one item alone is taken too (`float | float[]`). */
	| { kind: 'collection'; name: string; item: FieldType; orSingle: boolean; minItems?: number; maxItems?: number }
	/** Anything else: connection types (LatentsField, UNetField …), video, LoRA lists, metadata. */
	| { kind: 'other'; name: string };

/** How an input is filled: typed in (`direct`), only by an edge (`connection`), or either (`any`). */
export type InputKind = 'direct' | 'connection' | 'any';

export interface InputFieldTemplate {
	name: string;
	/** The schema's `title`, else the field name in Start Case ("T5 Encoder Model"), as the UI shows it. */
	title: string;
	description: string;
	input: InputKind;
	/** `orig_required`: the node fails at run time without it (every input is optional to the queue). */
	required: boolean;
	/** The schema takes null. */
	nullable: boolean;
	/** `ui_hidden`: the UI does not show it on the node. */
	hidden: boolean;
	default?: unknown;
	type: FieldType;
	/** `ui_type`, when the schema overrides the type the UI shows (SchedulerField, CollectionField …). */
	uiType?: string;
}

export interface NodeTemplate {
	/** The node type, e.g. `sdxl_model_loader`. */
	type: string;
	/** The schema's title without "Invocation", e.g. "Main Model - SDXL". */
	title: string;
	/** The schema's name in `components.schemas`, e.g. `SDXLModelLoaderInvocation`. */
	className: string;
	description: string;
	version?: string;
	category?: string;
	classification?: string;
	nodePack?: string;
	useCache: boolean;
	/** The inputs the UI knows, in the schema's order. Reserved ones (id, type, use_cache, is_intermediate) are not here. */
	inputs: Record<string, InputFieldTemplate>;
	/** The output's fields, e.g. `["image", "width", "height"]`. */
	outputs: string[];
	/** The output's type, e.g. `image_output`. */
	outputType?: string;
}

type Schema = Record<string, unknown>;

const documentSchema = z
	.object({ components: z.object({ schemas: z.record(z.unknown()) }).passthrough() })
	.passthrough();

/** Nodes the UI never offers. */
const DENIED_TYPES = new Set(['graph', 'linear_ui_output']);
const RESERVED_INPUTS = new Set(['id', 'type', 'use_cache']);

/** The node types of one server's OpenAPI document. */
export class NodeTemplates {
	private readonly schemas: Record<string, unknown>;
	/** Node type → schema name. */
	private readonly classes = new Map<string, string>();
	private readonly built = new Map<string, NodeTemplate | undefined>();

	private constructor(schemas: Record<string, unknown>) {
		this.schemas = schemas;
		for (const [className, schema] of Object.entries(schemas)) {
			if (!isSchema(schema) || schema.class !== 'invocation' || !isSchema(schema.properties)) continue;
			const typeProperty = schema.properties.type;
			const type = isSchema(typeProperty) ? typeProperty.default ?? typeProperty.const : undefined;
			if (typeof type === 'string' && !DENIED_TYPES.has(type)) this.classes.set(type, className);
		}
	}

	/**
	 * Indexes a parsed `GET /openapi.json`. A document without `components.schemas` is a
	 * ResponseShapeError naming `context`.
	 */
	static fromOpenApi(document: unknown, context = 'GET /openapi.json'): NodeTemplates {
		const parsed = parseValue(documentSchema, document, context);
		return new NodeTemplates(parsed.components.schemas);
	}

	/** Every node type the document has a schema for (including ones whose template cannot be built). */
	types(): string[] {
		return [...this.classes.keys()];
	}

	has(type: string): boolean {
		return this.get(type) !== undefined;
	}

	/** The template of a node type, or undefined when the server does not know it. */
	get(type: string): NodeTemplate | undefined {
		if (this.built.has(type)) return this.built.get(type);
		const className = this.classes.get(type);
		const template = className === undefined ? undefined : this.build(type, className);
		this.built.set(type, template);
		return template;
	}

	private build(type: string, className: string): NodeTemplate | undefined {
		const schema = this.schemas[className] as Schema;
		const properties = schema.properties as Schema;
		// The UI drops a node whose output schema is missing; so does this.
		const outputName = isSchema(schema.output) && typeof schema.output.$ref === 'string' ? refName(schema.output.$ref) : undefined;
		const output = outputName === undefined ? undefined : this.schemas[outputName];
		if (!isSchema(output) || output.class !== 'output' || !isSchema(output.properties)) return undefined;
		const inputs: Record<string, InputFieldTemplate> = {};
		for (const [name, property] of Object.entries(properties)) {
			if (RESERVED_INPUTS.has(name) || (type === 'iterate' && name === 'index')) continue;
			if (!isSchema(property) || !('field_kind' in property)) continue;
			const field = buildInputTemplate(name, property);
			if (field) inputs[name] = field;
		}
		const outputTypeProperty = output.properties.type;
		const useCacheProperty = properties.use_cache;
		return {
			type,
			title: (typeof schema.title === 'string' ? schema.title : type).replace('Invocation', ''),
			className,
			description: typeof schema.description === 'string' ? schema.description : '',
			version: stringOrUndefined(schema.version),
			category: stringOrUndefined(schema.category),
			classification: stringOrUndefined(schema.classification),
			nodePack: stringOrUndefined(schema.node_pack),
			useCache: isSchema(useCacheProperty) && typeof useCacheProperty.default === 'boolean' ? useCacheProperty.default : true,
			inputs,
			outputs: Object.keys(output.properties).filter((name) => name !== 'type'),
			outputType: isSchema(outputTypeProperty) ? stringOrUndefined(outputTypeProperty.default) : undefined,
		};
	}
}

type Cardinality = 'SINGLE' | 'COLLECTION' | 'SINGLE_OR_COLLECTION';
interface ParsedType {
	name: string;
	cardinality: Cardinality;
}

/** The type names the UI keeps a value for; every other type is filled only by a connection. */
const STATEFUL_TYPES = new Set([
	'IntegerField',
	'FloatField',
	'StringField',
	'BooleanField',
	'EnumField',
	'ImageField',
	'VideoField',
	'BoardField',
	'StylePresetField',
	'SystemPromptField',
	'ModelIdentifierField',
	'LoRAField',
	'ColorField',
	'SchedulerField',
	'SavedWorkflowField',
	'FloatGeneratorField',
	'IntegerGeneratorField',
	'StringGeneratorField',
	'ImageGeneratorField',
	'LoRAMetadataField',
	'ControlNetMetadataField',
	'IPAdapterMetadataField',
	'T2IAdapterMetadataField',
	'MetadataExtraField',
]);

/** One input, or undefined where the UI cannot read its type (it leaves such inputs out too). */
function buildInputTemplate(name: string, property: Schema): InputFieldTemplate | undefined {
	const uiType = stringOrUndefined(property.ui_type);
	let parsed: ParsedType | undefined;
	if (uiType) parsed = { name: uiType, cardinality: uiType === 'CollectionField' ? 'COLLECTION' : 'SINGLE' };
	else parsed = parseFieldType(property);
	if (!parsed || parsed.name === 'IsIntermediate') return undefined;
	const type = fieldType(parsed, property);
	if (!type) return undefined;
	const input = property.input === 'direct' || property.input === 'connection' || property.input === 'any' ? property.input : 'any';
	return {
		name,
		title: typeof property.title === 'string' && property.title ? property.title : startCase(name),
		description: typeof property.description === 'string' ? property.description : '',
		input: STATEFUL_TYPES.has(parsed.name) ? input : 'connection',
		required: property.orig_required === true,
		nullable: allowsNull(property),
		hidden: property.ui_hidden === true,
		...('default' in property ? { default: property.default } : {}),
		type,
		...(uiType ? { uiType } : {}),
	};
}

const PRIMITIVE_NAMES: Record<string, string> = { integer: 'IntegerField', number: 'FloatField', string: 'StringField', boolean: 'BooleanField' };

/** The UI's `parseFieldType`: a name and a cardinality, or undefined for a type it does not read. */
function parseFieldType(schema: unknown): ParsedType | undefined {
	if (!isSchema(schema)) return undefined;
	if (typeof schema.$ref === 'string') return { name: refName(schema.$ref), cardinality: 'SINGLE' };
	if (schema.const) return { name: 'EnumField', cardinality: 'SINGLE' };
	if (!schema.type) {
		if (Array.isArray(schema.allOf)) {
			const first = schema.allOf[0];
			return isSchema(first) && typeof first.$ref === 'string' ? { name: refName(first.$ref), cardinality: 'SINGLE' } : undefined;
		}
		if (!Array.isArray(schema.anyOf)) return undefined;
		const members = schema.anyOf.filter((member) => !(isSchema(member) && member.type === 'null'));
		if (members.length === 1) return parseFieldType(members[0]);
		if (members.length !== 2) return undefined;
		const [first, second] = members;
		const pair = isArraySchema(first) ? [first.items, second] : isArraySchema(second) ? [first, second.items] : undefined;
		if (!pair) return undefined;
		const [single, item] = pair;
		let name: string | undefined;
		if (isSchema(single) && isSchema(item) && typeof single.$ref === 'string' && typeof item.$ref === 'string') {
			name = refName(single.$ref) === refName(item.$ref) ? refName(single.$ref) : undefined;
		} else if (isPlainNonArray(single) && isPlainNonArray(item) && typeof single.type === 'string' && single.type === item.type) {
			name = PRIMITIVE_NAMES[single.type] ?? single.type;
		}
		return name === undefined ? undefined : { name, cardinality: 'SINGLE_OR_COLLECTION' };
	}
	if (Array.isArray(schema.enum)) return { name: 'EnumField', cardinality: 'SINGLE' };
	if (schema.type === 'array') {
		const items = schema.items;
		if (!isSchema(items)) return undefined;
		if (typeof items.$ref === 'string') return { name: refName(items.$ref), cardinality: 'COLLECTION' };
		const name = typeof items.type === 'string' ? PRIMITIVE_NAMES[items.type] : undefined;
		return name === undefined ? undefined : { name, cardinality: 'COLLECTION' };
	}
	const name = typeof schema.type === 'string' ? PRIMITIVE_NAMES[schema.type] : undefined;
	return name === undefined ? undefined : { name, cardinality: 'SINGLE' };
}

function fieldType(parsed: ParsedType, property: Schema): FieldType | undefined {
	const parts = schemaParts(property);
	const single = singleType(parsed.name, property, parts);
	if (!single) return undefined;
	if (parsed.cardinality === 'SINGLE') return single;
	return {
		kind: 'collection',
		name: parsed.name,
		item: single,
		orSingle: parsed.cardinality === 'SINGLE_OR_COLLECTION',
		...numberIn(parts, 'minItems'),
		...numberIn(parts, 'maxItems'),
	};
}

function singleType(name: string, property: Schema, parts: Schema[]): FieldType | undefined {
	switch (name) {
		case 'IntegerField':
		case 'FloatField':
			return { kind: name === 'IntegerField' ? 'integer' : 'float', name, ...numberBounds(parts) };
		case 'StringField':
			return { kind: 'string', name, ...numberIn(parts, 'minLength'), ...numberIn(parts, 'maxLength') };
		case 'BooleanField':
			return { kind: 'boolean', name };
		case 'EnumField':
		case 'SchedulerField': {
			const options = enumOptions(parts);
			// The UI cannot build an enum input without options, and leaves it out.
			if (options.length === 0) return name === 'EnumField' ? undefined : { kind: 'other', name };
			const labels = isSchema(property.ui_choice_labels) ? (property.ui_choice_labels as Record<string, unknown>) : undefined;
			const optionLabels = labels && Object.fromEntries(Object.entries(labels).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
			return { kind: 'enum', name, options, ...(optionLabels && Object.keys(optionLabels).length > 0 ? { optionLabels } : {}) };
		}
		case 'ImageField':
			return { kind: 'image', name };
		case 'BoardField':
			return { kind: 'board', name };
		case 'ColorField':
			return { kind: 'color', name };
		case 'ModelIdentifierField':
			return {
				kind: 'model',
				name,
				...listIn(property, 'ui_model_base', 'bases'),
				...listIn(property, 'ui_model_type', 'types'),
				...listIn(property, 'ui_model_format', 'formats'),
				...listIn(property, 'ui_model_variant', 'variants'),
			};
		default:
			return { kind: 'other', name };
	}
}

/** The property and every schema it is made of (anyOf members, array items), nulls left out. */
function schemaParts(property: Schema): Schema[] {
	const parts: Schema[] = [];
	const visit = (schema: unknown): void => {
		if (!isSchema(schema) || schema.type === 'null') return;
		parts.push(schema);
		for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
			const members = schema[key];
			if (Array.isArray(members)) members.forEach(visit);
		}
		if (schema.type === 'array') visit(schema.items);
	};
	visit(property);
	return parts;
}

function numberBounds(parts: Schema[]): NumberBounds {
	return {
		...numberIn(parts, 'minimum', 'ge'),
		...numberIn(parts, 'maximum', 'le'),
		...numberIn(parts, 'exclusiveMinimum', 'gt'),
		...numberIn(parts, 'exclusiveMaximum', 'lt'),
		...numberIn(parts, 'multipleOf'),
	};
}

/** `{key: n}` from the first part that has `key` (or its pydantic spelling `alias`) as a number. */
function numberIn<Key extends string>(parts: Schema[], key: Key, alias?: string): Partial<Record<Key, number>> {
	for (const part of parts) {
		for (const name of alias ? [key, alias] : [key]) {
			if (typeof part[name] === 'number') return { [key]: part[name] } as Partial<Record<Key, number>>;
		}
	}
	return {};
}

function listIn<Key extends string>(property: Schema, from: string, key: Key): Partial<Record<Key, string[]>> {
	const value = property[from];
	const list = typeof value === 'string' ? [value] : Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
	return list.length > 0 ? ({ [key]: list } as Partial<Record<Key, string[]>>) : {};
}

function enumOptions(parts: Schema[]): Array<string | number> {
	const isOption = (option: unknown): option is string | number => typeof option === 'string' || typeof option === 'number';
	for (const part of parts) {
		if (Array.isArray(part.enum)) return part.enum.filter(isOption);
		if (isOption(part.const)) return [part.const];
	}
	return [];
}

function allowsNull(property: Schema): boolean {
	if (property.type === 'null' || property.default === null) return true;
	return ['anyOf', 'oneOf'].some((key) => {
		const members = property[key];
		return Array.isArray(members) && members.some((member) => isSchema(member) && (member.type === 'null' || allowsNull(member)));
	});
}

/**
 * lodash's `startCase`, which the UI uses for a field without a title: words split at
 * non-letters, case changes and digits, each capitalised ("t5_encoder_model" → "T 5 Encoder Model").
 */
export function startCase(name: string): string {
	const words = name.match(/\p{Lu}?\p{Ll}+|[0-9]+|\p{Lu}+(?!\p{Ll})|\p{L}+/gu) ?? [];
	return words.map((word) => (word === word.toUpperCase() ? word : word[0].toUpperCase() + word.slice(1).toLowerCase())).join(' ');
}

function refName(ref: string): string {
	return ref.split('/').slice(-1)[0];
}

function isArraySchema(value: unknown): value is Schema & { items: unknown } {
	return isSchema(value) && typeof value.$ref !== 'string' && value.type === 'array';
}

function isPlainNonArray(value: unknown): value is Schema {
	return isSchema(value) && typeof value.$ref !== 'string' && value.type !== 'array';
}

function isSchema(value: unknown): value is Schema {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringOrUndefined(value: unknown): string | undefined {
	return typeof value === 'string' ? value : undefined;
}
