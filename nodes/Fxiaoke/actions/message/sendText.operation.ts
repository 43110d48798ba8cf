import { updateDisplayOptions, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import type { NodeOptions } from '../options';
import type { PreparedRequest } from '../types';
import { sendToRecipients, SEND_PATH } from './chunkedSend';
import { buildText } from './content';
import { recipientsField, textFields } from './fields';
import { readRecipients } from './recipients';

export const description: INodeProperties[] = updateDisplayOptions(
	{ show: { resource: ['message'], operation: ['sendText'] } },
	[recipientsField, ...textFields],
);

/** Send Text Message: POST /cgi/message/send `{toUser, msgType: "text", text: {content}}`. */
export async function prepare(
	this: IExecuteFunctions,
	itemIndex: number,
	options: NodeOptions,
): Promise<PreparedRequest> {
	const recipients = readRecipients(this, itemIndex);
	const message = buildText(this, itemIndex);
	return async () => await sendToRecipients(this, itemIndex, options, { path: SEND_PATH }, recipients, message);
}
