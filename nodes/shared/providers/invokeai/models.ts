// Runtime-neutral: web-standard APIs only (no node:, Deno, process), so n8n, Node and Deno share it.
// A model a user names (its key, or its name as the model manager shows it) found among the
// installed ones (`GET /api/v2/models/`) that the input takes: the bases, types, formats and
// variants its template lists (`ui_model_*`), as InvokeAI's UI filters its model pickers. A name
// that fits nothing is an InputError that lists the closest models that would fit.
import { InputError } from '../../core/errors.ts';
import type { ModelConfig } from './schemas.ts';
import type { ModelFilter, ModelIdentifier, ModelRef } from './workflow/values.ts';

/** Close matches named in an error, at most. */
const CLOSE_MATCHES = 5;

/** True when the input takes this model (every list the template gives must hold the model's value). */
export function fitsFilter(model: ModelConfig, filter: ModelFilter): boolean {
	const allows = (list: string[] | undefined, value: string | null | undefined) => !list || list.length === 0 || list.includes('any') || (value !== null && value !== undefined && list.includes(value));
	return allows(filter.bases, model.base) && allows(filter.types, model.type) && allows(filter.formats, model.format) && allows(filter.variants, model.variant);
}

/** The ModelIdentifierField a graph holds for a model. */
export function modelIdentifier(model: ModelConfig): ModelIdentifier {
	return { key: model.key, hash: model.hash ?? '', name: model.name, base: model.base, type: model.type };
}

/** "sdxl main", "flux vae": what kind of model it is, in the model manager's words. */
export function kindOf(model: Pick<ModelConfig, 'base' | 'type'>): string {
	return `${model.base} ${model.type}`;
}

/** What an input takes, in words: "sdxl main models". */
export function describeFilter(filter: ModelFilter): string {
	const bases = filter.bases?.length ? filter.bases.join(' or ') : '';
	const types = filter.types?.length ? filter.types.join(' or ') : '';
	return `${[bases, types].filter(Boolean).join(' ') || 'any'} models`;
}

export interface ModelContext {
	/** The parameter errors name, e.g. `inputs.Model`. */
	parameter: string;
	/** How the input is named in messages, e.g. `Input "Model"`. */
	what: string;
}

/**
 * The installed model `ref` means, among `models`, that the input takes: by key, or by name (its
 * base and type telling same-named ones apart; a name in other letter case counts when only one
 * model has it). Otherwise an InputError on `context.parameter` with close matches.
 */
export function pickModel(models: ModelConfig[], ref: ModelRef, filter: ModelFilter, context: ModelContext): ModelConfig {
	const fitting = models.filter((model) => fitsFilter(model, filter));
	const key = 'key' in ref ? ref.key : 'keyOrName' in ref ? ref.keyOrName : undefined;
	const name = 'name' in ref ? ref.name : 'keyOrName' in ref ? ref.keyOrName : undefined;
	if (key !== undefined) {
		const byKey = models.find((model) => model.key === key);
		if (byKey) {
			if (fitsFilter(byKey, filter)) return byKey;
			throw wrongKind(byKey, filter, fitting, context);
		}
		if ('key' in ref) throw notFound(`no installed model has the key "${key}"`, key, fitting, filter, context);
	}
	const wanted = name as string;
	const narrowed = (list: ModelConfig[]) => list.filter((model) => ('base' in ref && ref.base ? model.base === ref.base : true) && ('type' in ref && ref.type ? model.type === ref.type : true));
	const exact = narrowed(fitting.filter((model) => model.name === wanted));
	const named = exact.length > 0 ? exact : narrowed(fitting.filter((model) => model.name.toLowerCase() === wanted.toLowerCase()));
	if (named.length === 1) return named[0];
	if (named.length > 1) {
		const listed = named.map((model) => `"${model.name}" (${kindOf(model)}, key ${model.key})`).join(', ');
		throw new InputError(context.parameter, `${context.what}: several installed models are named "${wanted}": ${listed}.`, 'Give the key of the one you mean.');
	}
	const elsewhere = models.filter((model) => model.name.toLowerCase() === wanted.toLowerCase());
	if (elsewhere.length > 0) throw wrongKind(elsewhere[0], filter, fitting, context);
	return notFound(`no installed model named "${wanted}" fits it (it takes ${describeFilter(filter)})`, wanted, fitting, filter, context);
}

function wrongKind(model: ModelConfig, filter: ModelFilter, fitting: ModelConfig[], context: ModelContext): InputError {
	return new InputError(
		context.parameter,
		`${context.what} takes ${describeFilter(filter)}; "${model.name}" is installed as a ${kindOf(model)} model.${closeMatchesText(model.name, fitting)}`,
	);
}

function notFound(why: string, wanted: string, fitting: ModelConfig[], filter: ModelFilter, context: ModelContext): never {
	const none = fitting.length === 0 ? ` No installed model fits it: install one of ${describeFilter(filter)} in InvokeAI's model manager.` : closeMatchesText(wanted, fitting);
	throw new InputError(context.parameter, `${context.what}: ${why}.${none}`);
}

function closeMatchesText(wanted: string, fitting: ModelConfig[]): string {
	const close = closeMatches(wanted, fitting);
	if (close.length === 0) return '';
	return ` Close matches: ${close.map((model) => `"${model.name}" (${kindOf(model)}, key ${model.key})`).join(', ')}.`;
}

/** The models whose names are most like `wanted`: containing it (or contained in it) first, then by edit distance. */
export function closeMatches(wanted: string, models: ModelConfig[], count = CLOSE_MATCHES): ModelConfig[] {
	const target = normalized(wanted);
	const score = (model: ModelConfig): number => {
		const name = normalized(model.name);
		if (!target || !name) return 1;
		if (name === target) return 0;
		if (name.includes(target) || target.includes(name)) return 0.01;
		return editDistance(name, target) / Math.max(name.length, target.length);
	};
	return models
		.map((model) => ({ model, score: score(model) }))
		.sort((a, b) => a.score - b.score || a.model.name.localeCompare(b.model.name))
		.slice(0, count)
		.map(({ model }) => model);
}

function normalized(text: string): string {
	return text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
}

function editDistance(a: string, b: string): number {
	let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
	for (let i = 1; i <= a.length; i++) {
		const row = [i];
		for (let j = 1; j <= b.length; j++) row[j] = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
		previous = row;
	}
	return previous[b.length];
}
