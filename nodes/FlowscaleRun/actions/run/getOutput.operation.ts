import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import type { Flowscale } from '../../../shared/providers/flowscale/api.ts';
import type { ItemContext } from '../../../shared/n8n/router.ts';
import { asJson } from '../../client.ts';
import { toBinaryData } from '../../../shared/n8n/binary.ts';
import { binaryPropertyField, binaryPropertyName } from '../../../shared/n8n/fields.ts';

const properties: INodeProperties[] = [
	{
		displayName: 'Output Name',
		name: 'outputName',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. filename_prefix_58358_5WWF7GQUYF',
		description: "One of the run's output_names",
	},
	{
		displayName: 'Return',
		name: 'returnAs',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Download URL', value: 'url', description: 'The pre-signed link (valid for a limited time), or ready: false while the output is not stored yet' },
			{ name: 'File', value: 'file', description: 'The file as binary data; fails while the output is not stored yet' },
		],
		default: 'url',
	},
	{ ...binaryPropertyField, displayOptions: { show: { returnAs: ['file'] } } },
];

export const description = updateDisplayOptions({ show: { resource: ['run'], operation: ['getOutput'] } }, properties);

export async function execute(this: IExecuteFunctions, { itemIndex, client: flowscale, signal }: ItemContext<Flowscale>): Promise<INodeExecutionData[]> {
	const outputName = (this.getNodeParameter('outputName', itemIndex, '') as string).trim();
	const returnAs = this.getNodeParameter('returnAs', itemIndex, 'url') as 'url' | 'file';
	const output = await flowscale.getOutput(outputName, signal);
	if (output.state !== 'ready') {
		const why = output.state === 'timed-out' ? 'its run timed out on the server (408)' : `it is not stored yet (the server answered ${output.httpStatus})`;
		if (returnAs === 'file') throw new NodeOperationError(this.getNode(), `Flowscale output "${outputName}" cannot be downloaded: ${why}.`, { itemIndex });
		return [{ json: { output_name: outputName, ready: false, state: output.state } }];
	}
	const json = { output_name: outputName, ready: true, ...asJson(output.link) };
	if (returnAs === 'url') return [{ json }];
	const file = await flowscale.downloadOutput(output.link.download_url, { signal, outputName });
	const binary = await toBinaryData(this, file);
	return [{ json: { ...json, file: { fileName: file.fileName, mimeType: file.mimeType, fileSize: binary.bytes ?? file.size } }, binary: { [binaryPropertyName(this.getNodeParameter('binaryPropertyName', itemIndex, 'data'))]: binary } }];
}
