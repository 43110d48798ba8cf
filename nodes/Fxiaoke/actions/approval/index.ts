import type { INodeProperties } from 'n8n-workflow';

import * as approve from './approve.operation';
import * as cancel from './cancel.operation';
import * as get from './get.operation';
import * as getAll from './getAll.operation';
import * as reject from './reject.operation';

export { approve, cancel, get, getAll, reject };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['approval'] } },
		options: [
			{ name: 'Approve', value: 'approve', description: 'Approve a task: a record\'s current one or one by ID', action: 'Approve an approval task' },
			{ name: 'Cancel', value: 'cancel', description: 'Withdraw the running approval of a record', action: 'Cancel an approval' },
			{ name: 'Get', value: 'get', description: 'Get an approval instance with its tasks', action: 'Get an approval instance' },
			{ name: 'Get Many', value: 'getAll', description: 'Get the approval instances of a flow in a time range, or of one record', action: 'Get many approval instances' },
			{ name: 'Reject', value: 'reject', description: 'Reject a task: a record\'s current one or one by ID', action: 'Reject an approval task' },
		],
		default: 'getAll',
	},
	...getAll.description,
	...get.description,
	...approve.description,
	...reject.description,
	...cancel.description,
];
