import type { INodeProperties } from 'n8n-workflow';

import type { OperationPrepare } from '../types';
import { readFlowFlags, readObjectApiName, readRecordId, recordFieldsMapper, recordIdField } from './fields';
import { completeFileFields } from './files';
import { readRecordFields, updateFields } from './mapper';
import { describeObject } from './schema';
import { writeRecord } from './write';

export const description: INodeProperties[] = [
	recordIdField(['update'], 'The _id of the record to update'),
	recordFieldsMapper('update'),
];

/** Update: POST …/data/update with data.object_data = {_id, dataObjectApiName, …fields}. */
export const prepare: OperationPrepare = async function (itemIndex, options) {
	const apiName = readObjectApiName(this, itemIndex);
	const recordId = readRecordId(this, itemIndex);
	const fields = await describeObject(this, apiName, itemIndex, options);
	const mapped = await readRecordFields(this, itemIndex, apiName, fields, 'update');
	// (The manual names the flow flags for create only; they are sent for an update too, as its default.)
	const flags = readFlowFlags(this, itemIndex);
	return async () => {
		const values = await completeFileFields(this, itemIndex, updateFields(mapped), mapped.files, options);
		const body = { ...flags, data: { object_data: { _id: recordId, dataObjectApiName: apiName, ...values } } };
		return { ...(await writeRecord(this, itemIndex, apiName, 'update', body, options)), dataId: recordId };
	};
};
