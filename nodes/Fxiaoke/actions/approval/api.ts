import { NodeOperationError, type ICredentialDataDecryptedObject, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import { fxiaokeApiRequest, type RequestOptions } from '../../transport';

/*
 * The approval calls (API.md §15). Reads may be retried; an approve, reject or cancel is a write,
 * sent once and never repeated after it may have been carried out.
 */

export const PATHS = {
	flowInstances: '/cgi/crm/approvalInstances/query',
	recordInstances: '/cgi/crm/object/approvalInstances/query',
	instance: '/cgi/crm/approvalInstance/get',
	// §15 lists two task-action paths; the v2 one, in the data-wrapped style of the other v2 calls.
	taskAction: '/cgi/crm/v2/special/object/approvalTask',
	cancel: '/cgi/crm/v2/special/approval/instance/cancel',
	rejectBack: '/cgi/crm/v2/special/approval/rejectToBeforeTask',
} as const;

/** The states and task types §15 lists, with the names the node shows beside them. */
export const INSTANCE_STATES: Record<string, string> = {
	in_progress: 'In Progress',
	pass: 'Passed',
	reject: 'Rejected',
	cancel: 'Cancelled',
	error: 'Error',
};
export const TASK_STATES: Record<string, string> = {
	...INSTANCE_STATES,
	auto_pass: 'Passed Automatically',
	go_back: 'Sent Back',
	auto_go_back: 'Sent Back Automatically',
	schedule: 'Scheduled',
};
export const TASK_TYPES: Record<string, string> = { single: 'One Approver', one_pass: 'Any One Approver', all_pass: 'All Approvers' };

const named = (names: Record<string, string>, value: unknown): string | null => (typeof value === 'string' ? (names[value] ?? value) : null);

/** An instance as output: Fxiaoke's fields, plus `stateName`. */
export function instanceItem(instance: IDataObject): IDataObject {
	return { ...instance, stateName: named(INSTANCE_STATES, instance.state) };
}

/** A task as output: Fxiaoke's fields, plus `stateName` and `typeName`. */
export function taskItem(task: IDataObject): IDataObject {
	return { ...task, stateName: named(TASK_STATES, task.state), typeName: named(TASK_TYPES, task.type) };
}

/** The instances of one record (every state, as Fxiaoke lists them). */
export async function recordInstances(ctx: IExecuteFunctions, itemIndex: number, dataId: string, options: RequestOptions): Promise<IDataObject[]> {
	const envelope = await fxiaokeApiRequest.call(ctx, PATHS.recordInstances, { dataId }, itemIndex, options);
	return Array.isArray(envelope.instances) ? (envelope.instances as IDataObject[]) : [];
}

export interface InstanceDetail {
	instance: IDataObject;
	tasks: IDataObject[];
}

/** An instance and its tasks; `detail` null when the answer holds no instanceDetail (the envelope kept raw). */
export async function getInstance(
	ctx: IExecuteFunctions,
	itemIndex: number,
	instanceId: string,
	options: RequestOptions,
): Promise<{ detail: InstanceDetail | null; envelope: IDataObject }> {
	const envelope = await fxiaokeApiRequest.call(ctx, PATHS.instance, { instanceId }, itemIndex, options);
	const detail = envelope.instanceDetail as IDataObject | undefined;
	if (typeof detail !== 'object' || detail === null || typeof detail.instance !== 'object') return { detail: null, envelope };
	return { detail: { instance: detail.instance as IDataObject, tasks: Array.isArray(detail.tasks) ? (detail.tasks as IDataObject[]) : [] }, envelope };
}

/** The acting employee: the credential's User ID (sent as x-fs-userid), for a node or a trigger. */
export async function actingUser(ctx: { getCredentials(type: string): Promise<ICredentialDataDecryptedObject> }): Promise<string> {
	const credentials = await ctx.getCredentials('fxiaokeApi');
	return String(credentials.userId ?? '').trim();
}

/**
 * The running instance of a record and the task of it the acting user can act on: every check a
 * person would make before clicking, so a wrong record or a wrong user sends nothing.
 */
export async function currentTaskOf(
	ctx: IExecuteFunctions,
	itemIndex: number,
	apiName: string,
	recordId: string,
	user: string,
	options: RequestOptions,
): Promise<{ instance: IDataObject; task: IDataObject }> {
	const fail = (message: string) => new NodeOperationError(ctx.getNode(), `${message}, in item ${itemIndex}`, { itemIndex, description: 'Nothing was sent to Fxiaoke for this item.' });
	const running = (await recordInstances(ctx, itemIndex, recordId, options)).filter((i) => i.state === 'in_progress' && (i.objectApiName === undefined || i.objectApiName === apiName));
	if (running.length === 0) throw fail(`The ${apiName} record ${recordId} has no approval in progress`);
	const { detail } = await getInstance(ctx, itemIndex, String(running[0].instanceId), options);
	if (detail === null) throw fail(`Fxiaoke's answer for the approval of ${apiName} record ${recordId} held no instance detail`);
	const pending = detail.tasks.filter((t) => t.state === 'in_progress');
	if (pending.length === 0) throw fail(`The approval of ${apiName} record ${recordId} has no task in progress`);
	const mine = pending.find((t) => Array.isArray(t.unCompletePersons) && (t.unCompletePersons as unknown[]).map(String).includes(user));
	if (mine === undefined) {
		const approvers = pending.flatMap((t) => (Array.isArray(t.unCompletePersons) ? (t.unCompletePersons as unknown[]).map(String) : []));
		throw fail(
			`The acting employee ${user} (the credential's User ID) is not an approver of the current task of ${apiName} record ${recordId}; its approvers: ${approvers.join(', ') || 'none listed'}`,
		);
	}
	return { instance: detail.instance, task: mine };
}
