import type { INodeProperties } from 'n8n-workflow';

import * as revoke from './revoke.operation';

export { revoke };

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
		],
		default: 'revoke',
	},
	...revoke.description,
];
