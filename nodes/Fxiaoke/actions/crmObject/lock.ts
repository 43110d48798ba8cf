import type { INodeProperties } from 'n8n-workflow';

import { nodeParameter } from '../parameters';
import type { OperationPrepare } from '../types';
import { readObjectApiName, readRecordId, recordIdField, showFor } from './fields';
import { LOCK_PATHS } from './paths';
import { sendWrite } from './write';

/** The fields of Lock (`lock`) or Unlock (`unlock`). */
export const lockFields = (operation: 'lock' | 'unlock'): INodeProperties[] => [
	recordIdField([operation], `The _id of the record to ${operation}`),
	{
		displayName: 'Include Detail Objects',
		name: 'includeDetails',
		type: 'boolean',
		default: true,
		description: `Whether the record's detail (child) records are ${operation}ed too (Fxiaoke's default)`,
		displayOptions: showFor(operation),
	},
];

/**
 * Lock or Unlock: POST /cgi/crm/v2/object/{lock,unlock} `{data: {dataObjectApiName, dataIds, detailObjStrategy}}`
 * (1: detail objects too, 0: this record only). A write: sent once.
 */
export const lockPrepare =
	(action: 'lock' | 'unlock'): OperationPrepare =>
	async function (itemIndex, options) {
		const apiName = readObjectApiName(this, itemIndex);
		const id = readRecordId(this, itemIndex);
		const detailObjStrategy = nodeParameter(this, 'includeDetails', itemIndex, true) === false ? 0 : 1;
		const body = { data: { dataObjectApiName: apiName, dataIds: [id], detailObjStrategy } };
		return async () => {
			await sendWrite(this, itemIndex, LOCK_PATHS[action], body, `The ${action} of this ${apiName} record`, options);
			return { dataId: id, locked: action === 'lock', detailObjects: detailObjStrategy === 1 };
		};
	};
