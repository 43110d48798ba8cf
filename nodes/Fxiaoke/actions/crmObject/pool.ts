import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { nodeParameter } from '../parameters';
import type { OperationPrepare } from '../types';
import { inputError, requireText } from '../validation';
import { readLocatorText, readObjectApiName, readRecordId, recordIdField, showFor } from './fields';
import { sendWrite } from './write';

/*
 * Pools (API.md §12 choose, §16 return): accounts go back to an account pool (公海), leads to a
 * leads pool, and an employee claims them from there. Only AccountObj and LeadsObj have pools.
 * The pools themselves are records of HighSeasObj and LeadsPoolObj: Fxiaoke's preset object
 * names, not in the stored pages (so the pool list is a help, and a pool may be given by ID).
 */

export const POOL_OBJECTS: Record<string, string> = { AccountObj: 'HighSeasObj', LeadsObj: 'LeadsPoolObj' };

const RETURN_PATH = '/cgi/crm/v2/data/return';
const CLAIM_PATH = '/cgi/crm/v2/data/choose';

/** The object must have pools; checked before anything is sent. */
function readPoolObject(ctx: IExecuteFunctions, itemIndex: number): string {
	const apiName = readObjectApiName(ctx, itemIndex);
	if (!(apiName in POOL_OBJECTS)) {
		throw inputError(ctx, itemIndex, { label: 'Object', name: 'objectApiName' }, `is ${apiName}; only accounts (AccountObj) and leads (LeadsObj) have pools`);
	}
	return apiName;
}

export const returnToPoolFields: INodeProperties[] = [
	recordIdField(['returnToPool'], 'The _id of the account or lead to return'),
	{
		displayName: 'Pool',
		name: 'pool',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: true,
		description: 'The account pool or leads pool the record goes to',
		modes: [
			{ displayName: 'From List', name: 'list', type: 'list', typeOptions: { searchListMethod: 'searchPools', searchable: true } },
			{ displayName: 'By ID', name: 'id', type: 'string', placeholder: 'e.g. 65a1f0c2e4b0a1b2c3d4e5f6' },
		],
		displayOptions: showFor('returnToPool'),
	},
	{
		displayName: 'Reason',
		name: 'returnReason',
		type: 'options',
		// §16 names the codes 0, 1 and 2 without saying what they mean: each tenant sets them up.
		options: [
			{ name: 'Other (Describe Below)', value: 'other' },
			{ name: 'Preset Reason 0', value: '0', description: 'The first return reason set up in your Fxiaoke' },
			{ name: 'Preset Reason 1', value: '1', description: 'The second return reason set up in your Fxiaoke' },
			{ name: 'Preset Reason 2', value: '2', description: 'The third return reason set up in your Fxiaoke' },
		],
		default: 'other',
		description: 'Why the record goes back to the pool',
		displayOptions: showFor('returnToPool'),
	},
	{
		displayName: 'Reason Text',
		name: 'returnReasonText',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. No answer after three calls',
		description: 'Why the record goes back to the pool, in words (sent as backReason__o)',
		displayOptions: { show: { resource: ['crmObject'], operation: ['returnToPool'], returnReason: ['other'] } },
	},
];

/** Return to Pool: POST /cgi/crm/v2/data/return; the record loses its owner. A write: sent once. */
export const returnToPool: OperationPrepare = async function (itemIndex, options) {
	const apiName = readPoolObject(this, itemIndex);
	const id = readRecordId(this, itemIndex);
	const pool = readLocatorText(this, itemIndex, { label: 'Pool', name: 'pool' }, 'pick a pool or give its ID');
	const reason = String(nodeParameter(this, 'returnReason', itemIndex, 'other'));
	if (!['0', '1', '2', 'other'].includes(reason)) throw inputError(this, itemIndex, { label: 'Reason', name: 'returnReason' }, `must be 0, 1, 2 or other, not ${JSON.stringify(reason)},`);
	const data: IDataObject = { apiName, objectIds: [id], objectPoolId: pool, backReason: reason };
	if (reason === 'other') data.backReason__o = requireText(this, itemIndex, nodeParameter(this, 'returnReasonText', itemIndex, ''), { label: 'Reason Text', name: 'returnReasonText' });
	return async () => {
		await sendWrite(this, itemIndex, RETURN_PATH, { data }, `The return of this ${apiName} record to its pool`, options);
		return { dataId: id, pool, returned: true };
	};
};

export const claimFromPoolFields: INodeProperties[] = [recordIdField(['claimFromPool'], 'The _id of the account or lead to claim from its pool')];

/** Claim from Pool: POST /cgi/crm/v2/data/choose; the acting employee (the credential's User ID) becomes the owner. A write: sent once. */
export const claimFromPool: OperationPrepare = async function (itemIndex, options) {
	const apiName = readPoolObject(this, itemIndex);
	const id = readRecordId(this, itemIndex);
	return async () => {
		await sendWrite(this, itemIndex, CLAIM_PATH, { data: { apiName, objectIds: [id] } }, `The claim of this ${apiName} record`, options);
		return { dataId: id, claimed: true };
	};
};
