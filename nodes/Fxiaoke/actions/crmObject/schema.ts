import { NodeOperationError, type IDataObject } from 'n8n-workflow';

import { fxiaokeApiRequest, type RequestOptions } from '../../transport';
import type { FxiaokeContext } from '../../transport/context';
import { OBJECT_DESCRIBE_PATH, OBJECT_LIST_PATH } from './paths';

export interface CrmField {
	apiName: string;
	label: string;
	/** Fxiaoke's field type: text, number, currency, date, date_time, select_one, employee, … */
	type: string;
	required: boolean;
	options: Array<{ label: string; value: string }>;
	/** False for what Fxiaoke computes or locks (read-only, inactive, formula, count, quote, auto-number). */
	writable: boolean;
	/** For a file or image field: the most files it holds, when the describe says (`file_amount_limit`). */
	maxFiles?: number;
	/** For a lookup (object_reference): the object it points to. */
	target?: string;
}

export interface CrmObjectSummary {
	apiName: string;
	displayName: string;
	active: boolean;
}

/** Fields the system sets: never written, skipped when an input item carries them. */
export const SYSTEM_FIELDS = ['_id', 'created_by', 'create_time', 'last_modified_time', 'life_status'];

/** Field types whose value Fxiaoke computes. */
const COMPUTED_TYPES = new Set(['formula', 'count', 'quote', 'auto_number']);

const describes = new WeakMap<object, Map<string, Promise<CrmField[]>>>();

/** A trigger's context lives as long as its activation: each poll describes afresh (fields change). */
export function forgetDescribes(ctx: FxiaokeContext): void {
	describes.delete(ctx);
}

function optionsOf(raw: unknown): CrmField['options'] {
	if (!Array.isArray(raw)) return [];
	return raw
		.filter((o): o is IDataObject => typeof o === 'object' && o !== null)
		.map((o) => ({ label: String(o.label ?? o.value ?? ''), value: String(o.value ?? '') }));
}

/** `data.describe.fields` is an object keyed by API name in the manual; a list is read too. */
function fieldsOf(envelope: IDataObject): CrmField[] {
	const describe = (envelope.data as IDataObject | undefined)?.describe as IDataObject | undefined;
	const raw = describe?.fields;
	const list = Array.isArray(raw) ? raw : raw && typeof raw === 'object' ? Object.values(raw) : [];
	return (list as IDataObject[])
		.filter((f) => typeof f === 'object' && f !== null && typeof f.api_name === 'string')
		.map((f) => ({
			apiName: f.api_name as string,
			label: typeof f.label === 'string' && f.label !== '' ? f.label : (f.api_name as string),
			type: typeof f.type === 'string' ? f.type : 'text',
			required: f.is_required === true,
			options: optionsOf(f.options),
			writable:
				f.is_readonly !== true &&
				f.is_active !== false &&
				!COMPUTED_TYPES.has(String(f.type)) &&
				!SYSTEM_FIELDS.includes(f.api_name as string) &&
				// What the describe marks as the system's (lock_status, relevant_team, …) is Fxiaoke's to
				// set, except the owner, which a create sets, and a required field (the docs list no
				// required system field; if one were, leaving it out would make every create fail).
				!(f.define_type === 'system' && f.api_name !== 'owner' && f.is_required !== true),
			...(typeof f.target_api_name === 'string' ? { target: f.target_api_name } : {}),
			...(typeof f.file_amount_limit === 'number' && f.file_amount_limit > 0 ? { maxFiles: f.file_amount_limit } : {}),
		}));
}

/** The object's fields, asked once per node run (or editor request) and object. */
export async function describeObject(
	ctx: FxiaokeContext,
	apiName: string,
	itemIndex: number,
	options: RequestOptions = {},
): Promise<CrmField[]> {
	let cache = describes.get(ctx);
	if (!cache) {
		cache = new Map();
		describes.set(ctx, cache);
	}
	let pending = cache.get(apiName);
	if (!pending) {
		// (The manual puts includeDetail inside data; another source puts it at the top level.)
		const body = { data: { apiName, includeDetail: false } };
		pending = fxiaokeApiRequest.call(ctx, OBJECT_DESCRIBE_PATH, body, itemIndex, { ...options, idempotent: true }).then((envelope) => {
			const fields = fieldsOf(envelope);
			// An answer in a shape this node does not know must not read as "the object has no such field".
			if (fields.length === 0) {
				throw new NodeOperationError(ctx.getNode(), `Fxiaoke's describe of ${apiName} lists no fields in item ${itemIndex}`, {
					itemIndex,
					description: `Expected data.describe.fields; the answer: ${JSON.stringify(envelope).slice(0, 300)}`,
				});
			}
			return fields;
		});
		pending.catch(() => cache!.delete(apiName));
		cache.set(apiName, pending);
	}
	return await pending;
}

export async function listObjects(ctx: FxiaokeContext): Promise<CrmObjectSummary[]> {
	const envelope = await fxiaokeApiRequest.call(ctx, OBJECT_LIST_PATH, {}, 0, { idempotent: true });
	const objects = (envelope.data as IDataObject | undefined)?.objects;
	if (!Array.isArray(objects)) return [];
	return (objects as IDataObject[])
		.filter((o) => typeof o?.describeApiName === 'string')
		.map((o) => ({
			apiName: o.describeApiName as string,
			displayName: typeof o.describeDisplayName === 'string' ? o.describeDisplayName : (o.describeApiName as string),
			active: o.isActive !== false,
		}));
}
