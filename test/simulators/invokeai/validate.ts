// Request validation the way FastAPI/pydantic v2 does it, driven by the recorded OpenAPI schemas:
// lax coercion (a numeric string for an int, an int for a float), defaults filled in, unknown keys
// dropped, every problem collected with its `loc`, `msg`, `type`, `input` (and `ctx`), and
// discriminated unions (the graph's nodes, tagged by `type`) with pydantic's tag errors.
import { randomUUID } from 'node:crypto';

import { parsePythonBool, parsePythonInt } from '../shared/fastapi.ts';
import type { JsonSchema } from './fixtures.ts';
import type { SchemaIndex } from './schema.ts';

export type Loc = (string | number)[];

/** One error of a 422 `detail` list (a type alias, so it passes where FastAPI helpers take plain records). */
export type PydanticError = {
	type: string;
	loc: Loc;
	msg: string;
	input: unknown;
	ctx?: Record<string, unknown>;
};

export interface Checked {
	value: unknown;
	errors: PydanticError[];
}

export interface CheckOptions {
	/** Invocation models set `coerce_numbers_to_str`: a number given for a str field becomes its text. */
	coerceNumbersToStr?: boolean;
	/** Per schema name: validation replaced by the hook (e.g. the graph, checked by graphCheck.ts). */
	hooks?: Record<string, (value: unknown, loc: Loc) => Checked>;
}

/** Fields whose pydantic default is a factory (the schema shows none): a fresh uuid. */
const FACTORY_FIELDS = new Set(['id', 'batch_id']);

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Python's repr of a literal in pydantic's messages: `'a'`, `1`, `True`. */
function pyRepr(value: unknown): string {
	if (typeof value === 'string') return `'${value}'`;
	if (value === true) return 'True';
	if (value === false) return 'False';
	if (value === null) return 'None';
	return String(value);
}

/** `'a', 'b' or 'c'` */
export function expectedList(values: unknown[]): string {
	const parts = values.map(pyRepr);
	return parts.length <= 1 ? parts.join('') : `${parts.slice(0, -1).join(', ')} or ${parts[parts.length - 1]}`;
}

const plural = (count: number, word: string): string => `${count} ${word}${count === 1 ? '' : 's'}`;

export class SchemaValidator {
	constructor(private readonly index: SchemaIndex) {}

	check(value: unknown, schema: JsonSchema, loc: Loc, options: CheckOptions = {}): Checked {
		if (schema.$ref) return this.checkRef(value, schema.$ref, loc, options);
		if (schema.anyOf) return this.checkAnyOf(value, schema.anyOf, loc, options);
		if (schema.oneOf) return this.checkTagged(value, schema.oneOf, loc, options);
		if (schema.enum) return this.checkChoice(value, schema.enum, loc, 'enum');
		if ('const' in schema) return this.checkChoice(value, [schema.const], loc, 'literal_error');
		switch (schema.type) {
			case 'string':
				return this.checkString(value, schema, loc, options);
			case 'integer':
				return this.checkInteger(value, schema, loc);
			case 'number':
				return this.checkNumber(value, schema, loc);
			case 'boolean':
				return this.checkBoolean(value, loc);
			case 'array':
				return this.checkArray(value, schema, loc, options);
			case 'null':
				return value === null ? ok(null) : fail({ type: 'none_required', loc, msg: 'Input should be None', input: value });
			case 'object':
				return schema.properties ? this.checkModel(value, schema, loc, schema.title ?? 'object', options) : this.checkDict(value, schema, loc, options);
			default:
				return ok(value);
		}
	}

	/** A `$ref`: a model (object with properties), an enum, or a hooked schema. */
	private checkRef(value: unknown, ref: string, loc: Loc, options: CheckOptions): Checked {
		const name = this.index.refName(ref);
		const hook = options.hooks?.[name];
		if (hook) return hook(value, loc);
		const target = this.index.resolve(ref);
		if (!target) return ok(value);
		if (target.properties || target.type === 'object') return this.checkModel(value, target, loc, name, options);
		return this.check(value, target, loc, options);
	}

