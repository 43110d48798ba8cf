import { randomUUID } from 'crypto';
import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { sendWrite } from '../crmObject/write';
import { nodeParameter } from '../parameters';
import type { OperationPrepare } from '../types';
import { inputError, textParameter } from '../validation';

/** POST path of a controller function call (API.md §17). */
export const FUNCTION_PATH = '/cgi/crm/v2/special/function';
const API_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
const TYPES = ['Map', 'List', 'String', 'Number', 'Boolean'];

const show = (more: Record<string, string[]> = {}) => ({ show: { resource: ['customFunction'], operation: ['call'], ...more } });

export const description: INodeProperties[] = [
	{
		displayName: 'Function API Name',
		name: 'functionApiName',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. func_discount_check__c',
		description: 'A controller function (自定义控制器) of Fxiaoke\'s APL: Custom Function Management → the function → its API name',
		displayOptions: show(),
	},
	{
		displayName: 'Parameters',
		name: 'parametersFrom',
		type: 'options',
		options: [
			{ name: 'Rows', value: 'rows', description: 'A name, type and value per parameter' },
			{ name: 'JSON', value: 'json', description: 'A JSON list of {name, type, value}' },
		],
		default: 'rows',
		description: 'How the function\'s parameters are given',
		displayOptions: show(),
	},
	{
		displayName: 'Parameter Rows',
		name: 'parameterRows',
		type: 'fixedCollection',
		placeholder: 'Add Parameter',
		default: {},
		typeOptions: { multipleValues: true, sortable: true },
		description: 'The function\'s parameters, by the names it declares',
		displayOptions: show({ parametersFrom: ['rows'] }),
		options: [
			{
				displayName: 'Parameter',
				name: 'parameter',
				values: [
					{ displayName: 'Name', name: 'name', type: 'string', default: '', description: 'The parameter\'s name in the function' },
					{
						displayName: 'Type',
						name: 'type',
						type: 'options',
						options: TYPES.map((t) => ({ name: t, value: t })),
						default: 'String',
						description: 'The parameter\'s APL type; Map and List values are JSON',
					},
					{ displayName: 'Value', name: 'value', type: 'string', default: '', description: 'The value (for Map and List: JSON, e.g. {"amount": 120000})' },
				],
			},
		],
	},
	{
		displayName: 'Parameters (JSON)',
		name: 'parametersJson',
		type: 'json',
		default: '[]',
		description: 'A list such as [{"name": "data", "type": "Map", "value": {"amount": 120000}}]',
		displayOptions: show({ parametersFrom: ['json'] }),
	},
];

/** One parameter as Fxiaoke takes it (text values converted to the type), or what is wrong with it. */
function parameterOf(row: IDataObject): IDataObject | string {
	const name = String(row.name ?? '').trim();
	const type = String(row.type ?? 'String');
	if (name === '') return 'has no name';
	if (!TYPES.includes(type)) return `has an unknown type ${JSON.stringify(type)} (${TYPES.join(', ')})`;
	const raw = row.value;
	if (typeof raw !== 'string') return { name, type, value: raw ?? null };
	if (type === 'Map' || type === 'List') {
		try {
			const value: unknown = JSON.parse(raw);
			if (type === 'Map' && (value === null || typeof value !== 'object' || Array.isArray(value))) return '(Map) is not a JSON object';
			if (type === 'List' && !Array.isArray(value)) return '(List) is not a JSON list';
			return { name, type, value: value as IDataObject };
		} catch {
			return `(${type}) is not valid JSON`;
		}
	}
	if (type === 'Number') return Number.isFinite(Number(raw)) && raw.trim() !== '' ? { name, type, value: Number(raw) } : '(Number) is not a number';
	if (type === 'Boolean') return ['true', 'false'].includes(raw.trim()) ? { name, type, value: raw.trim() === 'true' } : '(Boolean) is neither true nor false';
	return { name, type, value: raw };
}

/**
 * Call: POST /cgi/crm/v2/special/function `{data: {api_name, postId, parameters}}` with a fresh postId
 * per item. §17 documents postId only as "for idempotency" (not how long it is kept): the call is
 * sent once like a write, the postId in the output. The answer is given whole: where the function's
 * return value sits in it is not documented.
 */
export const prepare: OperationPrepare = async function (itemIndex, options) {
	const apiName = textParameter(this, itemIndex, { label: 'Function API Name', name: 'functionApiName' }, true).trim();
	if (!API_NAME.test(apiName)) throw inputError(this, itemIndex, { label: 'Function API Name', name: 'functionApiName' }, 'is not an API name (letters, digits and underscores)');
	let rows: IDataObject[];
	const field = nodeParameter(this, 'parametersFrom', itemIndex, 'rows') === 'json' ? { label: 'Parameters (JSON)', name: 'parametersJson' } : { label: 'Parameter Rows', name: 'parameterRows' };
	if (field.name === 'parametersJson') {
		let json = nodeParameter(this, 'parametersJson', itemIndex, '[]');
		if (typeof json === 'string') {
			try {
				json = JSON.parse(json) as unknown;
			} catch {
				throw inputError(this, itemIndex, field, 'is not valid JSON');
			}
		}
		if (!Array.isArray(json) || json.some((p) => p === null || typeof p !== 'object')) throw inputError(this, itemIndex, field, 'must be a list of {name, type, value}');
		rows = json as IDataObject[];
	} else rows = ((nodeParameter(this, 'parameterRows', itemIndex, {}) as { parameter?: IDataObject[] }).parameter ?? []);
	const parameters: IDataObject[] = [];
	for (const [index, row] of rows.entries()) {
		const parameter = parameterOf(row);
		if (typeof parameter === 'string') throw inputError(this, itemIndex, { ...field, where: `parameter ${index + 1}` }, parameter);
		parameters.push(parameter);
	}
	const postId = randomUUID();
	return async () => {
		const body = { data: { api_name: apiName, postId, parameters } };
		const envelope = await sendWrite(this, itemIndex, FUNCTION_PATH, body, `The call of function ${apiName} (postId ${postId})`, options);
		return { ...envelope, functionApiName: apiName, postId };
	};
};
