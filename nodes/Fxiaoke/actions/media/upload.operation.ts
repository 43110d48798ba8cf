import type { INodeProperties } from 'n8n-workflow';

import type { OperationPrepare } from '../types';
import { readImage, uploadImage } from './image';
import { nodeParameter } from '../parameters';

const showFor = { show: { resource: ['media'], operation: ['upload'] } };

export const description: INodeProperties[] = [
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		required: true,
		default: 'data',
		placeholder: 'data',
		hint: 'The name of the input binary field containing the image to upload',
		description:
			'Binary property of the input item holding a JPG, PNG, GIF or BMP image of at most 5 MB. The answer\'s mediaId can be used as an article cover image.',
		displayOptions: showFor,
	},
];

/** Upload Image: POST /media/upload/message, multipart field `media`; returns Fxiaoke's raw answer (mediaId). */
export const prepare: OperationPrepare = async function (itemIndex, options) {
	const image = await readImage(this, itemIndex, nodeParameter(this, 'binaryPropertyName', itemIndex), {
		label: 'Input Binary Field',
		name: 'binaryPropertyName',
	});
	return async () => await uploadImage(this, itemIndex, image, options);
};
