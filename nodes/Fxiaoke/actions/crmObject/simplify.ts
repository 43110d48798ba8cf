import type { IDataObject, INodeProperties } from 'n8n-workflow';

import type { CrmField } from './schema';

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
