import { NodeApiError, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { fxiaokeApiRequest } from '../../transport';
import { nodeParameter } from '../parameters';
import type { OperationPrepare } from '../types';
import { checkId, inputError, kindOf, quoteShortened, requireId } from '../validation';
import { serviceIdField } from './fields';

const showFor = { resource: ['message'], operation: ['revoke'] };
const AUTO_MAP = 'autoMapInputData';

/*
 * "Already revoked" is errorCode 90003 of the local sandbox (sandbox/codes.js, sandboxOnly): API.md
 * §6.2 lists no such code, neither [P] nor [S], and §11.2 leaves the revoke's errors open. Only
 * this code is branched on; on a real tenant every other code stays an error.
 */
const ALREADY_REVOKED = 90003;
const TREAT_AS_SUCCESS = 'success';
const TREAT_AS_ERROR = 'error';

/** Revoke's entries in the Options collection (options.ts spreads them in). */
export const revokeOptions: INodeProperties[] = [
	{
		displayName: 'Already Revoked',
		name: 'alreadyRevoked',
		type: 'options',
		options: [
			{
				name: 'Treat as Error',
				value: TREAT_AS_ERROR,
				description: 'The item fails with Fxiaoke\'s errorCode, as any other error',
			},
			{
				name: 'Treat as Success',
				value: TREAT_AS_SUCCESS,
				description: 'The item succeeds with alreadyRevoked: true: the message is gone either way',
			},
		],
		default: TREAT_AS_SUCCESS,
		description: 'What an answer that the message was already revoked (errorCode 90003: the local sandbox\'s code, Fxiaoke documents none) makes of the item. A normal success has alreadyRevoked: false.',
		displayOptions: { show: { '/resource': ['message'], '/operation': ['revoke'] } },
	},
];

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
	const alreadyRevoked = readAlreadyRevoked(this, itemIndex);
	/*
	 * What a workflow needs is "the message is gone", true either way: with Treat as Success a
	 * 90003 (also one answering a retry after an unanswered attempt, which most likely did the
	 * revoke itself) is a success item like any other, errorCode 0 (an item with errorCode ≠ 0 is
	 * an error, and workflows test that), plus one boolean to branch on: alreadyRevoked, true only
	 * for a 90003, so nothing is lost; Fxiaoke's traceId and words are kept, to match its log.
	 */
	return async () => {
		let answer: IDataObject;
		try {
			// Revoking twice cannot do harm, so transient failures may be retried.
			answer = await fxiaokeApiRequest.call(this, '/cgi/app/message/revoke', body, itemIndex, { ...options, idempotent: true });
		} catch (error) {
			if (alreadyRevoked === TREAT_AS_SUCCESS && error instanceof NodeApiError && error.context.errorCode === ALREADY_REVOKED) {
				const { traceId, errorMessage, errorDescription } = error.context;
				return { traceId, errorCode: 0, errorMessage, errorDescription, ...body, alreadyRevoked: true } as IDataObject;
			}
			throw explainRevokeFailure(error, body, itemIndex);
		}
		return { ...answer, ...body, alreadyRevoked: false };
	};
};

/** Options → Already Revoked of the item: an expression may give anything, so it is checked. */
function readAlreadyRevoked(ctx: IExecuteFunctions, itemIndex: number): string {
	const value = (nodeParameter(ctx, 'options', itemIndex, {}) as IDataObject).alreadyRevoked ?? TREAT_AS_SUCCESS;
	if (value !== TREAT_AS_SUCCESS && value !== TREAT_AS_ERROR) {
		throw inputError(
			ctx,
			itemIndex,
			{ label: 'Already Revoked', name: 'alreadyRevoked' },
			`must be "${TREAT_AS_SUCCESS}" or "${TREAT_AS_ERROR}", not ${typeof value === 'string' ? quoteShortened(value) : kindOf(value)},`,
		);
	}
	return value;
}

/**
 * The error names the IDs that were sent (they are not secrets), so a failed item can be found
 * without opening its input. A revoke that got no reply may have been carried out; a later attempt
 * can then meet an error, so the error says possiblyRevoked rather than guess.
 */
function explainRevokeFailure(error: unknown, body: { serviceId: string; messageId: string }, itemIndex: number): unknown {
	if (!(error instanceof NodeApiError)) return error;
	// (Ids are at most 256 characters without control characters: quoted whole.)
	error.message = `${error.message}, for serviceId ${JSON.stringify(body.serviceId)} and messageId ${JSON.stringify(body.messageId)} in item ${itemIndex}`;
	if (error.context.maybeCarriedOut === true) error.context.possiblyRevoked = true;
	if (error.context.errorCode === ALREADY_REVOKED) {
		error.description = `${error.description ?? ''} The message was already revoked: Options → Already Revoked → Treat as Success makes this a success with alreadyRevoked: true.`.trim();
	}
	return error;
}
