import { NodeApiError, NodeOperationError, type INodeProperties } from 'n8n-workflow';

import type { OperationPrepare } from '../types';
import { readObjectApiName, readRecordId, recordIdField } from './fields';
import { writeRecord } from './write';
import { nodeParameter } from '../parameters';

export const description: INodeProperties[] = [recordIdField(['delete'], 'The _id of the record to delete')];

/** The Delete part of Options. */
export const deleteOptions: INodeProperties[] = [
	{
		displayName: 'Delete Permanently',
		name: 'deletePermanently',
		type: 'boolean',
		default: false,
		description: 'Whether to delete the record for good after moving it to the recycle bin. Off: it stays in the recycle bin, where an admin can restore it.',
		displayOptions: { show: { '/resource': ['crmObject'], '/operation': ['delete'] } },
	},
];

/** The first step went through: the record is in the recycle bin, only the permanent delete failed. */
function halfDone(error: unknown): unknown {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		error.description = `The record is in the recycle bin; the permanent delete failed. ${error.description ?? ''}`.trim();
	}
	return error;
}

/** Delete: invalid (to the recycle bin, one id per call), then, if asked, delete (idList, permanent). */
export const prepare: OperationPrepare = async function (itemIndex, options) {
	const apiName = readObjectApiName(this, itemIndex);
	const id = readRecordId(this, itemIndex);
	const raw = nodeParameter(this, 'options', itemIndex, {}) as Record<string, unknown>;
	const permanently = raw.deletePermanently === true;
	return async () => {
		let envelope = await writeRecord(this, itemIndex, apiName, 'invalid', { data: { dataObjectApiName: apiName, object_data_id: id } }, options);
		if (permanently) {
			try {
				envelope = await writeRecord(this, itemIndex, apiName, 'delete', { data: { dataObjectApiName: apiName, idList: [id] } }, options);
			} catch (error) {
				throw halfDone(error);
			}
		}
		return { ...envelope, dataId: id, deleted: permanently ? 'permanently' : 'recycleBin' };
	};
};
