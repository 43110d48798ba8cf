import { updateDisplayOptions, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import type { OperationPrepare } from '../types';
import { inputError, requireId } from '../validation';
import { platformFlags, sendBody, SERVICE_SEND_PATH } from './chunkedSend';
import type { MessageKind } from './content';
import { MESSAGE_FIELDS, RECIPIENT_FIELDS, serviceIdField } from './fields';
import { prepareSend } from './sendOperation';
import { nodeParameter } from '../parameters';

const RAW_JSON = 'rawJson';
const KINDS: MessageKind[] = ['text', 'composite', 'articles'];
/** A raw body larger than this is a mistake (a whole file in an expression), not a message. */
const MAX_RAW_BODY_CHARACTERS = 1024 * 1024;
/**
 * The Raw JSON default: the shape to fill in, with no recipient, so that running the node unchanged
 * fails the check below instead of sending a real message.
 */
const RAW_BODY_TEMPLATE = '{\n  "toUser": [],\n  "msgType": "text",\n  "text": { "content": "" }\n}';

const show = (extra: IDataObject = {}) => ({
	show: { resource: ['message'], operation: ['sendAsServiceAccount'], ...extra },
});

export const description: INodeProperties[] = [
	...updateDisplayOptions(show(), [
		{
			displayName:
				'Experimental: Fxiaoke documents this call only in part, so the request body is this node\'s best reading of it; check the result with a test message before relying on it.',
			name: 'experimentalNotice',
			type: 'notice',
			default: '',
		},
		serviceIdField('ID of the service account to send as (the same ID Revoke needs later)'),
		{
			displayName: 'Message Type',
			name: 'messageType',
			type: 'options',
			options: [
				{ name: 'Text', value: 'text', description: 'A plain text message' },
				{ name: 'Composite', value: 'composite', description: 'A card with title, rows and a link' },
				{ name: 'Image-Text', value: 'articles', description: '1 to 7 articles with cover images' },
				{
					name: 'Raw JSON',
					value: RAW_JSON,
					description: 'The whole request body as JSON, for when Fxiaoke expects another shape',
				},
			],
			default: 'text',
			description: 'What to send. The message body is the one of Send Text / Composite / Image-Text plus serviceId.',
		},
	]),
	...updateDisplayOptions(show({ messageType: KINDS }), RECIPIENT_FIELDS),
	...KINDS.flatMap((kind) => updateDisplayOptions(show({ messageType: [kind] }), MESSAGE_FIELDS[kind])),
	...updateDisplayOptions(show({ messageType: [RAW_JSON] }), [
		{
			displayName: 'Body (JSON)',
			name: 'jsonBody',
			type: 'json',
			required: true,
			default: RAW_BODY_TEMPLATE,
			description:
				'The request body without serviceId (the node adds Service ID), e.g. {"toUser": ["1000"], "msgType": "text", "text": {"content": "Hello"}}. Sent as given in one request: no recipient splitting; checked only for being a JSON object and, when it has toUser, for toUser not being empty.',
		},
	]),
];

function readRawBody(ctx: IExecuteFunctions, itemIndex: number, serviceId: string): IDataObject {
	const field = { label: 'Body (JSON)', name: 'jsonBody' };
	const value = nodeParameter(ctx, 'jsonBody', itemIndex);
	let parsed: unknown = value;
	if (typeof value === 'string') {
		if (value.length > MAX_RAW_BODY_CHARACTERS) {
			throw inputError(ctx, itemIndex, field, `is ${value.length} characters long (at most ${MAX_RAW_BODY_CHARACTERS})`);
		}
		try {
			parsed = JSON.parse(value);
		} catch (error) {
			throw inputError(ctx, itemIndex, field, `is not valid JSON (${(error as Error).message})`);
		}
	}
	if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
		throw inputError(ctx, itemIndex, field, 'must be a JSON object');
	}
	const { serviceId: given, ...rest } = parsed as IDataObject;
	if (Object.keys(rest).length === 0) throw inputError(ctx, itemIndex, field, 'is empty');
	if (given !== undefined && given !== serviceId) {
		throw inputError(
			ctx,
			itemIndex,
			field,
			`holds serviceId ${JSON.stringify(given)}, which differs from Service ID (serviceId) ${JSON.stringify(serviceId)}`,
		);
	}
	if ('toUser' in rest && hasNoRecipient(rest.toUser)) {
		throw inputError(ctx, itemIndex, field, 'has an empty "toUser": list at least one recipient, e.g. "toUser": ["1000"],');
	}
	return rest;
}

/** Whether a raw `toUser` names nobody: null, blank text, or an array of only blank entries. */
function hasNoRecipient(toUser: unknown): boolean {
	const entries = Array.isArray(toUser) ? (toUser.flat(Infinity) as unknown[]) : [toUser];
	return entries.every((entry) => entry === null || entry === undefined || (typeof entry === 'string' && entry.trim() === ''));
}

/**
 * Send as Service Account (experimental): POST /cgi/app/message/send. Fxiaoke's page for this call
 * shows the revoke fields only (API.md §7.4, §11); the body sent is the documented message body of
 * /cgi/message/send plus `serviceId`, or the raw JSON body plus `serviceId`. The answer is kept raw.
 */
export const prepare: OperationPrepare = async function (itemIndex, options) {
	const serviceId = requireId(this, 'serviceId', 'Service ID', itemIndex);
	const target = { path: SERVICE_SEND_PATH, serviceId };
	const kind = nodeParameter(this, 'messageType', itemIndex);
	if (kind === RAW_JSON) {
		const body = { serviceId, ...readRawBody(this, itemIndex, serviceId), ...platformFlags(options) };
		return async () => await sendBody(this, itemIndex, options, target, body);
	}
	if (!KINDS.includes(kind as MessageKind)) {
		throw inputError(
			this,
			itemIndex,
			{ label: 'Message Type', name: 'messageType' },
			`must be text, composite, articles or rawJson, not ${JSON.stringify(kind)},`,
		);
	}
	return await prepareSend(this, itemIndex, options, target, kind as MessageKind);
};
