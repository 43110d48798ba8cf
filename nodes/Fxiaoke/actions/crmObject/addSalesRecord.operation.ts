import type { INodeProperties } from 'n8n-workflow';

import type { OperationPrepare } from '../types';
import { inputError } from '../validation';
import { readFlowFlags, readObjectApiName, readRecordId, recordIdField, showFor } from './fields';
import { completeFileFields } from './files';
import { readRecordFields } from './mapper';
import { describeObject } from './schema';
import { writeRecord } from './write';

/** Sales records (销售记录, API.md §18) are records of ActiveRecordObj. */
export const SALES_RECORD_OBJECT = 'ActiveRecordObj';

export const description: INodeProperties[] = [
	recordIdField(['addSalesRecord'], 'The _id of the record the sales record is about (an account, lead, opportunity, …)'),
	{
		displayName: 'Sales Record Fields',
		name: 'fields',
		type: 'resourceMapper',
		noDataExpression: true,
		default: { mappingMode: 'defineBelow', value: null },
		required: true,
		description: 'The sales record\'s fields, from the describe of ActiveRecordObj (its content, type, …); the link to the record is filled in',
		typeOptions: {
			resourceMapper: {
				resourceMapperMethod: 'getSalesRecordFields',
				mode: 'add',
				fieldWords: { singular: 'field', plural: 'fields' },
				addAllFields: false,
				multiKeyMatch: false,
				supportAutoMap: true,
			},
		},
		displayOptions: showFor('addSalesRecord'),
	},
];

/**
 * Add Sales Record: an ActiveRecordObj created through …/data/create, linked to the record by the
 * ActiveRecordObj field that looks up the chosen object (found in the describe: §18 does not list
 * its field names). A write: sent once.
 */
export const prepare: OperationPrepare = async function (itemIndex, options) {
	const apiName = readObjectApiName(this, itemIndex);
	const recordId = readRecordId(this, itemIndex);
	const fields = await describeObject(this, SALES_RECORD_OBJECT, itemIndex, options);
	const link = fields.find((f) => f.type === 'object_reference' && f.target === apiName && f.writable);
	if (!link) {
		const linkable = fields.filter((f) => f.type === 'object_reference' && f.target !== undefined).map((f) => f.target);
		throw inputError(this, itemIndex, { label: 'Object', name: 'objectApiName' }, `is ${apiName}, which a sales record cannot be linked to (it links to ${linkable.join(', ') || 'no object'})`);
	}
	const { values, files } = await readRecordFields(this, itemIndex, SALES_RECORD_OBJECT, fields, 'create');
	const flags = readFlowFlags(this, itemIndex);
	return async () => {
		const complete = await completeFileFields(this, itemIndex, { ...values, [link.apiName]: recordId }, files, options);
		const body = { ...flags, data: { object_data: { dataObjectApiName: SALES_RECORD_OBJECT, ...complete } } };
		const envelope = await writeRecord(this, itemIndex, SALES_RECORD_OBJECT, 'create', body, options);
		return { ...envelope, relatedObject: apiName, relatedDataId: recordId };
	};
};
