import type { IBinaryData, IExecuteFunctions, IPollFunctions, IWebhookFunctions } from 'n8n-workflow';

import { InputError } from '../core/errors.ts';
import type { DownloadedFile } from '../core/files.ts';

/** Hands a downloaded file to n8n's binary-data service (memory, filesystem or S3 mode). */
export function toBinaryData(context: IExecuteFunctions | IPollFunctions | IWebhookFunctions, file: DownloadedFile): Promise<IBinaryData> {
	const buffer = Buffer.from(file.data.buffer, file.data.byteOffset, file.data.byteLength);
	return context.helpers.prepareBinaryData(buffer, file.fileName, file.mimeType);
}

/** Reads a binary field of an input item; a missing field is an InputError naming `parameter`. */
export async function readInputBinary(
	context: IExecuteFunctions,
	itemIndex: number,
	propertyName: string,
	parameter: string,
): Promise<DownloadedFile> {
	const item = context.getInputData()[itemIndex];
	const available = Object.keys(item?.binary ?? {});
	if (!item?.binary?.[propertyName]) {
		throw new InputError(
			parameter,
			`The input item has no binary field "${propertyName}" for "${parameter.replace(/^files\./, '')}". ` +
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
