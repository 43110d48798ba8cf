import { NodeOperationError, type IDataObject, type INodeProperties } from 'n8n-workflow';

import type { OperationPrepare } from '../types';
import { inputError } from '../validation';
import { readFlowFlags, readObjectApiName, recordFieldsMapper } from './fields';
import { completeFileFields } from './files';
import { readRecordFields, updateFields } from './mapper';
import { queryRecords } from './query';
import { describeObject } from './schema';
import { writeRecord } from './write';

export const description: INodeProperties[] = [recordFieldsMapper('upsert')];

/**
 * Upsert: find the records whose match fields equal the item's values; none → create, one →
 * update it, several → fail naming them (never a guess). (Between the query and the write another
 * client may create a match: Fxiaoke offers no atomic upsert; within one run the node keeps it right.)
 */
export const prepare: OperationPrepare = async function (itemIndex, options) {
	const apiName = readObjectApiName(this, itemIndex);
	const fields = await describeObject(this, apiName, itemIndex, options);
	const mapped = await readRecordFields(this, itemIndex, apiName, fields, 'create');
	const { values, matchingColumns } = mapped;
	if (matchingColumns.length === 0) {
		throw inputError(this, itemIndex, { label: 'Fields to Match On', name: 'fields' }, 'are not chosen');
	}
	const filters = matchingColumns.map((name) => {
		const value = values[name];
		if (value === undefined || mapped.files.has(name)) throw inputError(this, itemIndex, { label: 'Fields to Match On', name: 'fields', where: `(${name})` }, 'has no value');
		return { field_name: name, field_values: Array.isArray(value) ? value : [value], operator: 'EQ' };
	});
	const flags = readFlowFlags(this, itemIndex);
	const key = `${apiName}|${JSON.stringify(filters)}`;

	/** One item's upsert; `known` is the record an earlier item of this run wrote for the same match values. */
	const upsertOne = async (known: string | undefined): Promise<IDataObject> => {
		let target = known;
		if (target === undefined) {
			const spec = { filters, orders: [], fieldProjection: ['_id'], extra: {} };
			const matches = await queryRecords(this, itemIndex, apiName, spec, 2, options);
			if (matches.length > 1) {
				const on = matchingColumns.map((name) => `${name} = ${JSON.stringify(values[name])}`).join(', ');
				throw new NodeOperationError(this.getNode(), `Upsert found several ${apiName} records with ${on} in item ${itemIndex}`, {
					itemIndex,
					description: `Matches include ${matches.map((m) => String(m._id)).join(', ')}. Nothing was written: choose match fields that identify one record.`,
				});
			}
			if (matches.length === 0) {
				const complete = await completeFileFields(this, itemIndex, values, mapped.files, options);
				const envelope = await writeRecord(this, itemIndex, apiName, 'create', { ...flags, data: { object_data: { dataObjectApiName: apiName, ...complete } } }, options);
				return { ...envelope, upsert: 'created' };
			}
			target = String(matches[0]._id);
		}
		// The owner changes only through Change Owner: a mapped owner is left out, and the output says so
		// (a second write here could fail after the update was carried out).
		const changes = await completeFileFields(this, itemIndex, updateFields(mapped), mapped.files, options);
		delete changes.owner;
		const body = { ...flags, data: { object_data: { _id: target, dataObjectApiName: apiName, ...changes } } };
		const envelope = await writeRecord(this, itemIndex, apiName, 'update', body, options);
		return { ...envelope, dataId: target, upsert: 'updated', ...(values.owner !== undefined ? { ownerIgnored: true } : {}) };
	};

	return async () => {
		// Items with the same match values go one after the other, and a later one updates the record
		// an earlier one created: two parallel queries would both see no match and both create, and
		// Fxiaoke's search may not show a record created a moment ago.
		const queue = matchQueueOf(this);
		const before = queue.get(key) ?? Promise.resolve(undefined);
		let done!: (id: string | undefined) => void;
		queue.set(key, new Promise((resolve) => (done = resolve)));
		const known = await before;
		let written = known;
		try {
			const result = await upsertOne(known);
			if (typeof result.dataId === 'string') written = result.dataId;
			return result;
		} finally {
			done(written);
		}
	};
};

/** Per node run: for each match key, the record the last item with that key wrote (when known). */
const matchQueues = new WeakMap<object, Map<string, Promise<string | undefined>>>();

function matchQueueOf(ctx: object): Map<string, Promise<string | undefined>> {
	let queue = matchQueues.get(ctx);
	if (!queue) {
		queue = new Map();
		matchQueues.set(ctx, queue);
	}
	return queue;
}
