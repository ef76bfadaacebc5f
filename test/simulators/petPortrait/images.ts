// `GET /api/images/:filename?type=&subfolder=`: the wrapper's proxy of ComfyUI's `/view` (type
// defaults to output, one retry without subfolder for outputs), and the picture a prompt's SaveImage
// writes: the shared placeholder showing the pet, the style and the seed, so every prompt differs.
import type { Reply } from '../shared/httpShell.ts';
import { makePlaceholderPng } from '../shared/picture/placeholderImage.ts';
import type { ComfyPrompt } from './comfy.ts';
import type { ComfyFiles } from './comfyFiles.ts';
import { apiError, bytes } from './express.ts';
import { PET_TYPE_NODE, STYLE_NODE } from './workflow.ts';

export function proxyImage(files: ComfyFiles, filename: string, query: Map<string, string>): Reply {
	const type = query.get('type') || 'output';
	const subfolder = query.get('subfolder') ?? '';
	let found = files.view(filename, subfolder, type);
	if (typeof found === 'string' && type === 'output') {
		const retry = files.view(filename, '', type);
		if (typeof retry !== 'string') found = retry;
	}
	if (typeof found === 'string') return apiError(500, `Failed to fetch image from ComfyUI: ${found}`);
	return bytes(found.contentType, found.bytes);
}

export function renderPortrait(prompt: ComfyPrompt, size: { width: number; height: number }): Buffer {
	const pet = prompt.texts[PET_TYPE_NODE] ?? '';
	const style = prompt.texts[STYLE_NODE] ?? '';
	const request = [pet && `${pet} portrait`, style].filter(Boolean).join(', ') || 'pet portrait';
	return makePlaceholderPng(
		{
			...size,
			flow: 'Pet Portrait',
			request,
			footer: `prompt ${prompt.promptId.slice(0, 8)} - seed ${prompt.seed}`,
			colourKey: `${request} ${prompt.seed}`,
		},
		`pet portrait simulator prompt ${prompt.promptId} seed ${prompt.seed}`,
	);
}
