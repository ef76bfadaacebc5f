import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { PetPortrait } from '../../../shared/providers/petPortrait/api.ts';
import type { ImageType } from '../../../shared/providers/petPortrait/images.ts';
import { imageReference } from '../../../shared/providers/petPortrait/images.ts';
import type { ItemContext } from '../../../shared/n8n/router.ts';
import { toBinaryData } from '../../../shared/n8n/binary.ts';
import { binaryPropertyField, binaryPropertyName } from '../../../shared/n8n/fields.ts';

const properties: INodeProperties[] = [
	{
		displayName: 'Image',
		name: 'imagePath',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. /api/images/pet_portrait_00001_.png?type=output&subfolder=',
		description: "The resultImage path a portrait returned (or an upload's imageUrl), or a bare file name",
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Image Type',
				name: 'imageType',
				type: 'options',
				options: [
					{ name: 'Input', value: 'input', description: 'An uploaded photo' },
					{ name: 'Output', value: 'output', description: 'A generated portrait' },
				],
				default: 'output',
				description: "Which of ComfyUI's folders the file is in. Without this option the path's own type= is used, else Output.",
			},
			binaryPropertyField,
			{
				displayName: 'Subfolder',
				name: 'subfolder',
				type: 'string',
				default: '',
				description: "The file's subfolder in that folder. Without this option the path's own subfolder= is used, else none.",
			},
		],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['image'], operation: ['get'] } }, properties);

interface GetOptions {
	imageType?: ImageType;
	subfolder?: string;
	binaryPropertyName?: string;
}

/** A picture the server holds (a portrait, or an uploaded photo), as binary data named by its own file name. */
export async function execute(this: IExecuteFunctions, { itemIndex, client: petPortrait, signal }: ItemContext<PetPortrait>): Promise<INodeExecutionData[]> {
	const imagePath = String(this.getNodeParameter('imagePath', itemIndex, '') ?? '').trim();
	const options = this.getNodeParameter('options', itemIndex, {}) as GetOptions;
	const wanted = { type: options.imageType, subfolder: options.subfolder };
	const reference = imageReference(imagePath, wanted);
	const file = await petPortrait.image(imagePath, { ...wanted, signal });
	const binary = await toBinaryData(this, file);
	return [
		{
			json: {
				imagePath,
				type: reference.type,
				subfolder: reference.subfolder,
				file: { fileName: file.fileName, mimeType: file.mimeType, fileSize: binary.bytes ?? file.size ?? null },
			},
			binary: { [binaryPropertyName(options.binaryPropertyName)]: binary },
		},
	];
}
