// `POST /api/upload`: multer's `upload.single('image')` (20 MB, image/* only, other file fields
// refused), then the session (new, or the form's `sessionId`), then the re-upload to ComfyUI as
// `<Date.now()>-<original name>`.
import type { IncomingHttpHeaders } from 'node:http';

import type { FormFile } from '../shared/formBody.ts';
import { formEncoding, readFormParts } from '../shared/formBody.ts';
import type { Reply } from '../shared/httpShell.ts';
import type { Comfy } from './comfy.ts';
import { apiError, json, uncaught } from './express.ts';
import type { ResolvedOptions } from './options.ts';
import type { SessionStore } from './sessions.ts';

const FILE_LIMIT = 20 * 1024 * 1024;
const MULTER = '/app/node_modules/multer';

export interface UploadContext {
	options: ResolvedOptions;
	store: SessionStore;
	comfy: Comfy;
}

function multerError(message: string): Reply {
	return uncaught(500, 'MulterError', message, [`wrappedFileFilter (${MULTER}/index.js:40:19)`, `Multipart.<anonymous> (${MULTER}/lib/make-middleware.js:107:7)`]);
}

/** The one accepted file, or the answer that ends the request. */
function pickImage(files: { name: string; file: FormFile }[], options: ResolvedOptions): FormFile | undefined | Reply {
	let taken: FormFile | undefined;
	let seen = 0;
	for (const { name, file } of files) {
		// multer counts `image` files before the filter runs: any second one, or another field, is "Unexpected field".
		if (name !== 'image' || seen >= 1) return multerError('Unexpected field');
		seen++;
		if (!file.contentType.toLowerCase().startsWith('image/')) {
			if (options.nonImageUpload === 'json400') return apiError(400, 'Only image files are allowed');
			if (options.nonImageUpload === 'html500') {
				return uncaught(500, 'Error', 'Only image files are allowed', ['fileFilter (/app/server.js:58:10)', `wrappedFileFilter (${MULTER}/index.js:44:7)`]);
			}
			continue; // 'skipped400': cb(null, false)
		}
		if (file.bytes.length > FILE_LIMIT) return multerError('File too large');
		taken = file;
	}
	return taken;
}

export async function upload(context: UploadContext, headers: IncomingHttpHeaders, body: Buffer): Promise<Reply> {
	const { options, store, comfy } = context;
	const fields = new Map<string, string[]>();
	let file: FormFile | undefined;
	if (formEncoding(headers['content-type']) === 'multipart') {
		const parts = await readFormParts(body, headers['content-type'] ?? '');
		if (!parts) return uncaught(500, 'Error', 'Unexpected end of form', [`Multipart._final (/app/node_modules/busboy/lib/types/multipart.js:588:17)`]);
		const files: { name: string; file: FormFile }[] = [];
		for (const { name, value } of parts) {
			if (typeof value === 'string') fields.set(name, [...(fields.get(name) ?? []), value]);
			else files.push({ name, file: value });
		}
		const picked = pickImage(files, options);
		if (picked && 'status' in picked) return picked;
		file = picked;
	}
	if (!file) return apiError(400, 'No image file provided');

	// A repeated field becomes an array in req.body, which no session id equals.
	const given = fields.get('sessionId');
	const sessionId: unknown = given === undefined ? undefined : given.length === 1 ? given[0] : given;
	let session;
	if (sessionId) {
		session = store.get(sessionId);
		if (!session) return apiError(400, 'Invalid session ID');
	} else {
		session = store.create('initialized');
	}

	const timestamp = Date.now();
	const stored = comfy.upload(`${timestamp}-${file.fileName}`, file.bytes);
	session.imageData = { filename: stored.name, subfolder: stored.subfolder, originalFilename: file.fileName, timestamp };
	session.uploads.push({ originalName: file.fileName, storedName: stored.name, contentType: file.contentType, bytes: new Uint8Array(file.bytes), at: timestamp });
	session.status = options.uploadedStatus;
	store.touch(session);
	store.changed(session);
	return json(200, {
		success: true,
		sessionId: session.id,
		message: 'Image uploaded successfully',
		imageUrl: `/api/images/${stored.name}?type=input&subfolder=${stored.subfolder || ''}`,
	});
}
