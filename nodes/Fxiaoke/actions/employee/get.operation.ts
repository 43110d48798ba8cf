import { NodeOperationError, type INodeProperties } from 'n8n-workflow';

import type { OperationPrepare } from '../types';
import { requireId } from '../validation';
import { assertPersonnelVisible, eq, queryEmployees } from './directory';

export const description: INodeProperties[] = [
	{
		displayName: 'Employee ID',
		name: 'employeeId',
		type: 'string',
		required: true,
		default: '',
		placeholder: '1000',
		description: 'The employee ID that sends take as a recipient (PersonnelObj user_id)',
		displayOptions: { show: { resource: ['employee'], operation: ['get'] } },
	},
];

/** Get: PersonnelObj where user_id = the ID; an unknown ID is an error. */
export const prepare: OperationPrepare = async function (itemIndex, options) {
	const employeeId = requireId(this, 'employeeId', 'Employee ID', itemIndex);
	return async () => {
		const [employee] = await queryEmployees(this, itemIndex, [eq('user_id', [employeeId])], 1, options);
		if (employee !== undefined) return employee;
		await assertPersonnelVisible(this, itemIndex, options);
		throw new NodeOperationError(this.getNode(), `No employee has the ID ${JSON.stringify(employeeId)}, in item ${itemIndex}`, {
			itemIndex,
			description: 'Employee IDs are the numbers Fxiaoke shows as Employee ID in Personnel (such as 1000). Find one by mobile, e-mail or name with Employee → Find.',
		});
	};
};
