import type { IDataObject, IExecuteFunctions, ResourceMapperValue } from 'n8n-workflow';

import { inputError } from '../validation';
import { isFileField, readFileValue, type FileValue } from './files';
import { SYSTEM_FIELDS, type CrmField } from './schema';
import { isEmpty, toFxiaokeValue } from './values';
import { nodeParameter } from '../parameters';

export type WriteMode = 'create' | 'update';

/**
 * The record's fields from the resource mapper, converted for Fxiaoke: "Map Automatically" takes
 * the input item's fields, "Define Below" the mapped values. Fields the object does not have are
 * an error; the system fields (and, for an update, the owner, which only Change Owner sets) are
 * skipped, so a record read by Get Many can be written back. A field mapped to an empty value
 * (empty text, null, an empty list) is in `cleared`: an update clears it, unless the Skip Empty
 * Values option is on. (n8n's mapper saves no value for a field left untouched in Define Below: it
 * drops nulls before saving, so an empty value there is one the user mapped.) A file or image
 * field names binary properties of the item (or gives files as a read does): they are checked
 * here, in `files`, and uploaded when the item runs (`completeFileFields`).
 */
export async function readRecordFields(
	ctx: IExecuteFunctions,
	itemIndex: number,
	apiName: string,
	fields: CrmField[],
	mode: WriteMode,
): Promise<MappedFields> {
	const mapper = nodeParameter(ctx, 'fields', itemIndex, { mappingMode: 'defineBelow', value: null }) as ResourceMapperValue;
	const source: IDataObject =
		mapper.mappingMode === 'autoMapInputData' ? ctx.getInputData()[itemIndex]?.json ?? {} : ((mapper.value ?? {}) as IDataObject);
	const byName = new Map(fields.map((f) => [f.apiName, f]));
	const skipped = new Set([...SYSTEM_FIELDS, 'dataObjectApiName', ...(mode === 'update' ? ['owner'] : [])]);
	const skipEmpty = (nodeParameter(ctx, 'options', itemIndex, {}) as IDataObject).skipEmptyValues === true;
	const values: IDataObject = {};
	const files = new Map<string, FileValue>();
	const cleared: string[] = [];
	const unknown: string[] = [];
	for (const [name, value] of Object.entries(source)) {
		if (skipped.has(name) || value === undefined) continue;
		const field = byName.get(name);
		// (An empty value of a field the object does not have clears nothing: no error for it.)
		if (!field) {
			if (!isEmpty(value)) unknown.push(name);
			continue;
		}
		// What Fxiaoke computes or locks is left out, as the system fields are.
		if (!field.writable && name !== 'owner') continue;
		if (isEmpty(value)) {
			if (!skipEmpty && name !== 'owner') cleared.push(name);
			continue;
		}
		if (isFileField(field)) files.set(name, await readFileValue(ctx, itemIndex, field, value));
		else values[name] = toFxiaokeValue(ctx, itemIndex, field, value) as IDataObject[string];
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
	const required = cleared.map((name) => byName.get(name) as CrmField).filter((f) => f.required);
	if (mode === 'update' && required.length > 0) {
		throw inputError(
			ctx,
			itemIndex,
			{ label: 'Fields', name: 'fields' },
			`empty ${required.map((f) => `${f.label} (${f.apiName})`).join(', ')}, which ${apiName} requires`,
			'Nothing was sent to Fxiaoke for this item. Map a value to it, or turn on the Skip Empty Values option to leave empty values out.',
		);
	}
	if (mode === 'create') {
		const missing = fields.filter((f) => f.required && f.writable && f.apiName !== 'owner' && values[f.apiName] === undefined && !files.has(f.apiName));
		if (missing.length > 0) {
			throw inputError(
				ctx,
				itemIndex,
				{ label: 'Fields', name: 'fields' },
				`lack what ${apiName} requires (${missing.map((f) => `${f.label} (${f.apiName})`).join(', ')})`,
			);
		}
	}
	return { values, files, cleared, matchingColumns: mapper.matchingColumns ?? [] };
}

export interface MappedFields {
	values: IDataObject;
	/** File and image fields, uploaded when the item runs. */
	files: Map<string, FileValue>;
	cleared: string[];
	matchingColumns: string[];
}

/**
 * An update's fields: the values, and null for each cleared field. The docs name no "empty" value
 * for a write (API.md §12); null is what a read gives for an empty field of any type [S], so it is
 * sent for every type (unverified against a tenant for every field type).
 */
export function updateFields({ values, cleared }: Pick<MappedFields, 'values' | 'cleared'>): IDataObject {
	return { ...values, ...Object.fromEntries(cleared.map((name) => [name, null])) };
}
