// FastAPI / pydantic / Python details the simulator reproduces: error types, validation bodies,
// int and bool parsing, JSON float rendering, naive ISO timestamps.

/** An HTTPException: JSON `{"detail": ...}`. */
export class HttpError extends Error {
	constructor(
		readonly status: number,
		readonly detail: unknown,
	) {
		super(typeof detail === 'string' ? detail : JSON.stringify(detail));
	}
}

/** An uncaught server exception: Starlette answers 500 with the text `Internal Server Error`. */
export class UncaughtError extends Error {}

/** A 422 RequestValidationError. */
export class ValidationFailed extends Error {
	constructor(readonly errors: Record<string, unknown>[]) {
		super('validation failed');
	}
}

type Loc = (string | number)[];

export const errors = {
	missing: (loc: Loc, input: unknown = null) => ({ type: 'missing', loc, msg: 'Field required', input }),
	intParsing: (loc: Loc, input: unknown) => ({
		type: 'int_parsing',
		loc,
		msg: 'Input should be a valid integer, unable to parse string as an integer',
		input,
	}),
	intType: (loc: Loc, input: unknown) => ({ type: 'int_type', loc, msg: 'Input should be a valid integer', input }),
	boolParsing: (loc: Loc, input: unknown) => ({
		type: 'bool_parsing',
		loc,
		msg: 'Input should be a valid boolean, unable to interpret input',
		input,
	}),
	ge: (loc: Loc, input: unknown, ge: number) => ({
		type: 'greater_than_equal',
		loc,
		msg: `Input should be greater than or equal to ${ge}`,
		input,
		ctx: { ge },
	}),
	le: (loc: Loc, input: unknown, le: number) => ({
		type: 'less_than_equal',
		loc,
		msg: `Input should be less than or equal to ${le}`,
		input,
		ctx: { le },
	}),
	jsonInvalid: (position: number, message: string) => ({
		type: 'json_invalid',
		loc: ['body', position],
		msg: 'JSON decode error',
		input: {},
		ctx: { error: message },
	}),
	modelAttributes: (loc: Loc, input: unknown) => ({
		type: 'model_attributes_type',
		loc,
		msg: 'Input should be a valid dictionary or object to extract fields from',
		input,
	}),
};

/** Python `int(text)` / pydantic's lax str -> int: optional sign, digits (underscores between), surrounding whitespace. */
export function parsePythonInt(text: string): number | undefined {
	const match = /^\s*([+-]?)(\d+(?:_\d+)*)\s*$/.exec(text);
	if (!match) return undefined;
	const value = Number(match[1] + match[2].replace(/_/g, ''));
	return Number.isSafeInteger(value) ? value : undefined;
}

/** pydantic's lax str -> bool. */
export function parsePythonBool(text: string): boolean | undefined {
	const lower = text.trim().toLowerCase();
	if (['1', 'on', 't', 'true', 'y', 'yes'].includes(lower)) return true;
	if (['0', 'off', 'f', 'false', 'n', 'no'].includes(lower)) return false;
	return undefined;
}

/** Reads validated query parameters, collecting every error like FastAPI does before answering 422. */
export class ParamReader {
	readonly problems: Record<string, unknown>[] = [];

	constructor(
		private readonly source: 'query' | 'path',
		private readonly values: Map<string, string>,
	) {}

	int(name: string): number | undefined;
	int(name: string, fallback: number): number;
	int(name: string, fallback?: number): number | undefined {
		const raw = this.values.get(name);
		if (raw === undefined) {
			if (fallback === undefined) this.problems.push(errors.missing([this.source, name]));
			return fallback;
		}
		const value = parsePythonInt(raw);
		if (value === undefined) this.problems.push(errors.intParsing([this.source, name], raw));
		return value ?? fallback;
	}

	bool(name: string, fallback: boolean): boolean {
		const raw = this.values.get(name);
		if (raw === undefined) return fallback;
		const value = parsePythonBool(raw);
		if (value === undefined) this.problems.push(errors.boolParsing([this.source, name], raw));
		return value ?? fallback;
	}

	str(name: string, required = false): string | undefined {
		const raw = this.values.get(name);
		if (raw === undefined && required) this.problems.push(errors.missing([this.source, name]));
		return raw;
	}

	/** Throws the 422 when anything failed. */
	check(more: Record<string, unknown>[] = []): void {
		const all = [...this.problems, ...more];
		if (all.length) throw new ValidationFailed(all);
	}
}

/** Wraps a number that Python holds as a float, so it is rendered `100.0` rather than `100`. */
export class PyFloat {
	constructor(readonly value: number) {}
}

function floatRepr(value: number): string {
	if (!Number.isFinite(value)) throw new UncaughtError('Out of range float values are not JSON compliant');
	if (Number.isInteger(value) && Math.abs(value) < 1e16) return `${value}.0`;
	const text = String(value);
	// Python switches to exponent notation below 1e-4; JS only below 1e-6.
	if (Math.abs(value) < 1e-4 && !text.includes('e')) {
		const [mantissa, exponent] = value.toExponential().split('e');
		return `${mantissa}e${exponent.startsWith('-') ? '-' : '+'}${exponent.replace(/^[+-]/, '').padStart(2, '0')}`;
	}
	return text;
}

/** Python's json.dumps(separators=(",", ":"), ensure_ascii=False), with PyFloat values rendered as floats. */
export function pyJson(value: unknown): string {
	if (value instanceof PyFloat) return floatRepr(value.value);
	if (value === null || value === undefined) return 'null';
	if (Array.isArray(value)) return `[${value.map(pyJson).join(',')}]`;
	if (typeof value === 'object') {
		const parts: string[] = [];
		for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
			if (item === undefined) continue;
			parts.push(`${JSON.stringify(key)}:${pyJson(item)}`);
		}
		return `{${parts.join(',')}}`;
	}
	return JSON.stringify(value);
}

/** Now in microseconds since the epoch (datetime precision). */
export function nowMicros(): number {
	return Math.floor((performance.timeOrigin + performance.now()) * 1000);
}

/** A naive UTC datetime's isoformat(): `2025-07-26T09:00:00.123456`, no fraction when it is zero. */
export function isoNaive(micros: number): string {
	const ms = Math.floor(micros / 1000);
	const fraction = micros % 1_000_000;
	const base = new Date(ms).toISOString().slice(0, 19);
	return fraction ? `${base}.${String(fraction).padStart(6, '0')}` : base;
}
