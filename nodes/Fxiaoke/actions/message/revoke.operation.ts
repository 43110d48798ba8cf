import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { fxiaokeApiRequest } from '../../transport';
import { requireId } from '../validation';

const showFor = { show: { resource: ['message'], operation: ['revoke'] } };

export const description: INodeProperties[] = [
	{
		displayName: 'Service ID',
		name: 'serviceId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'FSAID_xxxxxxxx',
		description: 'ID of the service account the message was sent through',
		displayOptions: showFor,
	},
	{
		displayName: 'Message ID',
		name: 'messageId',
		type: 'string',
		required: true,
		default: '',
		description: 'ID of the message to revoke',
		displayOptions: showFor,
	},
];

/** Revoke Message: POST /cgi/app/message/revoke with exactly {serviceId, messageId}. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const body = {
		serviceId: requireId(this, 'serviceId', 'Service ID', itemIndex),
		messageId: requireId(this, 'messageId', 'Message ID', itemIndex),
	};
	return await fxiaokeApiRequest.call(this, '/cgi/app/message/revoke', body, itemIndex);
}
