// Finding the model a user names among the installed ones that an input takes.
import { closeMatches, fitsFilter, pickModel } from '../../../nodes/shared/providers/invokeai/models.ts';
import type { ModelConfig } from '../../../nodes/shared/providers/invokeai/schemas.ts';
import { DEFAULT_MODELS } from '../../simulators/invokeai/models.ts';

const models = DEFAULT_MODELS as unknown as ModelConfig[];
const context = { parameter: 'inputs.Model', what: 'Input "Model"' };
const sdxlMain = { bases: ['sdxl'], types: ['main'] };
const keyOf = (name: string) => (models.find((model) => model.name === name) as ModelConfig).key;

describe('InvokeAI model look-up', () => {
	it('filters by every list the template gives, and by none it does not', () => {
		const juggernaut = models.find((model) => model.name === 'Juggernaut XL v9') as ModelConfig;
		expect(fitsFilter(juggernaut, sdxlMain)).toBe(true);
		expect(fitsFilter(juggernaut, { bases: ['sd-1', 'sd-2'], types: ['main'] })).toBe(false);
		expect(fitsFilter(juggernaut, { types: ['main'], formats: ['checkpoint'] })).toBe(false);
		expect(fitsFilter(juggernaut, {})).toBe(true);
	});

	it('takes a name, in any letter case when only one model has it, and a key', () => {
		expect(pickModel(models, { name: 'Juggernaut XL v9' }, sdxlMain, context).key).toBe('0b4c9d6e-2f9a-4e53-8c2d-5b2a0c1f7e11');
		expect(pickModel(models, { keyOrName: 'juggernaut xl V9' }, sdxlMain, context).name).toBe('Juggernaut XL v9');
		expect(pickModel(models, { keyOrName: keyOf('FLUX.1-schnell_ae') }, { types: ['vae'] }, context).name).toBe('FLUX.1-schnell_ae');
	});

	it('tells same-named models apart by base, and asks for the key when it cannot', () => {
		const twins = [...models, { ...models[0], key: 'other-key', base: 'sdxl', type: 'main', name: 'Juggernaut XL v9' } as ModelConfig];
		expect(() => pickModel(twins, { name: 'Juggernaut XL v9' }, sdxlMain, context)).toThrow(
			'Input "Model": several installed models are named "Juggernaut XL v9": "Juggernaut XL v9" (sdxl main, key 0b4c9d6e-2f9a-4e53-8c2d-5b2a0c1f7e11), "Juggernaut XL v9" (sdxl main, key other-key).',
		);
		const acrossBases = [...models, { ...models[0], key: 'sd1-key', base: 'sd-1', name: 'Juggernaut XL v9' } as ModelConfig];
		expect(pickModel(acrossBases, { name: 'Juggernaut XL v9', base: 'sd-1' }, { types: ['main'] }, context).key).toBe('sd1-key');
	});

	it('names close matches for a name nothing has, and the kind of model a key that does not fit is', () => {
		expect(() => pickModel(models, { keyOrName: 'Juggernaut' }, sdxlMain, context)).toThrow(
			'Input "Model": no installed model named "Juggernaut" fits it (it takes sdxl main models). Close matches: "Juggernaut XL v9" (sdxl main, key 0b4c9d6e-2f9a-4e53-8c2d-5b2a0c1f7e11).',
		);
		expect(() => pickModel(models, { key: keyOf('Dreamshaper 8') }, sdxlMain, context)).toThrow(
			'Input "Model" takes sdxl main models; "Dreamshaper 8" is installed as a sd-1 main model.',
		);
		expect(() => pickModel(models, { key: 'no-such-key' }, { bases: ['flux'], types: ['main'] }, context)).toThrow(
			'Input "Model": no installed model has the key "no-such-key". Close matches: "FLUX Schnell (Quantized)" (flux main, key 9f3c5a21-8a57-4a0e-9d0b-2f6f0d4d1b33).',
		);
	});

	it('says to install a model when none fits the input at all', () => {
		expect(() => pickModel(models, { name: 'Anything' }, { bases: ['sd-3'], types: ['main'] }, context)).toThrow(
			'Input "Model": no installed model named "Anything" fits it (it takes sd-3 main models). No installed model fits it: install one of sd-3 main models in InvokeAI\'s model manager.',
		);
	});

	it('ranks close matches: containing the name first, then by how few letters differ', () => {
		const named = (...names: string[]) => names.map((name, index) => ({ key: `k${index}`, hash: '', name, base: 'sdxl', type: 'main' }) as ModelConfig);
		expect(closeMatches('dreamshaper', named('Juggernaut XL', 'DreamShaper XL Turbo', 'Dreamshapr', 'Zavy')).map((model) => model.name).slice(0, 2)).toEqual([
			'DreamShaper XL Turbo',
			'Dreamshapr',
		]);
	});
});
