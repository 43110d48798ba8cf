import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { inputError, requireId } from '../validation';
import { nodeParameter } from '../parameters';

/** Shows a property for the given CRM Object operations. */
export const showFor = (...operation: string[]) => ({ show: { resource: ['crmObject'], operation } });

export const objectApiNameField: INodeProperties = {
	displayName: 'Object',
	name: 'objectApiName',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	description: 'The CRM object: a preset one such as AccountObj, or a custom one (its API name ends in __c)',
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			typeOptions: { searchListMethod: 'searchObjects', searchable: true },
		},
		{
			displayName: 'By API Name',
			name: 'id',
			type: 'string',
			placeholder: 'e.g. AccountObj or object_x__c',
			validation: [
				{
					type: 'regex',
					properties: { regex: '^[A-Za-z][A-Za-z0-9_]*$', errorMessage: 'An API name has letters, digits and underscores only' },
				},
			],
		},
	],
	displayOptions: { show: { resource: ['crmObject'] } },
};

export const recordIdField = (operations: string[], description: string): INodeProperties => ({
	displayName: 'Record ID',
	name: 'recordId',
	type: 'string',
	required: true,
	default: '',
	description,
	displayOptions: showFor(...operations),
});

/**
 * Hides a parameter until an object is chosen (as n8n's Google Sheets hides its columns until a
 * sheet is): n8n compares a resource locator's value, not the locator, with the condition
 * (NodeHelpers.displayParameter), so a new node's empty locator hides it and an expression shows it.
 */
export const NO_OBJECT_YET = { objectApiName: [''] };

/** The resource mapper of create, update and upsert, filled from the object's describe. */
export const recordFieldsMapper = (operation: 'create' | 'update' | 'upsert'): INodeProperties => ({
	displayName: operation === 'upsert' ? 'Fields (Match On and Write)' : 'Fields',
	name: 'fields',
	type: 'resourceMapper',
	noDataExpression: true,
	default: { mappingMode: 'defineBelow', value: null },
	required: true,
	description:
		operation === 'upsert'
			? 'The record\'s fields, from the object\'s describe; the ones chosen to match on find the record to update'
			: 'The record\'s fields, from the object\'s describe; values are converted to the formats Fxiaoke expects',
	typeOptions: {
		loadOptionsDependsOn: ['objectApiName.value'],
		resourceMapper: {
			resourceMapperMethod: operation === 'create' ? 'getCreateFields' : operation === 'update' ? 'getUpdateFields' : 'getUpsertFields',
			mode: operation === 'upsert' ? 'upsert' : 'add',
			fieldWords: { singular: 'field', plural: 'fields' },
			addAllFields: operation === 'create',
			multiKeyMatch: true,
			supportAutoMap: true,
			matchingFieldsLabels:
				operation === 'upsert'
					? {
							title: 'Fields to Match On',
							description: 'No record matching all of them: one is created. One: it is updated. Several: the item fails, naming them.',
						}
					: undefined,
			// (Shown when the object is an expression the editor cannot resolve: its fields are known only when the node runs.)
			noFieldsError: 'No fields to show: choose the object from the list or by its API name, or map the fields automatically',
		},
	},
	displayOptions: { ...showFor(operation), hide: NO_OBJECT_YET },
});

const API_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

/** The object's API name, from either mode of the locator; checked, nothing sent when it is wrong. */
export function readObjectApiName(ctx: IExecuteFunctions, itemIndex: number): string {
	const value = nodeParameter(ctx, 'objectApiName', itemIndex, '', { extractValue: true });
	const field = { label: 'Object', name: 'objectApiName' };
	if (typeof value !== 'string' || value.trim() === '') throw inputError(ctx, itemIndex, field, 'is empty');
	if (!API_NAME.test(value.trim())) throw inputError(ctx, itemIndex, field, 'is not an API name (letters, digits and underscores)');
	return value.trim();
}

/** A resource locator's value (either mode) as trimmed text; empty is an error that says `howToFill`. */
export function readLocatorText(ctx: IExecuteFunctions, itemIndex: number, field: { label: string; name: string }, howToFill: string): string {
	const value = String(nodeParameter(ctx, field.name, itemIndex, '', { extractValue: true }) ?? '').trim();
	if (value === '') throw inputError(ctx, itemIndex, field, `is empty: ${howToFill}`);
	return value;
}

export function readRecordId(ctx: IExecuteFunctions, itemIndex: number): string {
	return requireId(ctx, 'recordId', 'Record ID', itemIndex);
}

/** The CRM part of Options: Fxiaoke runs both flows on a create or update unless told not to. */
export const flowOptions: INodeProperties[] = [
	{
		displayName: 'Trigger Approval Flow',
		name: 'triggerApprovalFlow',
		type: 'boolean',
		default: true,
		description: 'Whether Fxiaoke starts the approval flows set up for this object (Fxiaoke\'s default: yes)',
		displayOptions: { show: { '/resource': ['crmObject'], '/operation': ['create', 'update', 'upsert', 'addSalesRecord'] } },
	},
	{
		displayName: 'Trigger Workflow',
		name: 'triggerWorkFlow',
		type: 'boolean',
		default: true,
		description: 'Whether Fxiaoke runs the workflows (automations) set up for this object (Fxiaoke\'s default: yes)',
		displayOptions: { show: { '/resource': ['crmObject'], '/operation': ['create', 'update', 'upsert', 'addSalesRecord'] } },
	},
	{
		displayName: 'Skip Empty Values',
		name: 'skipEmptyValues',
		type: 'boolean',
		default: false,
		description:
			'Whether fields mapped to an empty value (empty text, null or an empty list) are left as they are. Off: an update clears them in Fxiaoke.',
		displayOptions: { show: { '/resource': ['crmObject'], '/operation': ['update', 'upsert'] } },
	},
];

/** The flow flags for one item's write, as the create and update bodies take them. */
export function readFlowFlags(ctx: IExecuteFunctions, itemIndex: number): { triggerApprovalFlow: boolean; triggerWorkFlow: boolean } {
	const raw = nodeParameter(ctx, 'options', itemIndex, {}) as Record<string, unknown>;
	return { triggerApprovalFlow: raw.triggerApprovalFlow !== false, triggerWorkFlow: raw.triggerWorkFlow !== false };
}
