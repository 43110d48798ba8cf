import type { INodeProperties } from 'n8n-workflow';

import * as call from './call.operation';

export { call };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['customFunction'] } },
		options: [{ name: 'Call', value: 'call', description: 'Run an APL controller function with parameters and get its answer', action: 'Call a custom function' }],
		default: 'call',
	},
	...call.description,
];
