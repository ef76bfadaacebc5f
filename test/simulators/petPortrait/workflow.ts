// The workflow the simulated server loads at start-up: an API-format SDXL pet-portrait graph (46
// nodes by default) with the doc's "Pet Type Input" (node 229) and a "Style" text (230), its order
// of execution, and `/api/workflow-info` in each shape the doc gives. Execution order is not id
// order, so the sibling's id-based progress jumps about as it would on the real graph.
import type { ApiWorkflow, UserInputSpec, WorkflowInfoShape, WorkflowNode } from './types.ts';

export const PET_TYPE_NODE = '229';
export const STYLE_NODE = '230';
export const KSAMPLER_NODE = '3';
export const SAVE_IMAGE_NODE = '9';
export const ASPECT_RATIO = { width: 832, height: 1216 };

export const USER_INPUTS: UserInputSpec[] = [
	{ nodeId: PET_TYPE_NODE, type: 'text', title: 'Pet Type Input', description: 'Enter the type of pet (e.g., dog, cat, bird)', defaultValue: 'dog' },
	{ nodeId: STYLE_NODE, type: 'text', title: 'Style', description: 'Enter the art style (e.g., oil painting, watercolor)', defaultValue: 'oil painting' },
];

type NodeDef = [id: string, type: string, title: string, inputs?: Record<string, unknown>];

const CLIP = ['10', 0];

/** Always present, in the order they run around the fillers. */
const CORE_BEFORE: NodeDef[] = [
	['4', 'CheckpointLoaderSimple', 'Load Checkpoint', { ckpt_name: 'juggernautXL_v9Rdphoto2Lightning.safetensors' }],
	['12', 'LoadImage', 'Load Pet Photo', { image: 'example_pet.png', upload: 'image' }],
	[PET_TYPE_NODE, 'CLIPTextEncode', 'Pet Type Input', { text: 'dog', clip: CLIP }],
	[STYLE_NODE, 'CLIPTextEncode', 'Style', { text: 'oil painting', clip: CLIP }],
	['6', 'CLIPTextEncode', 'Positive Prompt', { text: 'a regal renaissance portrait of a beloved pet, detailed fur, dramatic lighting', clip: CLIP }],
	['7', 'CLIPTextEncode', 'Negative Prompt', { text: 'blurry, lowres, deformed, extra limbs, watermark, text', clip: CLIP }],
	['5', 'EmptyLatentImage', 'Empty Latent Image', { width: ASPECT_RATIO.width, height: ASPECT_RATIO.height, batch_size: 1 }],
];
const CORE_SAMPLE: NodeDef[] = [
	[
		KSAMPLER_NODE,
		'KSampler',
		'KSampler',
		{ seed: 156680208700286, steps: 30, cfg: 6.5, sampler_name: 'dpmpp_2m', scheduler: 'karras', denoise: 0.85, model: ['40', 0], positive: ['50', 0], negative: ['7', 0], latent_image: ['14', 0] },
	],
	['8', 'VAEDecode', 'VAE Decode', { samples: [KSAMPLER_NODE, 0], vae: ['11', 0] }],
];
const CORE_LAST: NodeDef = [SAVE_IMAGE_NODE, 'SaveImage', 'Save Portrait', { filename_prefix: 'pet_portrait', images: ['111', 0] }];

