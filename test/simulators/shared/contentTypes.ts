// The Content-Type a simulated server sends for a stored file, by its extension (as Python's
// mimetypes and S3's uploads guess it), or application/octet-stream.
import { mimeTypeFromFileName } from '../../../nodes/shared/core/files.ts';

export function contentTypeOf(fileName: string): string {
	return mimeTypeFromFileName(fileName) ?? 'application/octet-stream';
}
