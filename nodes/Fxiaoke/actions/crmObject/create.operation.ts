import type { INodeProperties } from 'n8n-workflow';

import type { OperationPrepare } from '../types';
import { readFlowFlags, readObjectApiName, recordFieldsMapper } from './fields';
import { completeFileFields } from './files';
import { readRecordFields } from './mapper';
import { describeObject } from './schema';
import { writeRecord } from './write';

export const description: INodeProperties[] = [recordFieldsMapper('create')];

/** Create: POST …/data/create with data.object_data = {dataObjectApiName, …fields}; answers dataId. */
export const prepare: OperationPrepare = async function (itemIndex, options) {
	const apiName = readObjectApiName(this, itemIndex);
	const fields = await describeObject(this, apiName, itemIndex, options);
	const { values, files } = await readRecordFields(this, itemIndex, apiName, fields, 'create');
	const flags = readFlowFlags(this, itemIndex);
	return async () => {
		const complete = await completeFileFields(this, itemIndex, values, files, options);
		return await writeRecord(this, itemIndex, apiName, 'create', { ...flags, data: { object_data: { dataObjectApiName: apiName, ...complete } } }, options);
	};
};
