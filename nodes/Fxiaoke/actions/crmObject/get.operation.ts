import type { IDataObject, INodeProperties } from 'n8n-workflow';

import type { OperationPrepare } from '../types';
import { readObjectApiName, readRecordId, recordIdField, showFor } from './fields';
import { getRecord } from './query';
import { describeObject } from './schema';
import { simplifyField, simplifyRecord } from './simplify';
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
	return async () => {
		const envelope = await getRecord(this, itemIndex, apiName, objectDataId, options);
		const record = envelope.data;
		// An answer without a record object is given as it came.
		if (typeof record !== 'object' || record === null || Array.isArray(record)) return envelope;
		return simplify ? simplifyRecord(record as IDataObject, await describeObject(this, apiName, itemIndex, options)) : (record as IDataObject);
	};
};
