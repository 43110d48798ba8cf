import type { INodeProperties } from 'n8n-workflow';

import { eq, queryDepartments } from '../employee/directory';
import { pagingFields, readLimit } from '../paging';
import type { OperationPrepare } from '../types';
import { textParameter } from '../validation';

export const description: INodeProperties[] = [
	{
		displayName: 'Parent Department ID',
		name: 'parentDepartmentId',
		type: 'string',
		default: '',
		description: 'Only the departments directly below this one (999999: the top level). Empty: every department.',
		displayOptions: { show: { resource: ['department'], operation: ['getAll'] } },
	},
	...pagingFields('department'),
];

/** Get Many: DepartmentObj records, all or those under one parent, disabled and deleted ones marked in `status`. */
export const prepare: OperationPrepare = async function (itemIndex, options) {
	const parent = textParameter(this, itemIndex, { label: 'Parent Department ID', name: 'parentDepartmentId' }).trim();
	const limit = readLimit(this, itemIndex);
	return async () => await queryDepartments(this, itemIndex, parent === '' ? [] : [eq('parent_id', [parent], 'IN')], limit, options);
};
