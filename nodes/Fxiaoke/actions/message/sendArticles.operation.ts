import { updateDisplayOptions, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import type { NodeOptions } from '../options';
import { articleFields, buildArticles, readRecipients, recipientsField, sendToRecipients, SEND_PATH } from './common';

export const description: INodeProperties[] = updateDisplayOptions(
	{ show: { resource: ['message'], operation: ['sendArticles'] } },
	[recipientsField, ...articleFields],
);

/**
 * Send Image-Text Message: POST /cgi/message/send `{toUser, msgType: "articles", articles: [...]}`.
 * Every article is checked first; covers taken from binary properties are then uploaded, then sent.
 */
export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	options: NodeOptions,
): Promise<IDataObject> {
	const recipients = readRecipients(this, itemIndex);
	const message = await buildArticles(this, itemIndex, options);
	return await sendToRecipients(this, itemIndex, options, { path: SEND_PATH }, recipients, message);
}