/** The rest of a real graph, taken in this order up to the node count: the first part runs before the sampler. */
const FILLERS_BEFORE: NodeDef[] = [
	['10', 'CLIPSetLastLayer', 'CLIP Set Last Layer', { stop_at_clip_layer: -2 }],
	['11', 'VAELoader', 'Load VAE', { vae_name: 'sdxl_vae.safetensors' }],
	['40', 'LoraLoader', 'Load LoRA (Painterly)', { lora_name: 'painterly_xl.safetensors', strength_model: 0.8, strength_clip: 0.8 }],
	['13', 'ImageScale', 'Resize Pet Photo', { upscale_method: 'lanczos', width: 832, height: 1216, crop: 'center' }],
	['14', 'VAEEncode', 'Encode Pet Photo', { pixels: ['13', 0], vae: ['11', 0] }],
	['50', 'ConditioningCombine', 'Combine Prompts', {}],
	['20', 'ControlNetLoader', 'Load ControlNet (Depth)', { control_net_name: 'depth_sdxl.safetensors' }],
	['21', 'DepthAnythingPreprocessor', 'Depth Map', { ckpt_name: 'depth_anything_vitl14.pth', resolution: 1024 }],
	['22', 'ControlNetApplyAdvanced', 'Apply ControlNet (Depth)', { strength: 0.6, start_percent: 0, end_percent: 0.8 }],
	['30', 'IPAdapterModelLoader', 'Load IPAdapter Model', { ipadapter_file: 'ip-adapter-plus_sdxl_vit-h.safetensors' }],
	['31', 'CLIPVisionLoader', 'Load CLIP Vision', { clip_name: 'CLIP-ViT-H-14-laion2B-s32B-b79K.safetensors' }],
	['33', 'PrepImageForClipVision', 'Prep Image For ClipVision', { interpolation: 'LANCZOS', crop_position: 'center', sharpening: 0 }],
	['32', 'IPAdapterAdvanced', 'IPAdapter (Pet Likeness)', { weight: 0.75, weight_type: 'linear', start_at: 0, end_at: 1 }],
	['41', 'LoraLoader', 'Load LoRA (Detail)', { lora_name: 'add_detail_xl.safetensors', strength_model: 0.4, strength_clip: 0.4 }],
	['23', 'ControlNetLoader', 'Load ControlNet (Canny)', { control_net_name: 'canny_sdxl.safetensors' }],
	['24', 'Canny', 'Canny Edges', { low_threshold: 0.4, high_threshold: 0.8 }],
	['25', 'ControlNetApplyAdvanced', 'Apply ControlNet (Canny)', { strength: 0.35, start_percent: 0, end_percent: 0.5 }],
	['51', 'ConditioningSetArea', 'Portrait Area', { width: 832, height: 1216, x: 0, y: 0, strength: 1 }],
	['130', 'FreeU_V2', 'FreeU', { b1: 1.3, b2: 1.4, s1: 0.9, s2: 0.2 }],
	['140', 'ModelSamplingDiscrete', 'Model Sampling', { sampling: 'eps', zsnr: false }],
	['120', 'CR Aspect Ratio', 'Portrait Aspect Ratio', { width: 832, height: 1216, aspect_ratio: '2:3 portrait 512x768' }],
];
const FILLERS_AFTER: NodeDef[] = [
	['60', 'UpscaleModelLoader', 'Load Upscale Model', { model_name: '4x-UltraSharp.pth' }],
	['61', 'ImageUpscaleWithModel', 'Upscale Portrait', {}],
	['62', 'ImageScaleBy', 'Downscale to Output', { upscale_method: 'lanczos', scale_by: 0.25 }],
	['70', 'SAMLoader', 'Load SAM', { model_name: 'sam_vit_b_01ec64.pth', device_mode: 'AUTO' }],
	['71', 'UltralyticsDetectorProvider', 'Pet Face Detector', { model_name: 'bbox/face_yolov8m.pt' }],
	['72', 'FaceDetailer', 'Pet Face Detailer', { guide_size: 512, steps: 20, cfg: 6, denoise: 0.4 }],
	['80', 'ImageSharpen', 'Sharpen', { sharpen_radius: 1, sigma: 0.5, alpha: 0.5 }],
	['81', 'ColorMatch', 'Match Colours', { method: 'mkl' }],
	['90', 'PreviewImage', 'Preview Depth', {}],
	['91', 'PreviewImage', 'Preview Canny', {}],
	['100', 'Image Remove Background (rembg)', 'Remove Background', {}],
	['101', 'ImageCompositeMasked', 'Composite Background', { x: 0, y: 0, resize_source: false }],
	['110', 'EmptyImage', 'Frame Canvas', { width: 832, height: 1216, batch_size: 1, color: 0 }],
	['111', 'ImageBlend', 'Blend Frame', { blend_factor: 0.1, blend_mode: 'normal' }],
	['150', 'ImageCrop', 'Crop to Portrait', { width: 832, height: 1216, x: 0, y: 0 }],
];

