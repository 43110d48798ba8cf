import type { INodeProperties } from 'n8n-workflow';

import { objectApiNameField } from '../crmObject/fields';

/** Shows a property for the given Approval operations (and, optionally, more conditions). */
export const showFor = (operation: string[], more: Record<string, string[]> = {}) => ({ show: { resource: ['approval'], operation, ...more } });

/** The record an approval is on: its object (list or API name) and its _id. */
export const recordFields = (operation: string[], more: Record<string, string[]> = {}): INodeProperties[] => [
	{ ...objectApiNameField, description: 'The object of the record the approval is on', displayOptions: showFor(operation, more) },
	{
		displayName: 'Record ID',
		name: 'recordId',
		type: 'string',
		required: true,
		default: '',
		description: 'The _id of the record the approval is on',
		displayOptions: showFor(operation, more),
	},
];
