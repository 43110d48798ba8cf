import type { IDataObject, INodeProperties } from 'n8n-workflow';

import type { CrmField } from './schema';
import { toMilliseconds, toZonedIso } from './values';

export const simplifyField: INodeProperties = {
	displayName: 'Simplify',
	name: 'simplify',
	type: 'boolean',
	default: true,
	description: 'Whether to return the record\'s fields only (those in the object\'s describe), without Fxiaoke\'s internal keys such as version or tenant_id',
};

/** The record's own fields, as the object's describe lists them. */
export function simplifyRecord(record: IDataObject, fields: CrmField[]): IDataObject {
	const names = new Set(fields.map((f) => f.apiName));
	if (names.size === 0) return record;
	return Object.fromEntries(Object.entries(record).filter(([key]) => names.has(key) || key === '_id'));
}

/** Options → Add Readable Values (Get and Get Many). */
export const readableValuesOption: INodeProperties = {
	displayName: 'Add Readable Values',
	name: 'addReadableValues',
	type: 'boolean',
	default: false,
	description:
		'Whether each option field gets its label(s) beside its value (account_level__label: "Key" beside account_level: "1"), and each date or date-time field its ISO 8601 text in the workflow\'s time zone (create_time__iso). The values themselves stay as Fxiaoke gives them.',
	displayOptions: { show: { '/resource': ['crmObject'], '/operation': ['get', 'getAll'] } },
};

/** The keys the readable values take, after the field's own API name. */
export const LABEL_SUFFIX = '__label';
export const ISO_SUFFIX = '__iso';

/** The latest instant a JS Date holds (±8.64e15 ms). */
const MAX_DATE_MS = 8.64e15;

/** An option value's label; a value the describe does not list stays as it is. */
function labelOf(field: CrmField, value: unknown): unknown {
	if (value === null || value === undefined || value === '') return null;
	return field.options.find((o) => o.value === String(value))?.label ?? value;
}

/** The readable form of one field's value, or undefined where the field's type has none. */
function readableOf(field: CrmField, value: unknown, zone: string): { key: string; value: unknown } | undefined {
	switch (field.type) {
		case 'select_one':
			return { key: field.apiName + LABEL_SUFFIX, value: labelOf(field, value) };
		case 'select_many':
			// (a list as a list; an empty value, as for one option, reads as null)
			return { key: field.apiName + LABEL_SUFFIX, value: Array.isArray(value) ? value.map((v) => labelOf(field, v)) : labelOf(field, value) };
		case 'date':
		case 'date_time': {
			const ms = value === null || value === '' ? undefined : toMilliseconds(value, zone);
			const iso = ms !== undefined && Number.isFinite(ms) && Math.abs(ms) <= MAX_DATE_MS ? toZonedIso(ms, zone, field.type === 'date') : null;
			return { key: field.apiName + ISO_SUFFIX, value: iso };
		}
		default:
			return undefined;
	}
}

/**
 * The record with a readable value beside each option and date value, right after it. Siblings
 * with a suffix (account_level__label, create_time__iso), not a nested object: a drag from the
 * output gives {{ $json.account_level__label }}, the table view shows each as its own column next
 * to the raw one, and nodes that map columns automatically (Google Sheets, databases) take them
 * as they take the raw fields. Fxiaoke's API names never end in these suffixes (custom ones end
 * in __c), and a key the record already has is left as it is. Fields the record lacks get none.
 */
export function addReadableValues(record: IDataObject, fields: CrmField[], zone: string): IDataObject {
	const byName = new Map(fields.map((f) => [f.apiName, f]));
	const out: IDataObject = {};
	for (const [key, value] of Object.entries(record)) {
		out[key] = value;
		const field = byName.get(key);
		const readable = field && readableOf(field, value, zone);
		if (readable && !(readable.key in record)) out[readable.key] = readable.value as IDataObject[string];
	}
	return out;
}
