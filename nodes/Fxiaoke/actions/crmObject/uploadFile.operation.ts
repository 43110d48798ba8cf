import type { INodeProperties } from 'n8n-workflow';

import { nodeParameter } from '../parameters';
import type { OperationPrepare } from '../types';
import { inputError } from '../validation';
import { fileFieldParameter, readFileField, readRecord } from './fileField';
import { readObjectApiName, readRecordId, recordIdField, showFor } from './fields';
import { checkCount, completeFileValue, filesIn, readFileValue } from './files';
import { writeRecord } from './write';

export const description: INodeProperties[] = [
	recordIdField(['uploadFile'], 'The _id of the record to attach the files to'),
	fileFieldParameter('uploadFile', 'The file or image field that receives the files'),
	{
		displayName: 'Input Binary Fields',
		name: 'binaryPropertyName',
		type: 'string',
		required: true,
		default: 'data',
		placeholder: 'data',
		hint: 'The names of the input binary fields holding the files, separated by commas',
		description: 'Binary properties of the input item, each a file of at most 100 MB (an image field takes JPG, PNG, GIF or BMP)',
		displayOptions: showFor('uploadFile'),
	},
	{
		displayName: 'Existing Files',
		name: 'existingFiles',
		type: 'options',
		options: [
			{ name: 'Keep', value: 'keep', description: 'The new files are added after the files the field holds' },
			{ name: 'Replace', value: 'replace', description: 'The field holds only the new files' },
		],
		default: 'keep',
		description: 'What happens to the files the field already holds',
		displayOptions: showFor('uploadFile'),
	},
];

/**
 * Upload File: the files go to Fxiaoke's file service (upload credential, signed upload), then one
 * update writes the field (…/data/update). The update is a write: sent once.
 */
export const prepare: OperationPrepare = async function (itemIndex, options) {
	const apiName = readObjectApiName(this, itemIndex);
	const recordId = readRecordId(this, itemIndex);
	const field = await readFileField(this, itemIndex, apiName, options);
	const ref = { label: 'Input Binary Fields', name: 'binaryPropertyName' };
	const given = await readFileValue(this, itemIndex, field, String(nodeParameter(this, 'binaryPropertyName', itemIndex, 'data')), ref);
	if (given.uploads.length === 0) throw inputError(this, itemIndex, ref, 'is empty: give the name of a binary property of the input item, such as "data"');
	const keep = nodeParameter(this, 'existingFiles', itemIndex, 'keep') !== 'replace';
	return async () => {
		const kept = keep ? filesIn((await readRecord(this, itemIndex, apiName, recordId, options))[field.apiName]) : [];
		checkCount(this, itemIndex, { label: field.label, name: field.apiName }, field, kept.length + given.uploads.length);
		const files = await completeFileValue(this, itemIndex, { kept, uploads: given.uploads }, options);
		const body = { data: { object_data: { _id: recordId, dataObjectApiName: apiName, [field.apiName]: files } } };
		const envelope = await writeRecord(this, itemIndex, apiName, 'update', body, options);
		return { ...envelope, dataId: recordId, field: field.apiName, files, uploaded: files.slice(kept.length) };
	};
};
