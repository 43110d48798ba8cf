import { updateDisplayOptions, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import type { NodeOptions } from '../options';
import type { PreparedRequest } from '../types';
import { sendToRecipients, SEND_PATH } from './chunkedSend';
import { buildComposite } from './content';
import { compositeFields, recipientsField } from './fields';
import { readRecipients } from './recipients';

export const description: INodeProperties[] = updateDisplayOptions(
	{ show: { resource: ['message'], operation: ['sendComposite'] } },
	[recipientsField, ...compositeFields],
);

/** Send Composite Message: POST /cgi/message/send `{toUser, msgType: "composite", composite: {head, first, form, remark, link}}`. */
export async function prepare(
	this: IExecuteFunctions,
	itemIndex: number,
	options: NodeOptions,
): Promise<PreparedRequest> {
	const recipients = readRecipients(this, itemIndex);
	const message = buildComposite(this, itemIndex);
	return async () => await sendToRecipients(this, itemIndex, options, { path: SEND_PATH }, recipients, message);
}
