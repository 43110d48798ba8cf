import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { inputError } from '../validation';
import { nodeParameter } from '../parameters';
import type { RequestOptions } from '../../transport';
import { showFor } from './fields';
import { getRecord } from './query';
import { describeObject, type CrmField } from './schema';
import { isFileField } from './files';

/** The file or image field Upload File and Download File work on, from the object's describe. */
export const fileFieldParameter = (operation: string, description: string): INodeProperties => ({
	displayName: 'File Field Name or ID',
	name: 'fileField',
	type: 'options',
	required: true,
	default: '',
	typeOptions: { loadOptionsMethod: 'getFileFields', loadOptionsDependsOn: ['objectApiName.value'] },
	description: `${description}. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.`,
	displayOptions: showFor(operation),
});

/** The chosen field, checked against the describe: nothing is sent for a field that holds no files. */
export async function readFileField(ctx: IExecuteFunctions, itemIndex: number, apiName: string, options: RequestOptions): Promise<CrmField> {
	const ref = { label: 'File Field', name: 'fileField' };
	const name = String(nodeParameter(ctx, 'fileField', itemIndex, '')).trim();
	if (name === '') throw inputError(ctx, itemIndex, ref, 'is empty');
	const fields = await describeObject(ctx, apiName, itemIndex, options);
	const field = fields.find((f) => f.apiName === name);
	if (!field) throw inputError(ctx, itemIndex, ref, `is ${JSON.stringify(name)}, which ${apiName} does not have`);
	if (!isFileField(field)) {
		const fileFields = fields.filter(isFileField).map((f) => f.apiName);
		throw inputError(ctx, itemIndex, ref, `is ${field.label} (${name}), a ${field.type} field, not a file or image field (${apiName}'s: ${fileFields.join(', ') || 'none'})`);
	}
	return field;
}

/** The record as Fxiaoke gives it (a read: may be retried). */
export async function readRecord(ctx: IExecuteFunctions, itemIndex: number, apiName: string, recordId: string, options: RequestOptions): Promise<IDataObject> {
	const record = (await getRecord(ctx, itemIndex, apiName, recordId, options)).data;
	return typeof record === 'object' && record !== null && !Array.isArray(record) ? (record as IDataObject) : {};
}
