// Runtime-neutral: web-standard APIs only (no node:, Deno, process), so n8n, Node and Deno share it.
// The images of one InvokeAI board through the shared job contract, so the polling trigger can
// fire once per new image on it: a job is one image (id its name, order its creation time, always
// succeeded), listed newest first a page at a time, and its one result is the picture itself.
import type { JobAdapter } from '../../core/job.ts';
import type { InvokeAI } from './api.ts';
import type { ImageDto } from './schemas.ts';

export const BOARD_IMAGE_WORDS = { service: 'InvokeAI', noun: 'board image' } as const;

export interface BoardImagesOptions {
	/** The board's id (`none` for the images on no board). */
	boardId: string;
	/** Images per page of `listJobs` (1..1000, default 100). */
	pageSize?: number;
}

/** What a fired image says of itself: the ImageDTO's fields. */
export function boardImageSummary(image: ImageDto): Record<string, unknown> {
	return { ...image };
}

/** The adapter for the images of one board. */
export function boardImageJobs(invokeai: InvokeAI, options: BoardImagesOptions): JobAdapter<ImageDto> {
	const pageSize = Math.min(Math.max(Math.trunc(options.pageSize ?? 100), 1), 1000);
	return {
		...BOARD_IMAGE_WORDS,
		id: (image) => image.image_name,
		read: (id, signal) => invokeai.getImage(id, signal),
		// An image exists only once it is made.
		status: () => ({ phase: 'succeeded' }),
		async *results(image, signal) {
			const file = await invokeai.downloadImage(image.image_name, signal);
			yield { ...file, details: { imageName: image.image_name, ...(image.width ? { width: image.width } : {}), ...(image.height ? { height: image.height } : {}) } };
		},
		summary: boardImageSummary,
		// Newest first by creation time (not starred first), a page at a time; a page is an offset.
		async listJobs({ page, signal }) {
			const offset = page === undefined ? 0 : Number(page);
			const listed = await invokeai.listImages({ board: options.boardId, orderDir: 'DESC', starredFirst: false, offset, limit: pageSize }, signal);
			const end = offset + listed.items.length;
			return {
				jobs: listed.items.map((image) => ({ job: image, listed: { id: image.image_name, order: image.created_at ?? '', phase: 'succeeded' as const } })),
				...(listed.items.length > 0 && end < listed.total ? { next: String(end) } : {}),
			};
		},
	};
}
