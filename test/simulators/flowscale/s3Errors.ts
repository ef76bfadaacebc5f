// The storage host's error answers, as S3 sends them: XML <Error> documents with a request id.
import { randomBytes } from 'node:crypto';

import type { Reply } from '../shared/httpShell.ts';

function escapeXml(text: string): string {
	return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** S3's ISO format in error documents: no milliseconds. */
export function s3Time(date: Date): string {
	return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Headers S3 puts on every answer. */
export function s3Headers(): { 'x-amz-request-id': string; 'x-amz-id-2': string } {
	return { 'x-amz-request-id': randomBytes(8).toString('hex').toUpperCase(), 'x-amz-id-2': randomBytes(48).toString('base64') };
}

export function s3Error(status: number, code: string, message: string, extra: Record<string, string> = {}): Reply {
	const headers = { ...s3Headers(), 'content-type': 'application/xml' };
	const fields = Object.entries(extra)
		.map(([name, value]) => `<${name}>${escapeXml(value)}</${name}>`)
		.join('');
	const body =
		'<?xml version="1.0" encoding="UTF-8"?>\n' +
		`<Error><Code>${code}</Code><Message>${escapeXml(message)}</Message>${fields}` +
		`<RequestId>${headers['x-amz-request-id']}</RequestId><HostId>${headers['x-amz-id-2']}</HostId></Error>`;
	return { status, headers, body };
}
