import { NodeApiError, type INodeProperties } from 'n8n-workflow';

import { fxiaokeApiRequest } from '../../transport';
import { nodeParameter } from '../parameters';
import type { OperationPrepare } from '../types';
import { checkId, requireId } from '../validation';
import { serviceIdField } from './fields';

const showFor = { resource: ['message'], operation: ['revoke'] };
const AUTO_MAP = 'autoMapInputData';

export const description: INodeProperties[] = [
	{
		displayName: 'Input Data',
		name: 'dataMode',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Define Below',
				value: 'defineBelow',
				description: 'Set Service ID and Message ID here, as values or expressions',
			},
			{
				name: 'Map Automatically',
				value: AUTO_MAP,
				description:
					"Take them from each input item's fields (serviceId and messageId by default): no expression to evaluate per item, the fastest way to revoke many messages",
			},
		],
		default: 'defineBelow',
		description: 'Where the Service ID and Message ID of each item come from',
		displayOptions: { show: showFor },
	},
	{
		...serviceIdField('ID of the service account the message was sent through'),
		displayOptions: { show: { ...showFor, dataMode: ['defineBelow'] } },
	},
	{
		displayName: 'Message ID',
		name: 'messageId',
		type: 'string',
		required: true,
		default: '',
		description: 'ID of the message to revoke',
		displayOptions: { show: { ...showFor, dataMode: ['defineBelow'] } },
	},
	{
		displayName: 'Service ID Field',
		name: 'serviceIdField',
		type: 'string',
		required: true,
		default: 'serviceId',
		description: "Name of the input item's top-level field that holds the Service ID",
		displayOptions: { show: { ...showFor, dataMode: [AUTO_MAP] } },
	},
	{
		displayName: 'Message ID Field',
		name: 'messageIdField',
		type: 'string',
		required: true,
		default: 'messageId',
		description: "Name of the input item's top-level field that holds the Message ID",
		displayOptions: { show: { ...showFor, dataMode: [AUTO_MAP] } },
	},
];

/** Revoke Message: POST /cgi/app/message/revoke with exactly {serviceId, messageId}. */
export const prepare: OperationPrepare = async function (itemIndex, options) {
	let body: { serviceId: string; messageId: string };
	if (nodeParameter(this, 'dataMode', itemIndex, 'defineBelow') === AUTO_MAP) {
		const json = this.getInputData()[itemIndex]?.json ?? {};
		const fromInput = (label: string, parameter: string) => {
			const name = requireId(this, parameter, `${label} Field`, itemIndex);
			return checkId(this, itemIndex, json[name], { label, name, where: 'of the input item' });
		};
		body = { serviceId: fromInput('Service ID', 'serviceIdField'), messageId: fromInput('Message ID', 'messageIdField') };
	} else {
		body = {
			serviceId: requireId(this, 'serviceId', 'Service ID', itemIndex),
			messageId: requireId(this, 'messageId', 'Message ID', itemIndex),
		};
	}
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
