import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { OperationPrepare } from '../types';
import { inputError, kindOf } from '../validation';
import { readObjectApiName, showFor } from './fields';
import { MAX_OFFSET, PAGE_LIMIT, queryRecords, type QueryFilter, type QuerySpec } from './query';
import { describeObject, type CrmField } from './schema';
import { addReadableValues, readableValuesOption, simplifyField, simplifyRecord } from './simplify';
import { toFxiaokeValue } from './values';
import { nodeParameter, type ItemParameters } from '../parameters';
import { pagingFields, readLimit } from '../paging';

const fieldChoice: INodeProperties = {
	displayName: 'Field Name or ID',
	name: 'field',
	type: 'options',
	typeOptions: { loadOptionsMethod: 'getFieldNames', loadOptionsDependsOn: ['objectApiName.value'] },
	default: '',
	description: 'Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
};

/** Operators whose value is a list (comma-separated), and those that take none. */
const LIST_OPERATORS = ['IN', 'NIN', 'BETWEEN', 'NBETWEEN'];
const NO_VALUE_OPERATORS = ['IS', 'ISN'];

export const description: INodeProperties[] = [
	...pagingFields('crmObject', 'Without a sort: the most recently changed records first'),
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Filter',
		default: {},
		description: 'Records must match all of them',
		displayOptions: showFor('getAll'),
		options: [
			{
				displayName: 'Condition',
				name: 'conditions',
				values: [
					fieldChoice,
					{
						displayName: 'Operator',
						name: 'operator',
						type: 'options',
						default: 'EQ',
						description: 'How the field is compared with the value',
						options: [
							{ name: 'Between (Two Values)', value: 'BETWEEN' },
							{ name: 'Contains', value: 'LIKE' },
							{ name: 'Does Not Contain', value: 'NLIKE' },
							{ name: 'Ends With', value: 'ENDWITH' },
							{ name: 'Equals', value: 'EQ' },
							{ name: 'Greater Than', value: 'GT' },
							{ name: 'Greater Than or Equal', value: 'GTE' },
							{ name: 'In (List)', value: 'IN' },
							{ name: 'Is Empty', value: 'IS' },
							{ name: 'Is Not Empty', value: 'ISN' },
							{ name: 'Less Than', value: 'LT' },
							{ name: 'Less Than or Equal', value: 'LTE' },
							{ name: 'Not Between (Two Values)', value: 'NBETWEEN' },
							{ name: 'Not Equal', value: 'N' },
							{ name: 'Not In (List)', value: 'NIN' },
							{ name: 'Starts With', value: 'STARTWITH' },
						],
					},
					{
						displayName: 'Value',
						name: 'value',
						type: 'string',
						default: '',
						description: 'In the field\'s own terms (a date as ISO text, an option by its label or value); for In, Not In and Between, values separated by commas',
						displayOptions: { hide: { operator: NO_VALUE_OPERATORS } },
					},
				],
			},
		],
	},
	{
		displayName: 'Sort',
		name: 'sort',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Sort Rule',
		default: {},
		description: `Without a sort: with a Limit, the most recently changed records first; with Return All, every record in _id order. With a sort Fxiaoke pages only through the first ${MAX_OFFSET + PAGE_LIMIT}.`,
		displayOptions: showFor('getAll'),
		options: [
			{
				displayName: 'Rule',
				name: 'rules',
				values: [
					fieldChoice,
					{
						displayName: 'Direction',
						name: 'direction',
						type: 'options',
						description: 'Whether the smallest or the largest values come first',
						options: [
							{ name: 'Ascending', value: 'asc' },
							{ name: 'Descending', value: 'desc' },
						],
						default: 'asc',
					},
				],
			},
		],
	},
	{ ...simplifyField, displayOptions: showFor('getAll') },
];

/** The Get Many (and Get) part of Options. */
export const queryOptions: INodeProperties[] = [
	readableValuesOption,
	{
		displayName: 'Fields to Return',
		name: 'fieldProjection',
		type: 'multiOptions',
		typeOptions: { loadOptionsMethod: 'getFieldNames', loadOptionsDependsOn: ['objectApiName.value'] },
		default: [],
		description: 'Only these fields (and _id); none chosen: all fields. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
		displayOptions: { show: { '/resource': ['crmObject'], '/operation': ['getAll'] } },
	},
	{
		displayName: 'Search Query Info (JSON)',
		name: 'searchQueryInfo',
		type: 'json',
		default: '{}',
		description:
			'Fxiaoke\'s search_query_info for what the rows cannot say: its filters are added to the rows\' filters, its orders and fieldProjection replace theirs, other keys go as they are. Limit and offset are the node\'s (it pages).',
		displayOptions: { show: { '/resource': ['crmObject'], '/operation': ['getAll'] } },
	},
];

interface Row {
	field?: unknown;
	operator?: unknown;
	value?: unknown;
	direction?: unknown;
}

