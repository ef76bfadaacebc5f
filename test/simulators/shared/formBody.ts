// Reading an HTML form body, multipart or urlencoded, the way Starlette's `request.form()` does,
// with every part kept in order (repeated names too) so each simulator can apply its server's rules.

export type FormEncoding = 'multipart' | 'urlencoded';

export interface FormFile {
	fileName: string;
	/** The part's Content-Type; '' when the client sent none. */
	contentType: string;
	bytes: Buffer;
}

export interface FormPart {
	name: string;
	value: string | FormFile;
}

/** The form encoding of a Content-Type header; undefined for anything that is not a form. */
export function formEncoding(contentType: string | undefined): FormEncoding | undefined {
	const mediaType = (contentType ?? '').split(';')[0].trim().toLowerCase();
	if (mediaType === 'multipart/form-data') return 'multipart';
	if (mediaType === 'application/x-www-form-urlencoded') return 'urlencoded';
	return undefined;
}

/** Every part of a form body, in order; undefined when the body cannot be parsed (a bad boundary, a cut-off part). */
export async function readFormParts(body: Buffer, contentType: string): Promise<FormPart[] | undefined> {
	// undici's Request parses both encodings, as a server framework would.
	const data = await new Request('http://simulator.invalid/', { method: 'POST', headers: { 'content-type': contentType }, body })
		.formData()
		.catch(() => undefined);
	if (!data) return undefined;
	const parts: FormPart[] = [];
	for (const [name, value] of data.entries()) {
		if (typeof value === 'string') parts.push({ name, value });
		else parts.push({ name, value: { fileName: value.name, contentType: value.type, bytes: Buffer.from(await value.arrayBuffer()) } });
	}
	return parts;
}
