// Images and boards as InvokeAI keeps them: image records (ImageDTO, nulls left out), their bytes
// (uploads as sent; generated ones drawn as the shared placeholder picture on first read), boards
// (BoardDTO with image and asset counts) and the board each image sits on.
import { randomUUID } from 'node:crypto';

import type { PlaceholderSpec } from '../shared/picture/placeholderImage.ts';
import { makePlaceholderPng } from '../shared/picture/placeholderImage.ts';
import { sqliteNow } from './queue.ts';
import type { VersionFeatures } from './version.ts';
import type { Viewer } from './views.ts';

export const IMAGE_CATEGORIES = ['general', 'mask', 'control', 'user', 'other'] as const;

export interface ImageRecord {
	name: string;
	origin: 'internal' | 'external';
	category: string;
	width: number;
	height: number;
	createdAt: string;
	updatedAt: string;
	isIntermediate: boolean;
	sessionId: string | null;
	nodeId: string | null;
	starred: boolean;
	hasWorkflow: boolean;
	boardId: string | null;
	userId: string;
	/** Uploaded bytes, or the picture to draw on first read. */
	bytes?: Buffer;
	picture?: PlaceholderSpec & { comment: string };
}

export interface BoardRecord {
	id: string;
	name: string;
	userId: string;
	createdAt: string;
	updatedAt: string;
	archived: boolean;
	visibility: 'private' | 'shared' | 'public';
}

export interface VideoRecord {
	name: string;
	width: number;
	height: number;
	bytes: Buffer;
	userId: string;
}

export class MediaStore {
	readonly images = new Map<string, ImageRecord>();
	readonly boards = new Map<string, BoardRecord>();
	readonly videos = new Map<string, VideoRecord>();

	addImage(fields: Omit<ImageRecord, 'name' | 'createdAt' | 'updatedAt' | 'starred'>): ImageRecord {
		const now = sqliteNow();
		const record: ImageRecord = { ...fields, name: `${randomUUID()}.png`, createdAt: now, updatedAt: now, starred: false };
		// add_image_to_board fails quietly (a warning) for a board that does not exist.
		if (record.boardId !== null && !this.boards.has(record.boardId)) record.boardId = null;
		this.images.set(record.name, record);
		return record;
	}

	bytesOf(name: string): Buffer | undefined {
		const record = this.images.get(name);
		if (!record) return undefined;
		if (!record.bytes && record.picture) {
			const { comment, ...spec } = record.picture;
			record.bytes = makePlaceholderPng(spec, comment);
		}
		return record.bytes;
	}

	deleteImage(name: string): boolean {
		return this.images.delete(name);
	}

	addBoard(name: string, userId: string): BoardRecord {
		const now = sqliteNow();
		const board: BoardRecord = { id: randomUUID(), name, userId, createdAt: now, updatedAt: now, archived: false, visibility: 'private' };
		this.boards.set(board.id, board);
		return board;
	}

	/** Deletes a board; its images stay (uncategorized) unless `withImages`. Returns the names of its images. */
	deleteBoard(id: string, withImages: boolean): string[] {
		const names = this.boardImageNames(id);
		for (const name of names) {
			if (withImages) this.images.delete(name);
			else this.images.get(name)!.boardId = null;
		}
		this.boards.delete(id);
		return names;
	}

	/** Image names on a board (`none`: on no board), newest first. */
	boardImageNames(boardId: string, filter: (record: ImageRecord) => boolean = () => true): string[] {
		return this.sortedImages()
			.filter((record) => (boardId === 'none' ? record.boardId === null : record.boardId === boardId) && filter(record))
			.map((record) => record.name);
	}

	sortedImages(): ImageRecord[] {
		return [...this.images.values()].reverse();
	}

	canRead(viewer: Viewer, record: ImageRecord): boolean {
		if (viewer.isAdmin || record.userId === viewer.userId) return true;
		const board = record.boardId ? this.boards.get(record.boardId) : undefined;
		return board !== undefined && board.visibility !== 'private';
	}
}

/** ImageDTO (BaseModelExcludeNull: null fields left out). */
export function imageDto(record: ImageRecord, features: VersionFeatures): Record<string, unknown> {
	return {
		image_name: record.name,
		image_url: `api/v1/images/i/${record.name}/full`,
		thumbnail_url: `api/v1/images/i/${record.name}/thumbnail`,
		image_origin: record.origin,
		image_category: record.category,
		width: record.width,
		height: record.height,
		created_at: record.createdAt,
		updated_at: record.updatedAt,
		is_intermediate: record.isIntermediate,
		...(record.sessionId ? { session_id: record.sessionId } : {}),
		...(record.nodeId ? { node_id: record.nodeId } : {}),
		starred: record.starred,
		has_workflow: record.hasWorkflow,
		...(features.v613 ? { image_subfolder: '' } : {}),
		...(record.boardId ? { board_id: record.boardId } : {}),
	};
}

/** BoardDTO (nulls left out). */
export function boardDto(board: BoardRecord, store: MediaStore, features: VersionFeatures): Record<string, unknown> {
	const images = [...store.images.values()].filter((record) => record.boardId === board.id);
	const general = images.filter((record) => record.category === 'general');
	const cover = [...general].reverse()[0];
	return {
		board_id: board.id,
		board_name: board.name,
		...(features.users ? { user_id: board.userId } : {}),
		created_at: board.createdAt,
		updated_at: board.updatedAt,
		...(cover ? { cover_image_name: cover.name } : {}),
		archived: board.archived,
		...(features.v613 ? { board_visibility: board.visibility } : {}),
		image_count: general.length,
		...(features.v614 ? { video_count: 0 } : {}),
		asset_count: images.length - general.length,
	};
}

/** Width and height of a PNG, JPEG, GIF or WebP; undefined for anything PIL would not open. */
export function imageSize(bytes: Buffer): { width: number; height: number } | undefined {
	if (bytes.length >= 24 && bytes.readUInt32BE(0) === 0x89504e47) return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
	if (bytes.length >= 10 && bytes.toString('latin1', 0, 3) === 'GIF') return { width: bytes.readUInt16LE(6), height: bytes.readUInt16LE(8) };
	if (bytes.length >= 30 && bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WEBP') {
		const chunk = bytes.toString('latin1', 12, 16);
		if (chunk === 'VP8X') return { width: 1 + bytes.readUIntLE(24, 3), height: 1 + bytes.readUIntLE(27, 3) };
		if (chunk === 'VP8 ') return { width: bytes.readUInt16LE(26) & 0x3fff, height: bytes.readUInt16LE(28) & 0x3fff };
		if (chunk === 'VP8L') {
			const bits = bytes.readUInt32LE(21);
			return { width: (bits & 0x3fff) + 1, height: ((bits >> 14) & 0x3fff) + 1 };
		}
		return undefined;
	}
	if (bytes.length >= 4 && bytes[0] === 0xff && bytes[1] === 0xd8) {
		let at = 2;
		while (at + 9 < bytes.length) {
			if (bytes[at] !== 0xff) return undefined;
			const marker = bytes[at + 1];
			const length = bytes.readUInt16BE(at + 2);
			if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
				return { width: bytes.readUInt16BE(at + 7), height: bytes.readUInt16BE(at + 5) };
			}
			at += 2 + length;
		}
	}
	return undefined;
}
