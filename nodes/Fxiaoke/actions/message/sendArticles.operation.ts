import { updateDisplayOptions, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import type { NodeOptions } from '../options';
import type { PreparedRequest } from '../types';
import { sendToRecipients, SEND_PATH } from './chunkedSend';
import { prepareMessage } from './content';
import { articleFields, recipientsField } from './fields';
import { readRecipients } from './recipients';

export const description: INodeProperties[] = updateDisplayOptions(
	{ show: { resource: ['message'], operation: ['sendArticles'] } },
	[recipientsField, ...articleFields],
);

/**
 * Send Image-Text Message: POST /cgi/message/send `{toUser, msgType: "articles", articles: [...]}`.
 * Every article is checked first; covers taken from binary properties are then uploaded, then sent.
 */
export async function prepare(
	this: IExecuteFunctions,
	itemIndex: number,
	options: NodeOptions,
): Promise<PreparedRequest> {
	const recipients = readRecipients(this, itemIndex);
	const message = await prepareMessage(this, itemIndex, 'articles');
	return async () =>
		await sendToRecipients(this, itemIndex, options, { path: SEND_PATH }, recipients, await message(options));
}
