import { updateDisplayOptions, type IDataObject, type INodeProperties } from 'n8n-workflow';

import { peopleFields } from '../message/fields';
import { readRecipients, type PeopleFields } from '../message/recipients';
import { nodeParameter } from '../parameters';
import type { OperationPrepare } from '../types';
import { inputError } from '../validation';
import { readObjectApiName, readRecordId, recordIdField, showFor } from './fields';
import { sendWrite } from './write';

/*
 * A record's team (API.md §16): add, update or remove members. The docs name AccountObj and
 * OpportunityObj only; other objects are sent as given and Fxiaoke decides. Members are given as
 * a send's recipients are (employee IDs, mobile numbers or e-mail addresses looked up in Personnel,
 * or picked) and sent as employee IDs: the examples show openUserIds (FSUID_…) even under header
 * auth (§16 uncertain 1), where every other call of this node takes employee IDs; so does this one
 * (the sandbox checks them against its address book).
 */

type TeamAction = 'addTeamMembers' | 'updateTeamMembers' | 'removeTeamMembers';

const PATHS: Record<TeamAction, string> = {
	addTeamMembers: '/cgi/crm/team/add',
	updateTeamMembers: '/cgi/crm/team/edit',
	removeTeamMembers: '/cgi/crm/team/delete',
};
const ROLES = [
	{ name: 'Regular Member', value: '4' },
	{ name: 'Joint Follower', value: '2' },
	{ name: 'After-Sales', value: '3' },
];
const PERMISSIONS = [
	{ name: 'Read Only', value: '1' },
	{ name: 'Read and Write', value: '2' },
];
const MEMBERS: PeopleFields = {
	type: { label: 'Members Are', name: 'memberType' },
	entries: { label: 'Members', name: 'teamMembers' },
	picked: { label: 'Picked Members', name: 'pickedMembers' },
	verb: 'changed',
};
const memberFields = (operation: TeamAction): INodeProperties[] =>
	updateDisplayOptions(
		{ show: { resource: ['crmObject'], operation: [operation] } },
		peopleFields({
			fields: MEMBERS,
			typeDescription: 'What the entries of Members are: employee IDs, or mobile numbers or e-mail addresses to look up in Personnel',
			lookupDescription: 'Each entry is looked up in Personnel first; the employees found are the members',
			entries: {
				displayName: 'Members',
				name: 'teamMembers',
				type: 'string',
				default: '',
				placeholder: '1001, 1002',
				description: 'The members: a comma-separated list, one per line, or an expression returning an array (see Members Are)',
			},
			pickedDescription: 'Members picked from Fxiaoke\'s directory by name, e-mail, mobile or employee ID',
			pickerDescription: 'An employee: searched in Fxiaoke\'s directory, or given by employee ID (such as 1000)',
		}),
	);

/** The fields of one team operation. */
export const teamFields = (operation: TeamAction): INodeProperties[] => [
	recordIdField([operation], 'The _id of the account or opportunity'),
	...memberFields(operation),
	...(operation === 'removeTeamMembers'
		? []
		: ([
				{
					displayName: 'Role',
					name: 'teamMemberRole',
					type: 'options',
					options: ROLES,
					default: '4',
					description: 'The members\' role in the team',
					displayOptions: showFor(operation),
				},
				{
					displayName: 'Permission',
					name: 'teamMemberPermission',
					type: 'options',
					options: PERMISSIONS,
					default: '1',
					description: 'What the members may do with the record',
					displayOptions: showFor(operation),
				},
			] as INodeProperties[])),
	...(operation === 'addTeamMembers'
		? [
				{
					displayName: 'Notify Members',
					name: 'notifyMembers',
					type: 'boolean',
					default: true,
					description: 'Whether Fxiaoke sends the new members its CRM notice',
					displayOptions: showFor(operation),
				} as INodeProperties,
			]
		: []),
];

/** Add, update or remove members: one POST, sent once (a write). */
export const teamPrepare =
	(action: TeamAction): OperationPrepare =>
	async function (itemIndex, options) {
		const apiName = readObjectApiName(this, itemIndex);
		const id = readRecordId(this, itemIndex);
		const { toUser: members, resolved } = await readRecipients(this, itemIndex, { ...options, convertUserId: false }, MEMBERS);
		const bad = members.find((m) => !/^\d{1,12}$/.test(m));
		if (bad !== undefined) throw inputError(this, itemIndex, MEMBERS.entries, `has ${JSON.stringify(bad.slice(0, 40))}, which is not an employee ID (digits, such as 1001)`);
		const role = String(nodeParameter(this, 'teamMemberRole', itemIndex, '4'));
		const permission = String(nodeParameter(this, 'teamMemberPermission', itemIndex, '1'));
		let data: IDataObject;
		if (action === 'removeTeamMembers') data = { dataIDs: [id], teamMemberEmployee: members };
		else if (action === 'updateTeamMembers') data = { dataID: id, teamMemberInfos: [{ teamMemberEmployee: members, teamMemberRole: role, teamMemberPermissionType: permission }] };
		else {
			data = { dataIDs: [id], teamMemberEmployee: members, teamMemberRole: role, teamMemberPermissionType: permission };
			if (nodeParameter(this, 'notifyMembers', itemIndex, true) === false) data.ignoreSendingRemind = true;
		}
		return async () => {
			await sendWrite(this, itemIndex, PATHS[action], { apiName, data }, `The team change of this ${apiName} record`, options);
			return { dataId: id, members, ...(resolved ? { resolvedMembers: resolved } : {}), ...(action === 'removeTeamMembers' ? { removed: true } : { role, permission }) };
		};
	};
