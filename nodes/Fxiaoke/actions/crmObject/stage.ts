import { NodeOperationError, type IDataObject, type INodeProperties } from 'n8n-workflow';

import type { RequestOptions } from '../../transport';
import { fxiaokeApiRequest } from '../../transport';
import type { FxiaokeContext } from '../../transport/context';
import type { OperationPrepare } from '../types';
import { inputError } from '../validation';
import { readLocatorText, readObjectApiName, readRecordId, recordIdField, showFor } from './fields';
import { sendWrite } from './write';

/*
 * The stage pusher (API.md §16): a record's stage flow runs as a workflow instance; the node finds
 * it (getInstanceInfoByObjectId, [S] only: the answer's shape `{workflowInstanceId, currentStageId,
 * stages: [{stageId, name}]}` is the sandbox's reading) and moves it (stageMoveTo).
 */

const INSTANCE_PATH = '/cgi/crm/v2/special/getInstanceInfoByObjectId';
const MOVE_PATH = '/cgi/crm/v2/special/stageMoveTo';

export interface StageInstance {
	workflowInstanceId: string;
	currentStageId?: string;
	stages: Array<{ stageId: string; name: string }>;
}

/** The record's stage instance (a read: may be retried). */
export async function stageInstance(ctx: FxiaokeContext, itemIndex: number, apiName: string, recordId: string, options: RequestOptions): Promise<StageInstance | undefined> {
	const answer = await fxiaokeApiRequest.call(ctx, INSTANCE_PATH, { data: { entityId: apiName, objectId: recordId } }, itemIndex, { ...options, idempotent: true });
	const data = answer.data as IDataObject | null | undefined;
	if (typeof data?.workflowInstanceId !== 'string') return undefined;
	const stages = (Array.isArray(data.stages) ? (data.stages as IDataObject[]) : [])
		.filter((s) => typeof s?.stageId === 'string')
		.map((s) => ({ stageId: s.stageId as string, name: typeof s.name === 'string' ? s.name : (s.stageId as string) }));
	return { workflowInstanceId: data.workflowInstanceId, currentStageId: typeof data.currentStageId === 'string' ? data.currentStageId : undefined, stages };
}

export const moveStageFields: INodeProperties[] = [
	recordIdField(['moveStage'], 'The _id of the record whose stage to move'),
	{
		displayName: 'Stage',
		name: 'stage',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: true,
		description: 'The stage to move to: one of the stages of the record\'s stage flow',
		modes: [
			{ displayName: 'From List', name: 'list', type: 'list', typeOptions: { searchListMethod: 'searchStages', searchable: true } },
			{ displayName: 'By Name or ID', name: 'id', type: 'string', placeholder: 'e.g. Proposal' },
		],
		hint: 'The list shows the stages of the record given in Record ID (a fixed value, not an expression)',
		displayOptions: showFor('moveStage'),
	},
];

/**
 * Move Stage: finds the record's stage instance, checks the stage is one of its stages (by ID or
 * name), then moves it. The move is a write: sent once; a stage the flow does not have sends nothing.
 */
export const moveStage: OperationPrepare = async function (itemIndex, options) {
	const apiName = readObjectApiName(this, itemIndex);
	const recordId = readRecordId(this, itemIndex);
	const ref = { label: 'Stage', name: 'stage' };
	const wanted = readLocatorText(this, itemIndex, ref, 'pick a stage or give its name or ID');
	return async () => {
		const instance = await stageInstance(this, itemIndex, apiName, recordId, options);
		if (!instance) {
			throw new NodeOperationError(this.getNode(), `${apiName} record ${recordId} has no stage flow running in item ${itemIndex}`, {
				itemIndex,
				description: 'Nothing was moved. Start the record\'s stage flow in Fxiaoke (or check the record ID).',
			});
		}
		const stage =
			instance.stages.find((s) => s.stageId === wanted) ??
			instance.stages.find((s) => s.name === wanted) ??
			instance.stages.find((s) => s.name.toLowerCase() === wanted.toLowerCase());
		if (!stage) {
			const known = instance.stages.map((s) => `${s.name} (${s.stageId})`).join(', ');
			throw inputError(this, itemIndex, ref, `is ${JSON.stringify(wanted)}, which the record's stage flow does not have (its stages: ${known || 'none'})`, 'Nothing was moved for this item.');
		}
		const body = { data: { workflowInstanceId: instance.workflowInstanceId, stageId: stage.stageId } };
		await sendWrite(this, itemIndex, MOVE_PATH, body, `The stage move of this ${apiName} record`, options);
		return { dataId: recordId, workflowInstanceId: instance.workflowInstanceId, stageId: stage.stageId, stage: stage.name, previousStageId: instance.currentStageId ?? null };
	};
};
