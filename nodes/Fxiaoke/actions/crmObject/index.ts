import type { INodeProperties } from 'n8n-workflow';

import * as addSalesRecord from './addSalesRecord.operation';
import * as addTeamMembers from './addTeamMembers.operation';
import * as changeOwner from './changeOwner.operation';
import * as claimFromPool from './claimFromPool.operation';
import * as create from './create.operation';
import * as deleteRecord from './delete.operation';
import * as downloadFile from './downloadFile.operation';
import * as get from './get.operation';
import * as getAll from './getAll.operation';
import * as lock from './lock.operation';
import * as moveStage from './moveStage.operation';
import * as recover from './recover.operation';
import * as removeTeamMembers from './removeTeamMembers.operation';
import * as returnToPool from './returnToPool.operation';
import * as unlock from './unlock.operation';
import * as updateTeamMembers from './updateTeamMembers.operation';
import * as update from './update.operation';
import * as uploadFile from './uploadFile.operation';
import * as upsert from './upsert.operation';
import { flowOptions, objectApiNameField } from './fields';

export {
	addSalesRecord,
	addTeamMembers,
	changeOwner,
	claimFromPool,
	create,
	deleteRecord,
	downloadFile,
	get,
	getAll,
	lock,
	moveStage,
	recover,
	removeTeamMembers,
	returnToPool,
	unlock,
	update,
	updateTeamMembers,
	uploadFile,
	upsert,
};

/** What CRM Object adds to the Options collection. */
export const crmOptions: INodeProperties[] = [...flowOptions, ...getAll.queryOptions, ...deleteRecord.deleteOptions];

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['crmObject'] } },
		options: [
			{
				name: 'Add Sales Record',
				value: 'addSalesRecord',
				description: 'Log a follow-up (a sales record, ActiveRecordObj) on a record',
				action: 'Add a sales record to a record',
			},
			{ name: 'Add Team Members', value: 'addTeamMembers', description: 'Add employees to the team of an account or opportunity', action: 'Add team members to a record' },
			{ name: 'Change Owner', value: 'changeOwner', description: 'Give a record to another employee', action: 'Change the owner of a record' },
			{ name: 'Claim From Pool', value: 'claimFromPool', description: 'Take an account or lead from its pool: the acting employee becomes its owner', action: 'Claim a record from its pool' },
			{ name: 'Create', value: 'create', description: 'Create a record of the object from the mapped fields', action: 'Create a record' },
			{
				name: 'Create or Update',
				value: 'upsert',
				description: 'Create a new record, or update the current one if it already exists (upsert)',
				action: 'Create or update a record',
			},
			{ name: 'Delete', value: 'delete', description: 'Move a record to the recycle bin, or delete it for good', action: 'Delete a record' },
			{ name: 'Download File', value: 'downloadFile', description: 'Download the files of a file or image field as binary data', action: 'Download the files of a record' },
			{ name: 'Get', value: 'get', description: 'Get a record by its ID', action: 'Get a record' },
			{ name: 'Get Many', value: 'getAll', description: 'Get records that match filters', action: 'Get many records' },
			{ name: 'Lock', value: 'lock', description: 'Lock a record so that it cannot be edited', action: 'Lock a record' },
			{ name: 'Move Stage', value: 'moveStage', description: 'Move a record to another stage of its stage flow', action: 'Move the stage of a record' },
			{ name: 'Recover', value: 'recover', description: 'Restore a record from the recycle bin', action: 'Recover a record' },
			{ name: 'Remove Team Members', value: 'removeTeamMembers', description: 'Remove employees from the team of an account or opportunity', action: 'Remove team members from a record' },
			{ name: 'Return to Pool', value: 'returnToPool', description: 'Give an account or lead back to a pool', action: 'Return a record to a pool' },
			{ name: 'Unlock', value: 'unlock', description: 'Unlock a locked record', action: 'Unlock a record' },
			{ name: 'Update', value: 'update', description: 'Update a record by its ID', action: 'Update a record' },
			{ name: 'Update Team Members', value: 'updateTeamMembers', description: 'Change the role and permission of team members', action: 'Update team members of a record' },
			{ name: 'Upload File', value: 'uploadFile', description: 'Attach files from binary data to a file or image field', action: 'Upload a file to a record' },
		],
		default: 'getAll',
	},
	objectApiNameField,
	...create.description,
	...get.description,
	...getAll.description,
	...update.description,
	...upsert.description,
	...deleteRecord.description,
	...changeOwner.description,
	...lock.description,
	...unlock.description,
	...recover.description,
	...addTeamMembers.description,
	...updateTeamMembers.description,
	...removeTeamMembers.description,
	...uploadFile.description,
	...downloadFile.description,
	...returnToPool.description,
	...claimFromPool.description,
	...moveStage.description,
	...addSalesRecord.description,
];
