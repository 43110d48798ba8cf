import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { readObjectApiName, readRecordId } from '../crmObject/fields';
import { nodeParameter } from '../parameters';
import type { OperationPrepare } from '../types';
import { requireId, textParameter } from '../validation';
import { sendWrite } from '../crmObject/write';
import { actingUser, currentTaskOf, PATHS } from './api';
import { recordFields, showFor } from './fields';

/** The fields of Approve (`approve`) or Reject (`reject`): which task, and the opinion. */
export const decisionFields = (operation: 'approve' | 'reject'): INodeProperties[] => [
	{
		displayName: 'Task',
		name: 'taskFrom',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Current Task of a Record', value: 'record', description: 'The task of the record\'s running approval that the acting employee (the credential\'s User ID) can act on' },
			{ name: 'By Task ID', value: 'id', description: 'A task\'s ID (tasks[].ID from Approval → Get)' },
		],
		default: 'record',
		description: 'Which task to act on',
		displayOptions: showFor([operation]),
	},
	...recordFields([operation], { taskFrom: ['record'] }),
	{
		displayName: 'Task ID',
		name: 'taskId',
		type: 'string',
		required: true,
		default: '',
		description: 'The task\'s ID (tasks[].ID from Approval → Get)',
		displayOptions: showFor([operation], { taskFrom: ['id'] }),
	},
	{
		displayName: 'Opinion',
		name: 'opinion',
		type: 'string',
		typeOptions: { rows: 2 },
		required: operation === 'reject',
		default: '',
		description: operation === 'reject' ? 'Why the task is rejected (shown to the applicant)' : 'A comment shown with the approval',
		displayOptions: showFor([operation]),
	},
	...(operation === 'reject'
		? [
				{
					displayName: 'Send Back To Task ID',
					name: 'rejectToTaskId',
					type: 'string',
					default: '',
					description: 'Empty: the approval is rejected. An earlier task\'s ID (tasks[].ID from Approval → Get): the approval goes back to that task, which runs again.',
					displayOptions: showFor([operation]),
				} as INodeProperties,
			]
		: []),
];

/**
 * Approve or Reject: the task (by ID, or the record's current one after checking that the acting
 * employee is among its approvers), then one POST of approvalTask. A write: never repeated.
 */
export const decide =
	(approvalResult: 'agree' | 'reject'): OperationPrepare =>
	async function (itemIndex, options) {
		const opinion = textParameter(this, itemIndex, { label: 'Opinion', name: 'opinion' }, approvalResult === 'reject');
		const byRecord = nodeParameter(this, 'taskFrom', itemIndex, 'record') === 'record';
		const apiName = byRecord ? readObjectApiName(this, itemIndex) : undefined;
		const recordId = byRecord ? readRecordId(this, itemIndex) : undefined;
		const givenTaskId = byRecord ? undefined : requireId(this, 'taskId', 'Task ID', itemIndex);
		const rejectToTaskId = approvalResult === 'reject' ? textParameter(this, itemIndex, { label: 'Send Back To Task ID', name: 'rejectToTaskId' }).trim() : '';
		return async () => {
			const user = await actingUser(this);
			let out: IDataObject;
			if (apiName !== undefined && recordId !== undefined) {
				const { instance, task } = await currentTaskOf(this, itemIndex, apiName, recordId, user, options);
				out = { taskId: String(task.id), instanceId: instance.instanceId, objectApiName: apiName, recordId };
			} else out = { taskId: String(givenTaskId) };
			// back to an earlier task (§15 rejectToBeforeTask), or the task's own agree / reject
			const [path, body] =
				rejectToTaskId === ''
					? [PATHS.taskAction, { data: { taskId: out.taskId, approvalResult, opinion } }]
					: [PATHS.rejectBack, { data: { currentTaskId: out.taskId, rejectToTaskId, rejectOpinion: opinion } }];
			const verb = approvalResult === 'agree' ? 'approval' : 'rejection';
			// Fxiaoke documents no code for "not an approver" (§15 uncertain 3, 6): a failure says what must hold.
			const hint =
				givenTaskId === undefined
					? undefined
					: `The acting employee ${user} (the credential's User ID) must be a pending approver of the task and the task still in progress: Approval → Get lists both.`;
			await sendWrite(this, itemIndex, path, body, `The ${verb} of approval task ${String(out.taskId)}`, options, hint);
			return { ...out, approvalResult, opinion, ...(rejectToTaskId === '' ? {} : { rejectToTaskId }), actingUser: user };
		};
	};
