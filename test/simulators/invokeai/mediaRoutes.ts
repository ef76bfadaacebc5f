// `/api/v1/images`, `/api/v1/boards` and the 6.14 video file route (routers/images.py, boards.py,
// _access.py): upload (multipart `file`, the two required query parameters, 415 for what is not an
// image), DTOs, full-size bytes, delete, the list with its filters, and boards.
import { ParamReader, errors } from '../shared/fastapi.ts';
import { formEncoding, readFormParts } from '../shared/formBody.ts';
import type { Reply } from '../shared/httpShell.ts';
import { HttpError, json, queryAll } from './http.ts';
import type { BoardRecord, ImageRecord } from './images.ts';
import { IMAGE_CATEGORIES, boardDto, imageDto, imageSize } from './images.ts';
import type { Route, RouteContext } from './state.ts';
import type { PydanticError } from './validate.ts';
import { expectedList } from './validate.ts';

const I = '/api/v1/images';
const B = '/api/v1/boards';
const CACHE = 'max-age=2592000';

/** ImageCategory checks of a query value (`indexed`: a list parameter, each value at its index). */
function categoryProblems(values: string[], loc: (string | number)[], indexed: boolean): PydanticError[] {
	const expected = expectedList([...IMAGE_CATEGORIES]);
	return values
		.map((value, at) => ({ value, at }))
		.filter(({ value }) => !(IMAGE_CATEGORIES as readonly string[]).includes(value))
		.map(({ value, at }) => ({ type: 'enum', loc: indexed ? [...loc, at] : loc, msg: `Input should be ${expected}`, input: value, ctx: { expected } }));
}

function readable(context: RouteContext, name: string): ImageRecord | undefined {
	const record = context.state.media.images.get(name);
	if (!context.user.isAdmin && (!record || !context.state.media.canRead(context.user, record))) throw new HttpError(403, 'Not authorized to access this image');
	return record;
}

async function upload(context: RouteContext): Promise<Reply> {
	const { request, state, features, user } = context;
	const reader = new ParamReader('query', request.query);
	const category = reader.str('image_category', true);
	const problems = category === undefined ? [] : categoryProblems([category], ['query', 'image_category'], false);
	const isIntermediate = reader.bool('is_intermediate', false);
	if (!request.query.has('is_intermediate')) problems.push(errors.missing(['query', 'is_intermediate']));
	const boardId = reader.str('board_id');
	const sessionId = reader.str('session_id');
	const contentType = String(request.headers['content-type'] ?? '');
	const parts = formEncoding(contentType) ? await readFormParts(request.body, contentType) : undefined;
	const file = parts?.find((part) => part.name === 'file')?.value;
	if (!file || typeof file === 'string') problems.push({ type: 'missing', loc: ['body', 'file'], msg: 'Field required', input: null });
	reader.check(problems);
	if (typeof file !== 'object' || !file) throw new Error('unreachable');
	if (boardId !== undefined) {
		const board = state.media.boards.get(boardId);
		if (!board) throw new HttpError(404, 'Board not found');
		if (!user.isAdmin && board.userId !== user.userId && board.visibility !== 'public') throw new HttpError(403, 'Not authorized to upload to this board');
	}
	if (!file.contentType.startsWith('image')) throw new HttpError(415, 'Not an image');
	const size = imageSize(file.bytes);
	if (!size) throw new HttpError(415, 'Failed to read image');
	const record = state.media.addImage({
		origin: 'external',
		category: category!,
		...size,
		isIntermediate,
		sessionId: sessionId ?? null,
		nodeId: null,
		hasWorkflow: false,
		boardId: boardId ?? null,
		userId: user.userId,
		bytes: file.bytes,
	});
	const dto = imageDto(record, features);
	return json(201, dto, { location: String(dto.image_url) });
}

function listImages(context: RouteContext): Reply {
	const { request, state, features, user } = context;
	const reader = new ParamReader('query', request.query);
	const offset = reader.int('offset', 0);
	const limit = reader.int('limit', 10);
	const categories = queryAll(request, 'categories');
	const origin = reader.str('image_origin');
	const boardId = reader.str('board_id');
	const intermediate = request.query.has('is_intermediate') ? reader.bool('is_intermediate', false) : undefined;
	const search = reader.str('search_term');
	reader.check(categoryProblems(categories, ['query', 'categories'], true));
	const matches = state.media
		.sortedImages()
		.filter(
			(record) =>
				(user.isAdmin || state.media.canRead(user, record)) &&
				(!categories.length || categories.includes(record.category)) &&
				(origin === undefined || record.origin === origin) &&
				(boardId === undefined || (boardId === 'none' ? record.boardId === null : record.boardId === boardId)) &&
				(intermediate === undefined || record.isIntermediate === intermediate) &&
				(search === undefined || record.name.includes(search)),
		);
	if (request.query.get('order_dir') === 'ASC') matches.reverse();
	return json(200, { limit, offset, total: matches.length, items: matches.slice(offset, offset + limit).map((record) => imageDto(record, features)) });
}

function fileReply(bytes: Buffer, contentType: string, name: string, head: boolean): Reply {
	return {
		status: 200,
		headers: { 'content-type': contentType, 'cache-control': CACHE, 'content-disposition': `inline; filename="${name}"`, 'content-length': String(bytes.length) },
		body: head ? null : bytes,
	};
}

function boardOr404(context: RouteContext, id: string): BoardRecord {
	const board = context.state.media.boards.get(id);
	if (!board) throw new HttpError(404, 'Board not found');
	return board;
}