	/** A pydantic model: every declared field checked (missing → default, factory or `missing`), unknown keys dropped. */
	checkModel(value: unknown, schema: JsonSchema, loc: Loc, className: string, options: CheckOptions): Checked {
		if (!isPlainObject(value)) {
			return fail({ type: 'model_type', loc, msg: `Input should be a valid dictionary or instance of ${className}`, input: value, ctx: { class_name: className } });
		}
		const result: Record<string, unknown> = {};
		const errors: PydanticError[] = [];
		const required = new Set(schema.required ?? []);
		for (const [name, property] of Object.entries(schema.properties ?? {})) {
			if (Object.prototype.hasOwnProperty.call(value, name)) {
				const checked = this.check(value[name], property, [...loc, name], options);
				errors.push(...checked.errors);
				result[name] = checked.value;
			} else if ('default' in property) {
				result[name] = structuredClone(property.default);
			} else if (FACTORY_FIELDS.has(name)) {
				result[name] = randomUUID();
			} else if (required.has(name)) {
				errors.push({ type: 'missing', loc: [...loc, name], msg: 'Field required', input: value });
			} else {
				// An optional field whose default the document leaves out: None, or an empty container.
				const fallback = implicitDefault(property);
				if (fallback !== undefined) result[name] = fallback;
			}
		}
		if (schema.additionalProperties === true) {
			for (const [name, item] of Object.entries(value)) if (!(name in result)) result[name] = item;
		}
		return { value: result, errors };
	}

	private checkDict(value: unknown, schema: JsonSchema, loc: Loc, options: CheckOptions): Checked {
		if (!isPlainObject(value)) return fail({ type: 'dict_type', loc, msg: 'Input should be a valid dictionary', input: value });
		const itemSchema = typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined;
		if (!itemSchema) return ok(value);
		const result: Record<string, unknown> = {};
		const errors: PydanticError[] = [];
		for (const [key, item] of Object.entries(value)) {
			const checked = this.check(item, itemSchema, [...loc, key], options);
			errors.push(...checked.errors);
			result[key] = checked.value;
		}
		return { value: result, errors };
	}

	/** `Optional[X]` (X and null) checks X at the same loc; a wider union tries each member, pydantic-style labels on failure. */
	private checkAnyOf(value: unknown, members: JsonSchema[], loc: Loc, options: CheckOptions): Checked {
		const nonNull = members.filter((member) => member.type !== 'null');
		const nullable = nonNull.length < members.length;
		if (value === null && nullable) return ok(null);
		if (nonNull.length === 1) return this.check(value, nonNull[0], loc, options);
		const errors: PydanticError[] = [];
		// Smart mode, roughly: a member of the input's own kind first.
		const ordered = [...nonNull].sort((a, b) => Number(!this.sameKind(value, a)) - Number(!this.sameKind(value, b)));
		for (const member of ordered) {
			const checked = this.check(value, member, [...loc, this.label(member)], options);
			if (!checked.errors.length) return checked;
		}
		for (const member of nonNull) errors.push(...this.check(value, member, [...loc, this.label(member)], options).errors);
		return { value, errors };
	}

	private sameKind(value: unknown, schema: JsonSchema): boolean {
		if (schema.$ref) return isPlainObject(value);
		if (schema.type === 'array') return Array.isArray(value);
		if (schema.type === 'string') return typeof value === 'string';
		if (schema.type === 'integer') return typeof value === 'number' && Number.isInteger(value);
		if (schema.type === 'number') return typeof value === 'number';
		if (schema.type === 'boolean') return typeof value === 'boolean';
		return false;
	}

	/** pydantic's name for a union member in a `loc`. */
	private label(schema: JsonSchema): string {
		if (schema.$ref) return this.index.refName(schema.$ref);
		if (schema.type === 'array') return `list[${typeof schema.items === 'object' ? this.label(schema.items) : 'any'}]`;
		if (schema.type === 'object') return 'dict[str,any]';
		return { string: 'str', integer: 'int', number: 'float', boolean: 'bool' }[schema.type ?? ''] ?? 'any';
	}

