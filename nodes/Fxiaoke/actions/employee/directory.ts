import { NodeOperationError, type IDataObject } from 'n8n-workflow';

import type { FxiaokeContext } from '../../transport/context';
import type { RequestOptions } from '../../transport';
import { queryRecords, type QueryFilter } from '../crmObject/query';
import { describeObject } from '../crmObject/schema';

/*
 * Employees and departments, read as the CRM objects PersonnelObj and DepartmentObj (API.md §13:
 * the manual's recommended way; its older address-book lookups are marked deprecated). A
 * PersonnelObj record's `user_id` is the employee ID that sends take in `toUser`.
 */

export const PERSONNEL = 'PersonnelObj';
export const DEPARTMENT = 'DepartmentObj';
/** Department 999999 is the whole company (API.md §13). */
export const WHOLE_COMPANY = '999999';

const PERSONNEL_FIELDS = ['user_id', 'name', 'phone', 'email', 'status', 'main_department', 'employee_number', 'position'];
/**
 * PersonnelObj's field for an employee's departments besides the main one. API.md §13 names only
 * `main_department`; `vice_departments` is the name a tenant's describe is expected to show, so it
 * is used only when the describe lists it (else members are those of their main department).
 */
export const OTHER_DEPARTMENTS = 'vice_departments';
const DEPARTMENT_FIELDS = ['department_id', 'name', 'parent_id', 'status'];
/** PersonnelObj `status` of a stopped employee; DepartmentObj `status` names (API.md §13). */
const STOPPED = '1';
const DEPARTMENT_STATUS: Record<string, string> = { '0': 'enabled', '1': 'disabled', '2': 'deleted' };

export interface Employee extends IDataObject {
	employeeId: string;
	name: string;
	mobile: string | null;
	email: string | null;
	departmentIds: string[];
	mainDepartmentId: string | null;
	position: string | null;
	employeeNumber: string | null;
	status: 'active' | 'stopped';
	isStop: boolean;
	recordId: string;
}

export interface Department extends IDataObject {
	departmentId: string;
	name: string;
	parentId: string | null;
	status: string;
	recordId: string;
}

const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : typeof value === 'number' ? String(value) : null);
const ids = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : value === undefined || value === null || value === '' ? [] : [String(value)]);

/** One output shape for every employee operation, so `{{ $json.employeeId }}` feeds a send. */
export function toEmployee(record: IDataObject): Employee {
	const main = ids(record.main_department);
	const departmentIds = [...new Set([...main, ...ids(record[OTHER_DEPARTMENTS])])];
	const isStop = String(record.status) === STOPPED;
	return {
		employeeId: text(record.user_id) ?? '',
		name: text(record.name) ?? '',
		mobile: text(record.phone),
		email: text(record.email),
		departmentIds,
		mainDepartmentId: main[0] ?? null,
		position: text(record.position),
		employeeNumber: text(record.employee_number),
		status: isStop ? 'stopped' : 'active',
		isStop,
		recordId: text(record._id) ?? '',
	};
}

export function toDepartment(record: IDataObject): Department {
	const status = text(record.status);
	return {
		departmentId: text(record.department_id) ?? '',
		name: text(record.name) ?? '',
		parentId: ids(record.parent_id)[0] ?? null,
		status: status === null ? 'unknown' : (DEPARTMENT_STATUS[status] ?? status),
		recordId: text(record._id) ?? '',
	};
}

export const eq = (field: string, values: unknown[], operator = values.length > 1 ? 'IN' : 'EQ'): QueryFilter => ({
	field_name: field,
	field_values: values,
	operator,
});

/** Whether this tenant's PersonnelObj has the other-departments field (its describe, read once per run). */
export async function hasOtherDepartments(ctx: FxiaokeContext, itemIndex: number, options: RequestOptions): Promise<boolean> {
	return (await describeObject(ctx, PERSONNEL, itemIndex, options)).some((f) => f.apiName === OTHER_DEPARTMENTS);
}

export async function queryEmployees(
	ctx: FxiaokeContext,
	itemIndex: number,
	filters: QueryFilter[],
	max: number,
	options: RequestOptions,
): Promise<Employee[]> {
	const projection = (await hasOtherDepartments(ctx, itemIndex, options)) ? [...PERSONNEL_FIELDS, OTHER_DEPARTMENTS] : PERSONNEL_FIELDS;
	const records = await queryRecords(ctx, itemIndex, PERSONNEL, { filters, orders: [], fieldProjection: projection, extra: {} }, max, options);
	return records.map(toEmployee);
}

