import { updateDisplayOptions, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import type { NodeOptions } from '../options';
import { buildText, readRecipients, recipientsField, sendToRecipients, SEND_PATH, textFields } from './common';

export const description: INodeProperties[] = updateDisplayOptions(
	{ show: { resource: ['message'], operation: ['sendText'] } },
	[recipientsField, ...textFields],
);

/** Send Text Message: POST /cgi/message/send `{toUser, msgType: "text", text: {content}}`. */
export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	options: NodeOptions,
): Promise<IDataObject> {
	const recipients = readRecipients(this, itemIndex);
	const message = buildText(this, itemIndex);
	return await sendToRecipients(this, itemIndex, options, { path: SEND_PATH }, recipients, message);
}
