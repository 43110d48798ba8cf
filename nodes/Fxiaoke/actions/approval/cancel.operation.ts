import type { INodeProperties } from 'n8n-workflow';

import { readObjectApiName, readRecordId } from '../crmObject/fields';
import type { OperationPrepare } from '../types';
import { textParameter } from '../validation';
import { sendWrite } from '../crmObject/write';
import { PATHS } from './api';
import { recordFields, showFor } from './fields';

export const description: INodeProperties[] = [
	...recordFields(['cancel']),
	{
		displayName: 'Reason',
		name: 'cancelReason',
		type: 'string',
		required: true,
		default: '',
		description: 'Why the approval is withdrawn',
		displayOptions: showFor(['cancel']),
	},
];

/** Cancel: withdraws the running approval of a record (approval/instance/cancel). A write: never repeated. */
export const prepare: OperationPrepare = async function (itemIndex, options) {
	const entityId = readObjectApiName(this, itemIndex);
	const objectId = readRecordId(this, itemIndex);
	const cancelReason = textParameter(this, itemIndex, { label: 'Reason', name: 'cancelReason' }, true);
	return async () => {
		await sendWrite(this, itemIndex, PATHS.cancel, { data: { entityId, objectId, cancelReason } }, `The cancellation of the approval of ${entityId} record ${objectId}`, options);
		return { objectApiName: entityId, recordId: objectId, cancelled: true, cancelReason };
	};
};
