import type { INodeProperties } from 'n8n-workflow';

import type { Operations } from '../../../shared/n8n/router.ts';
import type { InvokeAI } from '../../../shared/providers/invokeai/api.ts';

import * as deleteOperation from './delete.operation.ts';
import * as download from './download.operation.ts';
import * as get from './get.operation.ts';
import * as getMany from './getMany.operation.ts';
import * as upload from './upload.operation.ts';

export const operations: Operations<InvokeAI> = { delete: deleteOperation, download, get, getMany, upload };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['image'] } },
		options: [
			{ name: 'Delete', value: 'delete', description: 'Delete an image', action: 'Delete an image' },
			{ name: 'Download', value: 'download', description: 'Download an image as binary data', action: 'Download an image' },
			{ name: 'Get', value: 'get', description: "Get an image's record", action: 'Get an image' },
			{ name: 'Get Many', value: 'getMany', description: 'List images, newest first', action: 'Get many images' },
			{ name: 'Upload', value: 'upload', description: 'Upload a picture from binary data', action: 'Upload an image' },
		],
		default: 'upload',
	},
	...upload.description,
	...get.description,
	...download.description,
	...deleteOperation.description,
	...getMany.description,
];
