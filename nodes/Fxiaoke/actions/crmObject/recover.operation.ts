import type { INodeProperties } from 'n8n-workflow';

import type { OperationPrepare } from '../types';
import { readObjectApiName, readRecordId, recordIdField } from './fields';
import { writeRecord } from './write';

export const description: INodeProperties[] = [recordIdField(['recover'], 'The _id of a record in the recycle bin (deleted without Delete Permanently)')];

/** Recover: POST …/data/recover `{data: {dataObjectApiName, idList: [id]}}` (custom objects by their own path). */
export const prepare: OperationPrepare = async function (itemIndex, options) {
	const apiName = readObjectApiName(this, itemIndex);
	const id = readRecordId(this, itemIndex);
	const body = { data: { dataObjectApiName: apiName, idList: [id] } };
	return async () => ({ ...(await writeRecord(this, itemIndex, apiName, 'recover', body, options)), dataId: id, recovered: true });
};