const CORE_COUNT = CORE_BEFORE.length + CORE_SAMPLE.length + 1;
export const DEFAULT_NODE_COUNT = 46;
const FIRST_EXTRA_ID = 151;
const MAX_NODE_COUNT = CORE_COUNT + FILLERS_BEFORE.length + FILLERS_AFTER.length + (Number(PET_TYPE_NODE) - FIRST_EXTRA_ID);

export interface LoadedWorkflow {
	workflow: ApiWorkflow;
	/** Node ids in the order ComfyUI runs them (SaveImage last). */
	order: string[];
}

function node([, type, title, inputs]: NodeDef): WorkflowNode {
	return { class_type: type, inputs: structuredClone(inputs ?? {}), _meta: { title } };
}

/** The default graph with `nodeCount` nodes: the core, then fillers, then numbered extra "Sharpen" passes. */
export function buildWorkflow(nodeCount = DEFAULT_NODE_COUNT): LoadedWorkflow {
	if (!Number.isInteger(nodeCount) || nodeCount < CORE_COUNT || nodeCount > MAX_NODE_COUNT) {
		throw new Error(`Pet Portrait simulator: nodeCount must be a whole number from ${CORE_COUNT} to ${MAX_NODE_COUNT}, got ${nodeCount}`);
	}
	let fillers = nodeCount - CORE_COUNT;
	const before = FILLERS_BEFORE.slice(0, fillers);
	fillers -= before.length;
	const after = FILLERS_AFTER.slice(0, fillers);
	fillers -= after.length;
	const extras: NodeDef[] = Array.from({ length: fillers }, (_, index) => [String(FIRST_EXTRA_ID + index), 'ImageSharpen', `Extra Sharpen ${index + 1}`, { sharpen_radius: 1 }]);
	const defs = [...CORE_BEFORE, ...before, ...CORE_SAMPLE, ...after, ...extras, CORE_LAST];
	const workflow: ApiWorkflow = {};
	// Stored in id order, as a workflow exported from ComfyUI is.
	for (const def of [...defs].sort((a, b) => Number(a[0]) - Number(b[0]))) workflow[def[0]] = node(def);
	return { workflow, order: defs.map(([id]) => id) };
}

export function nodeInfo(workflow: ApiWorkflow, id: string): { id: string; type: string; title: string } {
	const found = workflow[id];
	const type = found?.class_type || 'Unknown';
	return { id, type, title: found?._meta?.title || type };
}

/** `GET /api/workflow-info`. */
export function workflowInfo(loaded: LoadedWorkflow, shape: WorkflowInfoShape): Record<string, unknown> {
	const ids = Object.keys(loaded.workflow);
	const nodeTypesArray = ids.map((id) => nodeInfo(loaded.workflow, id));
	const nodeTypesRecord: Record<string, number> = {};
	for (const { type } of nodeTypesArray) nodeTypesRecord[type] = (nodeTypesRecord[type] ?? 0) + 1;
	const doc = { totalNodes: ids.length, aspectRatio: { ...ASPECT_RATIO }, userInputs: structuredClone(USER_INPUTS), nodeTypes: nodeTypesArray };
	if (shape === 'doc') return doc;
	if (shape === 'typescript') return { nodeCount: ids.length, nodeTypes: nodeTypesRecord, executionOrderLength: loaded.order.length };
	return { ...doc, nodeCount: ids.length, executionOrderLength: loaded.order.length };
}
