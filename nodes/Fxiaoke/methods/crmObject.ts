import type {
	FieldType,
	ILoadOptionsFunctions,
	INodeListSearchResult,
	INodePropertyOptions,
	ResourceMapperField,
	ResourceMapperFields,
} from 'n8n-workflow';

import { SALES_RECORD_OBJECT } from '../actions/crmObject/addSalesRecord.operation';
import { isFileField } from '../actions/crmObject/files';
import { POOL_OBJECTS } from '../actions/crmObject/pool';
import { queryRecords } from '../actions/crmObject/query';
import { stageInstance } from '../actions/crmObject/stage';
import { describeObject, listObjects, type CrmField } from '../actions/crmObject/schema';

/** The object chosen in the editor, from either mode of its locator ('' for none, or an expression the editor cannot resolve). */
function chosenObject(ctx: ILoadOptionsFunctions): string {
	let value: unknown;
	try {
		value = ctx.getNodeParameter('objectApiName', undefined, { extractValue: true });
	} catch {
		return '';
	}
	return typeof value === 'string' && !value.startsWith('=') ? value.trim() : '';
}

export async function searchObjects(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const wanted = (filter ?? '').toLowerCase();
	const objects = (await listObjects(this))
		.filter((o) => o.active && (wanted === '' || o.apiName.toLowerCase().includes(wanted) || o.displayName.toLowerCase().includes(wanted)))
		.sort((a, b) => a.displayName.localeCompare(b.displayName));
	return { results: objects.map((o) => ({ name: `${o.displayName} (${o.apiName})`, value: o.apiName })) };
}

export async function getFieldNames(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const apiName = chosenObject(this);
	if (apiName === '') return [];
	const fields = await describeObject(this, apiName, 0);
	return fields
		.map((f) => ({ name: `${f.label} (${f.apiName})`, value: f.apiName, description: f.type }))
		.sort((a, b) => a.name.localeCompare(b.name));
}

/** The object's file and image fields, for Upload File and Download File. */
export async function getFileFields(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const apiName = chosenObject(this);
	if (apiName === '') return [];
	return (await describeObject(this, apiName, 0))
		.filter(isFileField)
		.map((f) => ({ name: `${f.label} (${f.apiName})`, value: f.apiName, description: f.type === 'image' ? 'Image' : 'Attachment' }))
		.sort((a, b) => a.name.localeCompare(b.name));
}

/** How the mapper shows a Fxiaoke field type; the node converts the value on the way out. */
function fieldTypeOf(field: CrmField): FieldType {
	switch (field.type) {
		case 'number':
		case 'currency':
			return 'number';
		case 'date':
		case 'date_time':
			return 'dateTime';
		case 'true_or_false':
			return 'boolean';
		case 'select_one':
			return 'options';
		default:
			// Text, lookups, and lists (employees, departments, several options) given as IDs or text
			return 'string';
	}
}

/** How many options a multi-select field's name lists. */
const LISTED_OPTIONS = 20;

/**
 * A multi-select field's name lists its options: n8n's mapper has no multi-select (a field of type
 * options is a single dropdown, and the mapper keeps only text, numbers and booleans, so a list
 * could not be chosen there). The node takes labels or values, separated by commas, or a list.
 */
function manyOptionsHint(field: CrmField): string {
	if (field.options.length === 0) return 'option values separated by commas';
	const listed = field.options.slice(0, LISTED_OPTIONS).map((o) => (o.label === o.value ? o.value : `${o.label} (${o.value})`));
	const more = field.options.length > LISTED_OPTIONS ? `, … (${field.options.length - LISTED_OPTIONS} more)` : '';
	return `one or more of ${listed.join(', ')}${more}, separated by commas`;
}

function mapperFields(fields: CrmField[], mode: 'create' | 'update' | 'upsert'): ResourceMapperFields {
	const writable = fields.filter((f) => (f.writable || f.apiName === 'owner') && !(mode === 'update' && f.apiName === 'owner'));
	return {
		fields: writable.map(
			(f): ResourceMapperField => ({
				id: f.apiName,
				// (A resource mapper field has no hint: the name says what an update does with the owner.)
				displayName:
					mode === 'upsert' && f.apiName === 'owner'
						? `${f.label} (owner): set when a record is created; an update leaves it (ownerIgnored), Change Owner changes it`
						: isFileField(f)
							? `${f.label} (${f.apiName}): names of the input item's binary properties, e.g. data`
							: f.type === 'select_many'
								? `${f.label} (${f.apiName}): ${manyOptionsHint(f)}`
								: `${f.label} (${f.apiName})`,
				required: mode !== 'update' && f.required && f.apiName !== 'owner',
				defaultMatch: false,
				canBeUsedToMatch: mode === 'upsert',
				display: true,
				type: fieldTypeOf(f),
				options: f.type === 'select_one' ? f.options.map((o) => ({ name: o.label, value: o.value })) : undefined,
			}),
		),
	};
}

async function fieldsFor(ctx: ILoadOptionsFunctions, mode: 'create' | 'update' | 'upsert'): Promise<ResourceMapperFields> {
	const apiName = chosenObject(ctx);
	if (apiName === '') return { fields: [] };
	return mapperFields(await describeObject(ctx, apiName, 0), mode);
}

export async function getCreateFields(this: ILoadOptionsFunctions): Promise<ResourceMapperFields> {
	return await fieldsFor(this, 'create');
}

export async function getUpdateFields(this: ILoadOptionsFunctions): Promise<ResourceMapperFields> {
	return await fieldsFor(this, 'update');
}

export async function getUpsertFields(this: ILoadOptionsFunctions): Promise<ResourceMapperFields> {
	return await fieldsFor(this, 'upsert');
}

/** Add Sales Record's fields: those of ActiveRecordObj, whatever object the record is of. */
export async function getSalesRecordFields(this: ILoadOptionsFunctions): Promise<ResourceMapperFields> {
	return mapperFields(await describeObject(this, SALES_RECORD_OBJECT, 0), 'create');
}

/** The pools of the chosen object (accounts: account pools, leads: leads pools), by name. */
export async function searchPools(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const poolObject = POOL_OBJECTS[chosenObject(this)];
	if (poolObject === undefined) return { results: [] };
	const filters = filter ? [{ field_name: 'name', field_values: [filter], operator: 'LIKE' }] : [];
	const pools = await queryRecords(this, 0, poolObject, { filters, orders: [], fieldProjection: ['name'], extra: {} }, 100, {});
	return { results: pools.map((p) => ({ name: String(p.name ?? p._id), value: String(p._id) })) };
}

/** The stages of the record in Record ID (when it is a fixed value), current stage marked. */
export async function searchStages(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const apiName = chosenObject(this);
	const recordId = this.getNodeParameter('recordId', '') as unknown;
	if (apiName === '' || typeof recordId !== 'string' || recordId.trim() === '' || recordId.startsWith('=')) return { results: [] };
	const instance = await stageInstance(this, 0, apiName, recordId.trim(), {});
	const wanted = (filter ?? '').toLowerCase();
	return {
		results: (instance?.stages ?? [])
			.filter((s) => wanted === '' || s.name.toLowerCase().includes(wanted))
			.map((s) => ({ name: s.stageId === instance?.currentStageId ? `${s.name} (current)` : s.name, value: s.stageId })),
	};
}