function fieldOf(ctx: ItemParameters, itemIndex: number, fields: CrmField[], name: unknown, where: string): CrmField {
	const ref = { label: 'Field', name: 'field', where };
	if (typeof name !== 'string' || name.trim() === '') throw inputError(ctx, itemIndex, ref, 'is empty');
	const found = fields.find((f) => f.apiName === name.trim());
	if (found) return found;
	if (fields.length > 0) throw inputError(ctx, itemIndex, ref, `names no field of the object (${JSON.stringify(name.trim())})`);
	return { apiName: name.trim(), label: name.trim(), type: 'text', required: false, options: [], writable: false };
}

export function readFilters(ctx: ItemParameters, itemIndex: number, fields: CrmField[]): QueryFilter[] {
	const rows = ((nodeParameter(ctx, 'filters', itemIndex, {}) as { conditions?: Row[] }).conditions ?? []) as Row[];
	return rows.map((row, i) => {
		const where = `of filter ${i + 1}`;
		const field = fieldOf(ctx, itemIndex, fields, row.field, where);
		const operator = typeof row.operator === 'string' ? row.operator : 'EQ';
		if (NO_VALUE_OPERATORS.includes(operator)) return { field_name: field.apiName, field_values: [], operator };
		const raw = row.value;
		const values = LIST_OPERATORS.includes(operator) ? (Array.isArray(raw) ? raw : String(raw ?? '').split(',').map((v) => v.trim())) : [raw];
		if (operator.endsWith('BETWEEN') && values.length !== 2) {
			throw inputError(ctx, itemIndex, { label: 'Value', name: 'value', where }, `needs two values separated by a comma for Between, not ${values.length}`);
		}
		const converted = values.flatMap((v) => {
			const one = toFxiaokeValue(ctx, itemIndex, { ...field, label: `Value for ${field.label}` }, v);
			return Array.isArray(one) ? one : [one];
		});
		return { field_name: field.apiName, field_values: converted, operator };
	});
}

function readSearchQueryInfo(ctx: IExecuteFunctions, itemIndex: number, raw: unknown): IDataObject {
	const field = { label: 'Search Query Info (JSON)', name: 'searchQueryInfo' };
	let value = raw;
	if (typeof raw === 'string') {
		if (raw.trim() === '') return {};
		try {
			value = JSON.parse(raw);
		} catch {
			throw inputError(ctx, itemIndex, field, 'is not valid JSON');
		}
	}
	if (value === undefined || value === null) return {};
	if (typeof value !== 'object' || Array.isArray(value)) throw inputError(ctx, itemIndex, field, `must be a JSON object, not ${kindOf(value)},`);
	return value as IDataObject;
}

/**
 * With a Limit and no sort of the user's, the most recently changed records ("the last 10 leads"),
 * as far as offset paging reaches; Return All, or a Limit beyond that reach, keeps the _id cursor,
 * which reads every record.
 */
const NEWEST_FIRST: QuerySpec['orders'] = [{ fieldName: 'last_modified_time', isAsc: false }];

/** Get Many: POST …/data/query, page after page, one output item per record. */
export const prepare: OperationPrepare = async function (itemIndex, options) {
	const apiName = readObjectApiName(this, itemIndex);
	const limit = readLimit(this, itemIndex);
	const simplify = nodeParameter(this, 'simplify', itemIndex, true) === true;
	const fields = await describeObject(this, apiName, itemIndex, options);
	const raw = nodeParameter(this, 'options', itemIndex, {}) as Record<string, unknown>;
	const custom = readSearchQueryInfo(this, itemIndex, raw.searchQueryInfo);
	const sortRows = ((nodeParameter(this, 'sort', itemIndex, {}) as { rules?: Row[] }).rules ?? []) as Row[];
	const { filters: customFilters, orders: customOrders, fieldProjection: customProjection, ...extra } = custom;
	// (Limit and offset are the node's: it pages.)
	delete extra.limit;
	delete extra.offset;
	const orders = Array.isArray(customOrders)
		? (customOrders as QuerySpec['orders'])
		: sortRows.map((row, i) => ({ fieldName: fieldOf(this, itemIndex, fields, row.field, `of sort rule ${i + 1}`).apiName, isAsc: row.direction !== 'desc' }));
	const spec: QuerySpec = {
		filters: [...readFilters(this, itemIndex, fields), ...(Array.isArray(customFilters) ? (customFilters as QueryFilter[]) : [])],
		orders: orders.length === 0 && limit <= MAX_OFFSET + PAGE_LIMIT ? NEWEST_FIRST : orders,
		fieldProjection: Array.isArray(customProjection)
			? (customProjection as string[])
			: Array.isArray(raw.fieldProjection)
				? (raw.fieldProjection as string[])
				: [],
		extra,
	};
	const readable = raw.addReadableValues === true;
	const zone = this.getTimezone();
	return async () => {
		const records = await queryRecords(this, itemIndex, apiName, spec, limit, options);
		const simple = simplify ? records.map((r) => simplifyRecord(r, fields)) : records;
		return readable ? simple.map((r) => addReadableValues(r, fields, zone)) : simple;
	};
};
