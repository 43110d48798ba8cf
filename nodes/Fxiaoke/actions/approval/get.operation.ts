import type { INodeProperties } from 'n8n-workflow';

import type { OperationPrepare } from '../types';
import { requireId } from '../validation';
import { getInstance, instanceItem, taskItem } from './api';
import { showFor } from './fields';

export const description: INodeProperties[] = [
	{
		displayName: 'Instance ID',
		name: 'instanceId',
		type: 'string',
		required: true,
		default: '',
		description: 'The approval instance\'s ID (instanceId, from Get Many)',
		displayOptions: showFor(['get']),
	},
];

/** Get: an instance and its tasks (approvalInstance/get), with readable states and task types. */
export const prepare: OperationPrepare = async function (itemIndex, options) {
	const instanceId = requireId(this, 'instanceId', 'Instance ID', itemIndex);
	return async () => {
		const { detail, envelope } = await getInstance(this, itemIndex, instanceId, options);
		// an answer of another shape is given as it came
		if (detail === null) return envelope;
		return { ...instanceItem(detail.instance), tasks: detail.tasks.map(taskItem) };
	};
};
