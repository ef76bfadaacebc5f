import { NodeTemplates, startCase } from '../../../nodes/shared/providers/invokeai/workflow/templates';
import { OPENAPI_VERSIONS, loadOpenApi, templatesFor } from './setup';

describe('node templates from the OpenAPI document', () => {
	it.each(OPENAPI_VERSIONS)('indexes every invocation of %s and builds each template', (version) => {
		const templates = templatesFor(version);
		const schemas = (loadOpenApi(version).components as { schemas: Record<string, { class?: string }> }).schemas;
		const invocations = Object.values(schemas).filter((schema) => schema.class === 'invocation').length;
		expect(templates.types()).toHaveLength(invocations);
		expect(templates.types().every((type) => templates.get(type) !== undefined)).toBe(true);
	});

	it('knows which node types the server has', () => {
		expect(templatesFor('v6.13.8').has('wan_model_loader')).toBe(false);
		expect(templatesFor('6.14.0-alpha').has('wan_model_loader')).toBe(true);
		expect(templatesFor('6.14.0-alpha').get('no_such_node')).toBeUndefined();
	});

	it('builds a template once and keeps it', () => {
		const templates = NodeTemplates.fromOpenApi(loadOpenApi('6.14.0-alpha'));
		expect(templates.get('l2i')).toBe(templates.get('l2i'));
	});

	it('reads a node: title without "Invocation", class, outputs, inputs in order without the reserved ones', () => {
		const l2i = templatesFor('6.14.0-alpha').get('l2i');
		expect(l2i).toEqual(
			expect.objectContaining({
				type: 'l2i',
				title: 'Latents to Image - SD1.5, SDXL',
				className: 'LatentsToImageInvocation',
				outputs: ['image', 'width', 'height'],
				outputType: 'image_output',
				useCache: true,
			}),
		);
		expect(Object.keys(l2i?.inputs ?? {})).toEqual(['board', 'metadata', 'latents', 'vae', 'tiled', 'tile_size', 'fp32']);
		expect(templatesFor('6.14.0-alpha').get('iterate')?.title).toBe('Iterate');
		expect(Object.keys(templatesFor('6.14.0-alpha').get('iterate')?.inputs ?? {})).toEqual(['collection']);
	});

	it('reads a model input with the bases and types it takes', () => {
		const model = templatesFor('6.14.0-alpha').get('sdxl_model_loader')?.inputs.model;
		expect(model).toEqual(
			expect.objectContaining({
				title: 'Model',
				input: 'any',
				required: true,
				nullable: true,
				type: { kind: 'model', name: 'ModelIdentifierField', bases: ['sdxl'], types: ['main'] },
			}),
		);
		expect(templatesFor('6.14.0-alpha').get('flux_model_loader')?.inputs.t5_encoder_model?.type).toEqual({ kind: 'model', name: 'ModelIdentifierField', types: ['t5_encoder'] });
		// A model the node cannot do without, with no null allowed: pydantic requires it at enqueue.
		expect(templatesFor('6.14.0-alpha').get('cogview4_model_loader')?.inputs.model).toEqual(expect.objectContaining({ required: true, nullable: false, input: 'direct' }));
	});

	it('reads numbers with their bounds, enums with their options, booleans, strings', () => {
		const denoise = templatesFor('6.14.0-alpha').get('denoise_latents')?.inputs ?? {};
		expect(denoise.steps?.type).toEqual({ kind: 'integer', name: 'IntegerField', exclusiveMinimum: 0 });
		expect(denoise.denoising_start?.type).toEqual({ kind: 'float', name: 'FloatField', minimum: 0, maximum: 1 });
		expect(denoise.scheduler).toEqual(expect.objectContaining({ uiType: 'SchedulerField', default: 'euler' }));
		expect(denoise.scheduler?.type).toEqual(expect.objectContaining({ kind: 'enum', name: 'SchedulerField' }));
		const schedulers = denoise.scheduler?.type.kind === 'enum' ? denoise.scheduler.type.options : [];
		expect(schedulers).toHaveLength(31);
		expect(schedulers).toEqual(expect.arrayContaining(['euler', 'dpmpp_2m_sde_k', 'lcm']));
		expect(templatesFor('6.14.0-alpha').get('noise')?.inputs.width?.type).toEqual({ kind: 'integer', name: 'IntegerField', exclusiveMinimum: 0, multipleOf: 8 });
		expect(templatesFor('6.14.0-alpha').get('l2i')?.inputs.fp32?.type).toEqual({ kind: 'boolean', name: 'BooleanField' });
		expect(templatesFor('6.14.0-alpha').get('lresize')?.inputs.mode?.type).toEqual({
			kind: 'enum',
			name: 'EnumField',
			options: ['nearest', 'linear', 'bilinear', 'bicubic', 'trilinear', 'area', 'nearest-exact'],
		});
		expect(templatesFor('6.14.0-alpha').get('string')?.inputs.value?.type).toEqual({ kind: 'string', name: 'StringField' });
	});

	it('reads images, boards, colors, and lists (also "one or a list")', () => {
		const templates = templatesFor('6.14.0-alpha');
		expect(templates.get('flux_vae_encode')?.inputs.image?.type).toEqual({ kind: 'image', name: 'ImageField' });
		expect(templates.get('l2i')?.inputs.board).toEqual(expect.objectContaining({ input: 'direct', required: false, type: { kind: 'board', name: 'BoardField' } }));
		expect(templates.get('blank_image')?.inputs.color).toEqual(expect.objectContaining({ title: 'Color', type: { kind: 'color', name: 'ColorField' } }));
		expect(templates.get('cogview4_denoise')?.inputs.cfg_scale?.type).toEqual({
			kind: 'collection',
			name: 'FloatField',
			item: { kind: 'float', name: 'FloatField' },
			orSingle: true,
		});
		expect(templates.get('image_batch')?.inputs.images?.type).toEqual({
			kind: 'collection',
			name: 'ImageField',
			item: { kind: 'image', name: 'ImageField' },
			orSingle: false,
			minItems: 1,
		});
		expect(templates.get('controlnet')?.inputs.control_weight?.type).toEqual(expect.objectContaining({ kind: 'collection', item: { kind: 'float', name: 'FloatField', minimum: -1, maximum: 2 } }));
	});

	it('makes inputs of connection-only types connection inputs, whatever the schema says', () => {
		const l2i = templatesFor('6.14.0-alpha').get('l2i')?.inputs ?? {};
		expect(l2i.latents).toEqual(expect.objectContaining({ input: 'connection', type: { kind: 'other', name: 'LatentsField' } }));
		expect(l2i.metadata?.input).toBe('connection');
		expect(templatesFor('6.14.0-alpha').get('collect')?.inputs.item).toEqual(expect.objectContaining({ input: 'connection', uiType: 'CollectionItemField' }));
	});

	it('titles a field without a schema title as the UI does (lodash startCase)', () => {
		expect(templatesFor('v6.13.8').get('flux_vae_encode')?.inputs.image?.title).toBe('Image');
		expect(startCase('t5_encoder_model')).toBe('T 5 Encoder Model');
		expect(startCase('wan_t5_encoder_model')).toBe('Wan T 5 Encoder Model');
		expect(startCase('CLIPSkip')).toBe('CLIP Skip');
		expect(startCase('fp32')).toBe('Fp 32');
		expect(startCase('num_steps')).toBe('Num Steps');
	});

	it('refuses a document that is not an OpenAPI document, as a server answer of the wrong shape', () => {
		expect(() => NodeTemplates.fromOpenApi({ openapi: '3.1.0' })).toThrow(
			expect.objectContaining({ kind: 'response-shape', message: expect.stringMatching(/^GET \/openapi\.json answered with an unexpected body: field `components`/) }),
		);
	});

	it('leaves out the nodes the UI never offers, a node whose output schema is missing, and an input whose type the UI cannot read', () => {
		const templates = NodeTemplates.fromOpenApi({
			components: {
				schemas: {
					GoodInvocation: {
						class: 'invocation',
						title: 'Good',
						output: { $ref: '#/components/schemas/GoodOutput' },
						properties: {
							type: { const: 'good', default: 'good', field_kind: 'node_attribute' },
							id: { type: 'string', field_kind: 'node_attribute' },
							mixed: { anyOf: [{ type: 'string' }, { type: 'integer' }], field_kind: 'input', input: 'any' },
							count: { type: 'integer', field_kind: 'input', input: 'any' },
						},
					},
					GoodOutput: { class: 'output', properties: { type: { default: 'good_output' }, value: { type: 'integer' } } },
					GraphInvocation: {
						class: 'invocation',
						output: { $ref: '#/components/schemas/GoodOutput' },
						properties: { type: { const: 'graph', default: 'graph' } },
					},
					OrphanInvocation: {
						class: 'invocation',
						output: { $ref: '#/components/schemas/Missing' },
						properties: { type: { default: 'orphan' } },
					},
				},
			},
		});
		expect(templates.types()).toEqual(['good', 'orphan']);
		expect(templates.get('orphan')).toBeUndefined();
		expect(Object.keys(templates.get('good')?.inputs ?? {})).toEqual(['count']);
		expect(templates.get('good')?.inputs.count?.title).toBe('Count');
	});
});
