import type { INodeProperties } from 'n8n-workflow';

import * as upload from './upload.operation';

export { upload };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['media'] } },
		options: [
			{
				name: 'Upload Image',
				value: 'upload',
				description:
					'Upload a JPG, PNG, GIF or BMP image (at most 5 MB) from a binary property; returns the mediaId to use as a cover image of an image-text message',
				action: 'Upload an image',
			},
		],
		default: 'upload',
	},
	...upload.description,
];
