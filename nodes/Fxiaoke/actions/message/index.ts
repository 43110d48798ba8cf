import type { INodeProperties } from 'n8n-workflow';

import * as revoke from './revoke.operation';
import * as sendArticles from './sendArticles.operation';
import * as sendAsServiceAccount from './sendAsServiceAccount.operation';
import * as sendAndWait from './sendAndWait';
import * as sendComposite from './sendComposite.operation';
import * as sendText from './sendText.operation';

export { revoke, sendAndWait, sendArticles, sendAsServiceAccount, sendComposite, sendText };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['message'] } },
		options: [
			{
				name: 'Revoke',
				value: 'revoke',
				description: 'Retract a message sent through a service account',
				action: 'Revoke a message',
			},
			{
				name: 'Send and Wait for Response',
				value: 'sendAndWait',
				description: 'Send a card whose link opens a response page (approve or decline, a text or a form), and wait for the first answer',
				action: 'Send a message and wait for a response',
			},
			{
				name: 'Send as Service Account',
				value: 'sendAsServiceAccount',
				description:
					'Experimental: send a text, composite or image-text message (or a raw JSON body) to employees as a service account, so that it can be revoked later. Fxiaoke documents this call incompletely.',
				action: 'Send a message as a service account',
			},
			{
				name: 'Send Composite Message',
				value: 'sendComposite',
				description: 'Send a card with a title, label/value rows, a remark and a link to employees',
				action: 'Send a composite message',
			},
			{
				name: 'Send Image-Text Message',
				value: 'sendArticles',
				description: 'Send 1 to 7 articles (cover image, title, text or link) to employees',
				action: 'Send an image and text message',
			},
			{
				name: 'Send Text Message',
				value: 'sendText',
				description: 'Send a plain text message to employees',
				action: 'Send a text message',
			},
		],
		// Stays 'revoke': n8n does not save default values, so changing it would change saved workflows.
		default: 'revoke',
	},
	...revoke.description,
	...sendText.description,
	...sendComposite.description,
	...sendArticles.description,
	...sendAsServiceAccount.description,
	...sendAndWait.description,
];
