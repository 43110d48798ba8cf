import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { assertPersonnelVisible, queryEmployees } from '../actions/employee/directory';

/** The recipient picker: every active employee (Personnel), by name, valued by employee ID. */
export async function getEmployees(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const employees = await queryEmployees(this, 0, [], Infinity, {});
	if (employees.length === 0) await assertPersonnelVisible(this, 0, {});
	return employees
		.filter((e) => !e.isStop && e.employeeId !== '')
		.map((e) => ({
			name: `${e.name} (${e.employeeId})`,
			value: e.employeeId,
			description: [e.position, e.email ?? e.mobile].filter((x) => x !== null && x !== '').join(' · '),
		}))
		.sort((a, b) => a.name.localeCompare(b.name));
}
