import type { INodeProperties } from 'n8n-workflow';

import type { OperationPrepare } from '../types';
import { requireId } from '../validation';
import { readObjectApiName, readRecordId, recordIdField, showFor } from './fields';
import { writeRecord } from './write';

export const description: INodeProperties[] = [
	recordIdField(['changeOwner'], 'The _id of the record whose owner changes'),
	{
		displayName: 'New Owner',
		name: 'ownerId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. 1001',
		description: 'Employee ID of the new owner (the owner changes only through this call, not through Update)',
		displayOptions: showFor('changeOwner'),
	},
];

/** Change Owner: POST …/data/changeOwner with data{dataObjectApiName, Data:[{objectDataId, ownerId:[id]}]}. */
export const prepare: OperationPrepare = async function (itemIndex, options) {
	const apiName = readObjectApiName(this, itemIndex);
	const objectDataId = readRecordId(this, itemIndex);
	const ownerId = requireId(this, 'ownerId', 'New Owner', itemIndex);
	const body = { data: { dataObjectApiName: apiName, Data: [{ objectDataId, ownerId: [ownerId] }] } };
	return async () => ({ ...(await writeRecord(this, itemIndex, apiName, 'changeOwner', body, options)), dataId: objectDataId, owner: [ownerId] });
};