	/** A union discriminated by `type` (the graph's nodes): pydantic's tag errors, then the member's own, under the tag. */
	checkTagged(value: unknown, members: JsonSchema[], loc: Loc, options: CheckOptions): Checked {
		const byTag = new Map<string, { schema: JsonSchema; name: string }>();
		for (const member of members) {
			const target = member.$ref ? this.index.resolve(member.$ref) : member;
			const tag = target?.properties?.type?.const;
			if (target && typeof tag === 'string') byTag.set(tag, { schema: target, name: member.$ref ? this.index.refName(member.$ref) : tag });
		}
		if (!isPlainObject(value)) {
			return fail({ type: 'model_attributes_type', loc, msg: 'Input should be a valid dictionary or object to extract fields from', input: value });
		}
		if (!('type' in value)) {
			return fail({ type: 'union_tag_not_found', loc, msg: "Unable to extract tag using discriminator 'type'", input: value, ctx: { discriminator: "'type'" } });
		}
		const tag = String(value.type);
		const member = byTag.get(tag);
		if (!member) {
			const expected = [...byTag.keys()].map((key) => `'${key}'`).join(', ');
			return fail({
				type: 'union_tag_invalid',
				loc,
				msg: `Input tag '${tag}' found using 'type' does not match any of the expected tags: ${expected}`,
				input: value,
				ctx: { discriminator: "'type'", tag, expected_tags: expected },
			});
		}
		const coerce = member.schema.class === 'invocation' ? { ...options, coerceNumbersToStr: true } : options;
		return this.checkModel(value, member.schema, [...loc, tag], member.name, coerce);
	}

	private checkChoice(value: unknown, choices: unknown[], loc: Loc, type: 'enum' | 'literal_error'): Checked {
		if (choices.some((choice) => choice === value)) return ok(value);
		const expected = expectedList(choices);
		return fail({ type, loc, msg: `Input should be ${expected}`, input: value, ctx: { expected } });
	}

	private checkString(value: unknown, schema: JsonSchema, loc: Loc, options: CheckOptions): Checked {
		let text: string;
		if (typeof value === 'string') text = value;
		else if (typeof value === 'number' && options.coerceNumbersToStr) text = String(value);
		else return fail({ type: 'string_type', loc, msg: 'Input should be a valid string', input: value });
		const length = Array.from(text).length;
		if (schema.minLength !== undefined && length < schema.minLength) {
			return fail({ type: 'string_too_short', loc, msg: `String should have at least ${plural(schema.minLength, 'character')}`, input: value, ctx: { min_length: schema.minLength } });
		}
		if (schema.maxLength !== undefined && length > schema.maxLength) {
			return fail({ type: 'string_too_long', loc, msg: `String should have at most ${plural(schema.maxLength, 'character')}`, input: value, ctx: { max_length: schema.maxLength } });
		}
		return ok(text);
	}

	private checkInteger(value: unknown, schema: JsonSchema, loc: Loc): Checked {
		let number: number;
		if (typeof value === 'boolean') number = Number(value);
		else if (typeof value === 'number') {
			if (!Number.isFinite(value)) return fail({ type: 'finite_number', loc, msg: 'Input should be a finite number', input: value });
			if (!Number.isInteger(value)) return fail({ type: 'int_from_float', loc, msg: 'Input should be a valid integer, got a number with a fractional part', input: value });
			number = value;
		} else if (typeof value === 'string') {
			const parsed = parsePythonInt(value);
			if (parsed === undefined) return fail({ type: 'int_parsing', loc, msg: 'Input should be a valid integer, unable to parse string as an integer', input: value });
			number = parsed;
		} else return fail({ type: 'int_type', loc, msg: 'Input should be a valid integer', input: value });
		return this.bounds(number, value, schema, loc);
	}

	private checkNumber(value: unknown, schema: JsonSchema, loc: Loc): Checked {
		let number: number;
		if (typeof value === 'boolean') number = Number(value);
		else if (typeof value === 'number') number = value;
		else if (typeof value === 'string') {
			number = value.trim() === '' ? NaN : Number(value.trim());
			if (Number.isNaN(number)) return fail({ type: 'float_parsing', loc, msg: 'Input should be a valid number, unable to parse string as a number', input: value });
		} else return fail({ type: 'float_type', loc, msg: 'Input should be a valid number', input: value });
		return this.bounds(number, value, schema, loc);
	}

