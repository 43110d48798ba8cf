import { NodeOperationError, type INodeProperties } from 'n8n-workflow';

import { eq, queryDepartments } from '../employee/directory';
import type { OperationPrepare } from '../types';
import { requireId } from '../validation';

export const description: INodeProperties[] = [
	{
		displayName: 'Department ID',
		name: 'departmentId',
		type: 'string',
		required: true,
		default: '',
		placeholder: '1010',
		description: 'The department ID (DepartmentObj department_id)',
		displayOptions: { show: { resource: ['department'], operation: ['get'] } },
	},
];

/** Get: DepartmentObj where department_id = the ID; an unknown ID is an error. */
export const prepare: OperationPrepare = async function (itemIndex, options) {
	const departmentId = requireId(this, 'departmentId', 'Department ID', itemIndex);
	return async () => {
		const [department] = await queryDepartments(this, itemIndex, [eq('department_id', [departmentId])], 1, options);
		if (department !== undefined) return department;
		throw new NodeOperationError(this.getNode(), `No department has the ID ${JSON.stringify(departmentId)}, in item ${itemIndex}`, { itemIndex });
	};
};
