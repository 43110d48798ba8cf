import type { INodeProperties } from 'n8n-workflow';

import * as get from './get.operation';
import * as getAll from './getAll.operation';

export { get, getAll };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['department'] } },
		options: [
			{ name: 'Get', value: 'get', description: 'Get a department by its ID', action: 'Get a department' },
			{ name: 'Get Many', value: 'getAll', description: 'Get many departments: every one, or those directly below a parent', action: 'Get many departments' },
		],
		default: 'getAll',
	},
	...get.description,
	...getAll.description,
];
