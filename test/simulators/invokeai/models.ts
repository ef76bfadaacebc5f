// The installed models (`GET /api/v2/models/`): a small, realistic set (SDXL, SD 1.5 and FLUX
// main models, the FLUX encoders and VAE, an SDXL LoRA) with the fields of their AnyModelConfig
// classes, and the list route's filters.
import type { SimModel } from './types.ts';

/** A config; `uuid` becomes its `key`. */
function model({ uuid, ...fields }: { uuid: string } & Pick<SimModel, 'name' | 'base' | 'type' | 'format'> & Record<string, unknown>): SimModel {
	const key = uuid;
	const { name } = fields;
	return {
		key,
		hash: `blake3:${key.replace(/-/g, '').padEnd(64, '0').slice(0, 64)}`,
		path: `${fields.base}/${fields.type}/${name}`,
		file_size: 6_938_040_682,
		description: `${name} (simulated)`,
		source: `https://huggingface.co/simulated/${name}`,
		source_type: 'hf_repo_id',
		source_api_response: null,
		source_url: null,
		cover_image: null,
		...fields,
	};
}

const MAIN = { trigger_phrases: null, default_settings: null };

export const DEFAULT_MODELS: SimModel[] = [
	model({
		uuid: '0b4c9d6e-2f9a-4e53-8c2d-5b2a0c1f7e11',
		name: 'Juggernaut XL v9',
		base: 'sdxl',
		type: 'main',
		format: 'diffusers',
		...MAIN,
		repo_variant: 'fp16',
		prediction_type: 'epsilon',
		variant: 'normal',
	}),
	model({
		uuid: '4d1d2d55-61c1-4b8a-9b6e-b5a4d3a3b0a2',
		name: 'Dreamshaper 8',
		base: 'sd-1',
		type: 'main',
		format: 'diffusers',
		...MAIN,
		repo_variant: 'fp16',
		prediction_type: 'epsilon',
		variant: 'normal',
	}),
	model({ uuid: '9f3c5a21-8a57-4a0e-9d0b-2f6f0d4d1b33', name: 'FLUX Schnell (Quantized)', base: 'flux', type: 'main', format: 'bnb_quantized_nf4b', ...MAIN, config_path: null, variant: 'schnell' }),
	model({ uuid: 'c2e1f7a4-3b6d-4c8e-a1f9-7d2b5e0c9a44', name: 't5_bnb_int8_quantized_encoder', base: 'any', type: 't5_encoder', format: 'bnb_quantized_int8b', cpu_only: null }),
	model({ uuid: 'e7a9b3c1-5d2f-4e6a-8b0c-1f4d7a2e5b55', name: 'clip-vit-large-patch14', base: 'any', type: 'clip_embed', format: 'diffusers', repo_variant: '', cpu_only: null, variant: 'large' }),
	model({ uuid: 'a5d8e2f0-7c3b-4a9d-b6e1-3c0f8b5d2a66', name: 'FLUX.1-schnell_ae', base: 'flux', type: 'vae', format: 'checkpoint', config_path: null }),
	model({ uuid: '6b2f9e4d-1a7c-4d3b-9e5f-8a0c2d6b4f77', name: 'Pixel Art XL', base: 'sdxl', type: 'lora', format: 'lycoris', ...MAIN, trigger_phrases: ['pixel art'] }),
];

/** `list_model_records`: per requested base (in request order), each filtered by type, name and format, ordered by name. */
export function listModels(models: SimModel[], filters: { bases: string[]; type?: string; name?: string; format?: string }): SimModel[] {
	const matches = (model: SimModel, base?: string): boolean =>
		(base === undefined || model.base === base) &&
		(filters.type === undefined || model.type === filters.type) &&
		(filters.name === undefined || model.name === filters.name) &&
		(filters.format === undefined || model.format === filters.format);
	const byName = (a: SimModel, b: SimModel): number => a.name.localeCompare(b.name);
	if (!filters.bases.length) return models.filter((model) => matches(model)).sort(byName);
	return filters.bases.flatMap((base) => models.filter((model) => matches(model, base)).sort(byName));
}

/** The ModelIdentifierField a graph uses for a model. */
export function modelIdentifier(model: SimModel): Record<string, unknown> {
	return { key: model.key, hash: model.hash, name: model.name, base: model.base, type: model.type };
}
