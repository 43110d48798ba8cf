import type { INodeProperties } from 'n8n-workflow';

import type { OperationPrepare } from '../types';
import { readFlowFlags, readObjectApiName, recordFieldsMapper } from './fields';
import { readRecordFields } from './mapper';
import { describeObject } from './schema';
import { writeRecord } from './write';

export const description: INodeProperties[] = [recordFieldsMapper('create')];

/** Create: POST …/data/create with data.object_data = {dataObjectApiName, …fields}; answers dataId. */
export const prepare: OperationPrepare = async function (itemIndex, options) {
	const apiName = readObjectApiName(this, itemIndex);
	const fields = await describeObject(this, apiName, itemIndex, options);
	const { values } = readRecordFields(this, itemIndex, apiName, fields, 'create');
	const body = { ...readFlowFlags(this, itemIndex), data: { object_data: { dataObjectApiName: apiName, ...values } } };
	return async () => await writeRecord(this, itemIndex, apiName, 'create', body, options);
};