export const mediaRoutes: Route[] = [
	{ method: 'POST', pattern: new RegExp(`^${I}/upload$`), handle: upload },
	{ method: 'GET', pattern: new RegExp(`^${I}/?$`), handle: listImages },
	{
		method: 'GET',
		pattern: new RegExp(`^${I}/i/([^/]+)$`),
		handle(context) {
			const record = readable(context, context.params[0]);
			if (!record) throw new HttpError(404, 'Not Found');
			return json(200, imageDto(record, context.features));
		},
	},
	{
		method: 'GET',
		pattern: new RegExp(`^${I}/i/([^/]+)/full$`),
		auth: 'media',
		handle(context) {
			const bytes = context.state.media.bytesOf(context.params[0]);
			if (!bytes) throw new HttpError(404, 'Not Found');
			return fileReply(bytes, 'image/png', context.params[0], context.request.method === 'HEAD');
		},
	},
	{
		method: 'DELETE',
		pattern: new RegExp(`^${I}/i/([^/]+)$`),
		handle(context) {
			const { media } = context.state;
			const record = media.images.get(context.params[0]);
			if (!context.user.isAdmin && record?.userId !== context.user.userId) throw new HttpError(403, 'Not authorized to modify this image');
			const deleted = record && media.deleteImage(record.name) ? [record.name] : [];
			return json(200, { affected_boards: record ? [record.boardId ?? 'none'] : [], deleted_images: deleted, ...(context.features.v614 ? { failed_images: [] } : {}) });
		},
	},
	{
		method: 'GET',
		pattern: new RegExp(`^/api/v1/videos/i/([^/]+)/full$`),
		auth: 'media',
		since: (features) => features.v614,
		handle(context) {
			const video = context.state.media.videos.get(context.params[0]);
			if (!video) throw new HttpError(404, 'Not Found');
			return fileReply(video.bytes, 'video/mp4', video.name, context.request.method === 'HEAD');
		},
	},
	{
		method: 'GET',
		pattern: new RegExp(`^${B}/?$`),
		handle(context) {
			const { request, state, features, user } = context;
			const reader = new ParamReader('query', request.query);
			const all = request.query.has('all') ? reader.bool('all', false) : undefined;
			const offset = request.query.has('offset') ? reader.int('offset', 0) : undefined;
			const limit = request.query.has('limit') ? reader.int('limit', 0) : undefined;
			const archived = reader.bool('include_archived', false);
			reader.check();
			const boards = [...state.media.boards.values()]
				.filter((board) => (archived || !board.archived) && (user.isAdmin || board.userId === user.userId || board.visibility !== 'private'))
				.reverse();
			if (request.query.get('order_by') === 'board_name') boards.sort((a, b) => a.name.localeCompare(b.name));
			if (request.query.get('direction') === 'ASC') boards.reverse();
			const dtos = boards.map((board) => boardDto(board, state.media, features));
			if (all) return json(200, dtos);
			if (offset !== undefined && limit !== undefined) return json(200, { limit, offset, total: dtos.length, items: dtos.slice(offset, offset + limit) });
			throw new HttpError(400, "Invalid request: Must provide either 'all' or both 'offset' and 'limit'");
		},
	},
	{
		method: 'POST',
		pattern: new RegExp(`^${B}/?$`),
		handle(context) {
			const reader = new ParamReader('query', context.request.query);
			const name = reader.str('board_name', true);
			const problems: PydanticError[] = [];
			if (name !== undefined && Array.from(name).length > 300) {
				problems.push({ type: 'string_too_long', loc: ['query', 'board_name'], msg: 'String should have at most 300 characters', input: name, ctx: { max_length: 300 } });
			}
			reader.check(problems);
			const board = context.state.media.addBoard(name!, context.user.userId);
			return json(201, boardDto(board, context.state.media, context.features));
		},
	},
	{
		method: 'GET',
		pattern: new RegExp(`^${B}/([^/]+)$`),
		handle(context) {
			const board = boardOr404(context, context.params[0]);
			if (!context.user.isAdmin && board.userId !== context.user.userId && board.visibility === 'private') throw new HttpError(403, 'Not authorized to access this board');
			return json(200, boardDto(board, context.state.media, context.features));
		},
	},
	{
		method: 'DELETE',
		pattern: new RegExp(`^${B}/([^/]+)$`),
		handle(context) {
			const board = boardOr404(context, context.params[0]);
			if (!context.user.isAdmin && board.userId !== context.user.userId) throw new HttpError(403, 'Not authorized to delete this board');
			const reader = new ParamReader('query', context.request.query);
			const withImages = reader.bool('include_images', false);
			reader.check();
			const names = context.state.media.deleteBoard(board.id, withImages);
			return json(200, { board_id: board.id, deleted_board_images: withImages ? [] : names, deleted_images: withImages ? names : [] });
		},
	},
	{
		method: 'GET',
		pattern: new RegExp(`^${B}/([^/]+)/image_names$`),
		handle(context) {
			const { request, state, user } = context;
			const boardId = context.params[0];
			if (boardId !== 'none') {
				const board = boardOr404(context, boardId);
				if (!user.isAdmin && board.userId !== user.userId && board.visibility === 'private') throw new HttpError(403, 'Not authorized to access this board');
			}
			const reader = new ParamReader('query', request.query);
			const intermediate = request.query.has('is_intermediate') ? reader.bool('is_intermediate', false) : undefined;
			const categories = queryAll(request, 'categories');
			reader.check(categoryProblems(categories, ['query', 'categories'], true));
			const names = state.media.boardImageNames(
				boardId,
				(record) =>
					(!categories.length || categories.includes(record.category)) &&
					(intermediate === undefined || record.isIntermediate === intermediate) &&
					(boardId !== 'none' || user.isAdmin || record.userId === user.userId),
			);
			return json(200, names);
		},
	},
];
