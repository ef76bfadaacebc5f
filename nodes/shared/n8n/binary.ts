import type { IBinaryData, IExecuteFunctions, IPollFunctions, IWebhookFunctions } from 'n8n-workflow';

import { InputError } from '../core/errors.ts';
import type { DownloadedFile, StreamedFile } from '../core/files.ts';
import { readAll } from '../core/files.ts';

/**
 * Hands a downloaded file to n8n's binary-data service. A stream from n8n's request helper (a Node
 * Readable) goes in as it is, so filesystem and S3 modes write it out without holding it whole;
 * any other stream is gathered first (n8n takes only a Buffer or a Readable).
 */
export async function toBinaryData(context: IExecuteFunctions | IPollFunctions | IWebhookFunctions, file: StreamedFile | DownloadedFile): Promise<IBinaryData> {
	let data: BinaryInput;
	if ('data' in file) data = bufferOf(file.data);
	else if (typeof (file.stream as { pipe?: unknown }).pipe === 'function') data = file.stream as unknown as BinaryInput;
	else data = bufferOf(await readAll(file));
	return await context.helpers.prepareBinaryData(data, file.fileName, file.mimeType);
}

/** What prepareBinaryData takes: a Buffer or a Node Readable. */
type BinaryInput = Parameters<IExecuteFunctions['helpers']['prepareBinaryData']>[0];

function bufferOf(bytes: Uint8Array): Buffer {
	return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Reads a binary field of an input item; a missing field is an InputError naming `parameter`.
 * `what` says what the file is for in that message (default: the parameter's name in quotes).
 */
export async function readInputBinary(
	context: IExecuteFunctions,
	itemIndex: number,
	propertyName: string,
	parameter: string,
	what = `"${parameter.replace(/^files\./, '')}"`,
): Promise<DownloadedFile> {
	const item = context.getInputData()[itemIndex];
	const available = Object.keys(item?.binary ?? {});
	if (!item?.binary?.[propertyName]) {
		throw new InputError(
			parameter,
			`The input item has no binary field "${propertyName}" for ${what}. ` +
				(available.length ? `Its binary fields are: ${available.join(', ')}.` : 'It has no binary data at all.'),
		);
	}
	const binary = context.helpers.assertBinaryData(itemIndex, propertyName);
	const buffer = await context.helpers.getBinaryDataBuffer(itemIndex, propertyName);
	return {
		data: new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength),
		fileName: binary.fileName ?? `${propertyName}${binary.fileExtension ? `.${binary.fileExtension}` : ''}`,
		mimeType: binary.mimeType,
	};
}
