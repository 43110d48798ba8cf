import { NodeApiError, type INodeProperties } from 'n8n-workflow';

import { fxiaokeApiRequest } from '../../transport';
import type { OperationPrepare } from '../types';
import { requireId } from '../validation';
import { serviceIdField } from './fields';

const showFor = { show: { resource: ['message'], operation: ['revoke'] } };

export const description: INodeProperties[] = [
	{ ...serviceIdField('ID of the service account the message was sent through'), displayOptions: showFor },
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
export const prepare: OperationPrepare = async function (itemIndex, options) {
	const body = {
		serviceId: requireId(this, 'serviceId', 'Service ID', itemIndex),
		messageId: requireId(this, 'messageId', 'Message ID', itemIndex),
	};
	return async () => {
		try {
			// Revoking twice cannot do harm, so transient failures may be retried.
			return await fxiaokeApiRequest.call(this, '/cgi/app/message/revoke', body, itemIndex, { ...options, idempotent: true });
		} catch (error) {
			throw markPossiblyRevoked(error);
		}
	};
};

/**
 * A revoke that got no reply may have been carried out; a later attempt can then meet an error
 * (e.g. "already revoked") whose code Fxiaoke does not document. Say so rather than guess.
 */
function markPossiblyRevoked(error: unknown): unknown {
	if (error instanceof NodeApiError && error.context.maybeCarriedOut === true) {
		error.context.possiblyRevoked = true;
	}
	return error;
}