	private bounds(number: number, input: unknown, schema: JsonSchema, loc: Loc): Checked {
		const rules: [number | undefined, (bound: number) => boolean, string, string, string][] = [
			[schema.minimum, (bound) => number >= bound, 'greater_than_equal', 'greater than or equal to', 'ge'],
			[schema.exclusiveMinimum, (bound) => number > bound, 'greater_than', 'greater than', 'gt'],
			[schema.maximum, (bound) => number <= bound, 'less_than_equal', 'less than or equal to', 'le'],
			[schema.exclusiveMaximum, (bound) => number < bound, 'less_than', 'less than', 'lt'],
		];
		for (const [bound, holds, type, words, key] of rules) {
			if (bound !== undefined && !holds(bound)) return fail({ type, loc, msg: `Input should be ${words} ${bound}`, input, ctx: { [key]: bound } });
		}
		if (schema.multipleOf !== undefined && Math.abs(number / schema.multipleOf - Math.round(number / schema.multipleOf)) > 1e-9) {
			return fail({ type: 'multiple_of', loc, msg: `Input should be a multiple of ${schema.multipleOf}`, input, ctx: { multiple_of: schema.multipleOf } });
		}
		return ok(number);
	}

	private checkBoolean(value: unknown, loc: Loc): Checked {
		if (typeof value === 'boolean') return ok(value);
		if (value === 0 || value === 1) return ok(value === 1);
		if (typeof value === 'string') {
			const parsed = parsePythonBool(value);
			if (parsed !== undefined) return ok(parsed);
			return fail({ type: 'bool_parsing', loc, msg: 'Input should be a valid boolean, unable to interpret input', input: value });
		}
		return fail({ type: 'bool_type', loc, msg: 'Input should be a valid boolean', input: value });
	}

	private checkArray(value: unknown, schema: JsonSchema, loc: Loc, options: CheckOptions): Checked {
		if (!Array.isArray(value)) return fail({ type: 'list_type', loc, msg: 'Input should be a valid list', input: value });
		const itemSchema = typeof schema.items === 'object' ? schema.items : undefined;
		const result: unknown[] = [];
		const errors: PydanticError[] = [];
		value.forEach((item, position) => {
			const checked = itemSchema ? this.check(item, itemSchema, [...loc, position], options) : ok(item);
			errors.push(...checked.errors);
			result.push(checked.value);
		});
		if (schema.minItems !== undefined && value.length < schema.minItems) {
			errors.push({
				type: 'too_short',
				loc,
				msg: `List should have at least ${plural(schema.minItems, 'item')} after validation, not ${value.length}`,
				input: value,
				ctx: { field_type: 'List', min_length: schema.minItems, actual_length: value.length },
			});
		}
		if (schema.maxItems !== undefined && value.length > schema.maxItems) {
			errors.push({
				type: 'too_long',
				loc,
				msg: `List should have at most ${plural(schema.maxItems, 'item')} after validation, not ${value.length}`,
				input: value,
				ctx: { field_type: 'List', max_length: schema.maxItems, actual_length: value.length },
			});
		}
		return { value: result, errors };
	}
}

function implicitDefault(schema: JsonSchema): unknown {
	if (schema.anyOf?.some((member) => member.type === 'null')) return null;
	if (schema.type === 'array') return [];
	if (schema.type === 'object') return {};
	return undefined;
}

function ok(value: unknown): Checked {
	return { value, errors: [] };
}

function fail(error: PydanticError): Checked {
	return { value: error.input, errors: [error] };
}

/** A `ValueError` raised in a validator: pydantic's `value_error` ("Value error, ..."). */
export function valueError(loc: Loc, message: string, input: unknown): PydanticError {
	return { type: 'value_error', loc, msg: `Value error, ${message}`, input, ctx: { error: {} } };
}