/**
 * The members of any of the departments, main department or not, in record order: one query on the
 * main department and, where the tenant has the field, one on the other departments, merged.
 */
export async function queryMembers(
	ctx: FxiaokeContext,
	itemIndex: number,
	departmentIds: string[],
	max: number,
	options: RequestOptions,
): Promise<Employee[]> {
	const main = await queryEmployees(ctx, itemIndex, [eq('main_department', departmentIds, 'IN')], max, options);
	if (!(await hasOtherDepartments(ctx, itemIndex, options))) return main;
	const other = await queryEmployees(ctx, itemIndex, [eq(OTHER_DEPARTMENTS, departmentIds, 'IN')], max, options);
	const byRecord = new Map([...main, ...other].map((e) => [e.recordId, e]));
	// (Records come in _id order, which is record order.)
	return [...byRecord.values()].sort((a, b) => (a.recordId < b.recordId ? -1 : a.recordId > b.recordId ? 1 : 0)).slice(0, max);
}

export async function queryDepartments(
	ctx: FxiaokeContext,
	itemIndex: number,
	filters: QueryFilter[],
	max: number,
	options: RequestOptions,
): Promise<Department[]> {
	const records = await queryRecords(ctx, itemIndex, DEPARTMENT, { filters, orders: [], fieldProjection: DEPARTMENT_FIELDS, extra: {} }, max, options);
	return records.map(toDepartment);
}

const visible = new WeakMap<object, Promise<boolean>>();

/**
 * Whether this app sees any PersonnelObj row. A company has at least one employee, so none at all
 * means the data permission is missing (Fxiaoke's FAQ "data not found"), not that nobody matches.
 * Asked once per run, and only after a lookup came back empty.
 */
async function seesPersonnel(ctx: FxiaokeContext, itemIndex: number, options: RequestOptions): Promise<boolean> {
	let answer = visible.get(ctx);
	if (answer === undefined) {
		answer = queryRecords(ctx, itemIndex, PERSONNEL, { filters: [], orders: [], fieldProjection: ['_id'], extra: {} }, 1, options).then((r) => r.length > 0);
		visible.set(ctx, answer);
	}
	return await answer;
}

/** After an empty employee lookup: the permission-gate error if the app sees no employee at all. */
export async function assertPersonnelVisible(ctx: FxiaokeContext, itemIndex: number, options: RequestOptions): Promise<void> {
	if (await seesPersonnel(ctx, itemIndex, options)) return;
	throw new NodeOperationError(ctx.getNode(), `Fxiaoke returned no employee data at all (PersonnelObj), in item ${itemIndex}`, {
		itemIndex,
		description:
			'The app has no data permission on Personnel (PersonnelObj): even an administrator\'s app sees no rows until it is granted. In Fxiaoke, give the app\'s acting employee (x-fs-userid) access to Personnel data (a data sharing rule, or ask Fxiaoke support), then try again. Nothing was sent.',
	});
}

const departmentsOfRun = new WeakMap<object, Promise<Department[]>>();

/** Every department, read once per run: items asking about departments share one scan. */
function allDepartments(ctx: FxiaokeContext, itemIndex: number, options: RequestOptions): Promise<Department[]> {
	let all = departmentsOfRun.get(ctx);
	if (all === undefined) {
		all = queryDepartments(ctx, itemIndex, [], Infinity, options);
		departmentsOfRun.set(ctx, all);
		// (A failed scan is not kept: the next item reads again and fails with its own index.)
		all.catch(() => departmentsOfRun.delete(ctx));
	}
	return all;
}

/** The department and, with `withChildren`, every department below it (DepartmentObj `parent_id`). */
export async function departmentAndBelow(
	ctx: FxiaokeContext,
	itemIndex: number,
	departmentId: string,
	withChildren: boolean,
	options: RequestOptions,
): Promise<string[] | 'all'> {
	if (departmentId === WHOLE_COMPANY) return withChildren ? 'all' : [departmentId];
	if (!withChildren) return [departmentId];
	const all = await allDepartments(ctx, itemIndex, options);
	const children = new Map<string, string[]>();
	for (const d of all) {
		if (d.parentId === null) continue;
		children.set(d.parentId, [...(children.get(d.parentId) ?? []), d.departmentId]);
	}
	const found = [departmentId];
	for (let i = 0; i < found.length; i++) for (const child of children.get(found[i]) ?? []) if (!found.includes(child)) found.push(child);
	return found;
}
