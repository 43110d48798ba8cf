import type { INodeProperties } from 'n8n-workflow';

import { nodeParameter } from '../parameters';
import type { OperationPrepare } from '../types';
import { inputError, textParameter } from '../validation';
import { assertPersonnelVisible, eq, queryEmployees } from './directory';
import { heldValue, normalised, queryForms, PERSONNEL_FIELD, type LookupKind } from './lookup';

const showFor = { show: { resource: ['employee'], operation: ['find'] } };
const KINDS: LookupKind[] = ['mobile', 'email', 'name'];

export const description: INodeProperties[] = [
	{
		displayName: 'Find By',
		name: 'findBy',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Mobile Number', value: 'mobile' },
			{ name: 'E-Mail Address', value: 'email' },
			{ name: 'Name', value: 'name' },
		],
		default: 'mobile',
		description: 'Which field of Personnel the value must equal',
		displayOptions: showFor,
	},
	{
		displayName: 'Value',
		name: 'value',
		type: 'string',
		required: true,
		default: '',
		placeholder: '13800001000',
		description: 'Exact mobile number, e-mail address or name. Several employees can match (two people with one name): each is an output item.',
		displayOptions: showFor,
	},
];

/** Find: PersonnelObj where phone, email or name equals the value; every match is an item, none is no item. */
export const prepare: OperationPrepare = async function (itemIndex, options) {
	const kind = nodeParameter(this, 'findBy', itemIndex, 'mobile') as LookupKind;
	if (!KINDS.includes(kind)) {
		throw inputError(this, itemIndex, { label: 'Find By', name: 'findBy' }, `must be mobile, email or name, not ${JSON.stringify(kind)},`);
	}
	const written = textParameter(this, itemIndex, { label: 'Value', name: 'value' }, true);
	const value = normalised(kind, written);
	return async () => {
		const answers = await queryEmployees(this, itemIndex, [eq(PERSONNEL_FIELD[kind], queryForms(kind, written))], Infinity, options);
		// (An address asked for as written and in lower case: the answers are matched regardless of case.)
		const employees = answers.filter((e) => normalised(kind, heldValue(kind, e) ?? '') === value);
		if (employees.length === 0) await assertPersonnelVisible(this, itemIndex, options);
		return employees;
	};
};
