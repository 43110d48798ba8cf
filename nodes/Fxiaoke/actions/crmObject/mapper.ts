import type { IDataObject, IExecuteFunctions, ResourceMapperValue } from 'n8n-workflow';

import { inputError } from '../validation';
import { SYSTEM_FIELDS, type CrmField } from './schema';
import { isEmpty, toFxiaokeValue } from './values';
import { nodeParameter } from '../parameters';

export type WriteMode = 'create' | 'update';

/**
 * The record's fields from the resource mapper, converted for Fxiaoke: "Map Automatically" takes
 * the input item's fields, "Define Below" the mapped values. Fields the object does not have are
 * an error; the system fields (and, for an update, the owner, which only Change Owner sets) are
 * skipped, so a record read by Get Many can be written back.
 */
export function readRecordFields(
	ctx: IExecuteFunctions,
	itemIndex: number,
	apiName: string,
	fields: CrmField[],
	mode: WriteMode,
): { values: IDataObject; matchingColumns: string[] } {
	const mapper = nodeParameter(ctx, 'fields', itemIndex, { mappingMode: 'defineBelow', value: null }) as ResourceMapperValue;
	const source: IDataObject =
		mapper.mappingMode === 'autoMapInputData' ? ctx.getInputData()[itemIndex]?.json ?? {} : ((mapper.value ?? {}) as IDataObject);
	const byName = new Map(fields.map((f) => [f.apiName, f]));
	const skipped = new Set([...SYSTEM_FIELDS, 'dataObjectApiName', ...(mode === 'update' ? ['owner'] : [])]);
	const values: IDataObject = {};
	const unknown: string[] = [];
	for (const [name, value] of Object.entries(source)) {
		if (skipped.has(name) || isEmpty(value)) continue;
		const field = byName.get(name);
		if (!field) {
			unknown.push(name);
			continue;
		}
		// What Fxiaoke computes or locks is left out, as the system fields are.
		if (!field.writable && name !== 'owner') continue;
		values[name] = toFxiaokeValue(ctx, itemIndex, field, value) as IDataObject[string];
	}
	if (unknown.length > 0) {
		throw inputError(
			ctx,
			itemIndex,
			{ label: 'Fields', name: 'fields' },
			`name ${unknown.length === 1 ? 'a field' : 'fields'} ${apiName} does not have (${unknown.slice(0, 10).join(', ')})`,
			'Nothing was sent to Fxiaoke for this item. Field names are API names (as in the object\'s describe); remove or rename the others before this node.',
		);
	}
	if (mode === 'create') {
		const missing = fields.filter((f) => f.required && f.writable && f.apiName !== 'owner' && values[f.apiName] === undefined);
		if (missing.length > 0) {
			throw inputError(
				ctx,
				itemIndex,
				{ label: 'Fields', name: 'fields' },
				`lack what ${apiName} requires (${missing.map((f) => `${f.label} (${f.apiName})`).join(', ')})`,
			);
		}
	}
	return { values, matchingColumns: mapper.matchingColumns ?? [] };
}
