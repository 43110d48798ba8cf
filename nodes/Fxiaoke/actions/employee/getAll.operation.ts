import type { INodeProperties } from 'n8n-workflow';

import { nodeParameter } from '../parameters';
import type { OperationPrepare } from '../types';
import { requireId } from '../validation';
import { assertPersonnelVisible, departmentAndBelow, queryEmployees, queryMembers, WHOLE_COMPANY } from './directory';
import { pagingFields, readLimit } from '../paging';

const showFor = { show: { resource: ['employee'], operation: ['getAll'] } };

export const description: INodeProperties[] = [
	{
		displayName: 'Department ID',
		name: 'departmentId',
		type: 'string',
		required: true,
		default: WHOLE_COMPANY,
		description: 'The department whose members to get; 999999 is the whole company',
		displayOptions: showFor,
	},
	{
		displayName: 'Include Sub-Departments',
		name: 'includeSubDepartments',
		type: 'boolean',
		default: true,
		description: 'Whether members of the departments below it are included',
		displayOptions: showFor,
	},
	...pagingFields('employee'),
];

/**
 * Get Many: the employees who belong to the department (or one below it), as their main department
 * or another one, stopped employees included and marked (`status: "stopped"`), in record order.
 */
export const prepare: OperationPrepare = async function (itemIndex, options) {
	const departmentId = requireId(this, 'departmentId', 'Department ID', itemIndex);
	const withChildren = nodeParameter(this, 'includeSubDepartments', itemIndex, true) === true;
	const limit = readLimit(this, itemIndex);
	return async () => {
		const departments = await departmentAndBelow(this, itemIndex, departmentId, withChildren, options);
		const employees = departments === 'all' ? await queryEmployees(this, itemIndex, [], limit, options) : await queryMembers(this, itemIndex, departments, limit, options);
		if (employees.length === 0) await assertPersonnelVisible(this, itemIndex, options);
		return employees;
	};
};
