import type { IDataObject, INodeProperties } from 'n8n-workflow';

import type { OperationPrepare } from '../types';
import { readObjectApiName, readRecordId, recordIdField, showFor } from './fields';
import { getRecord } from './query';
import { describeObject } from './schema';
import { addReadableValues, simplifyField, simplifyRecord } from './simplify';
import { nodeParameter } from '../parameters';

export const description: INodeProperties[] = [
	recordIdField(['get'], 'The _id of the record'),
	{ ...simplifyField, displayOptions: showFor('get') },
];

/** Get: POST …/data/get with data{dataObjectApiName, objectDataId}; outputs the record. */
export const prepare: OperationPrepare = async function (itemIndex, options) {
	const apiName = readObjectApiName(this, itemIndex);
	const objectDataId = readRecordId(this, itemIndex);
	const simplify = nodeParameter(this, 'simplify', itemIndex, true) === true;
	const readable = (nodeParameter(this, 'options', itemIndex, {}) as IDataObject).addReadableValues === true;
	return async () => {
		const envelope = await getRecord(this, itemIndex, apiName, objectDataId, options);
		const record = envelope.data;
		// An answer without a record object is given as it came.
		if (typeof record !== 'object' || record === null || Array.isArray(record)) return envelope;
		if (!simplify && !readable) return record as IDataObject;
		const fields = await describeObject(this, apiName, itemIndex, options);
		const simple = simplify ? simplifyRecord(record as IDataObject, fields) : (record as IDataObject);
		return readable ? addReadableValues(simple, fields, this.getTimezone()) : simple;
	};
};
