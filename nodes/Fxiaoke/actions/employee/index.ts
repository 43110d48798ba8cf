import type { INodeProperties } from 'n8n-workflow';

import * as find from './find.operation';
import * as get from './get.operation';
import * as getAll from './getAll.operation';

export { find, get, getAll };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['employee'] } },
		options: [
			{ name: 'Find', value: 'find', description: 'Find employees by mobile number, e-mail address or name', action: 'Find employees' },
			{ name: 'Get', value: 'get', description: 'Get an employee by employee ID', action: 'Get an employee' },
			{ name: 'Get Many', value: 'getAll', description: 'Get the members of a department', action: 'Get many employees' },
		],
		default: 'find',
	},
	...get.description,
	...getAll.description,
	...find.description,
];
