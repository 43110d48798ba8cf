import type { IBinaryKeyData, IDataObject, INodeProperties } from 'n8n-workflow';

import { downloadFile } from '../../transport/fileService';
import { nodeParameter } from '../parameters';
import type { OperationPrepare } from '../types';
import { inputError } from '../validation';
import { fileFieldParameter, readFileField, readRecord } from './fileField';
import { readObjectApiName, readRecordId, recordIdField, showFor } from './fields';
import { filesIn } from './files';

export const description: INodeProperties[] = [
	recordIdField(['downloadFile'], 'The _id of the record whose files to download'),
	fileFieldParameter('downloadFile', 'The file or image field whose files to download'),
	{
		displayName: 'Put Output Files in Field',
		name: 'binaryPropertyName',
		type: 'string',
		required: true,
		default: 'data',
		hint: 'The name of the output binary field: the first file goes in it, the next in data_1, data_2, …',
		description: 'The binary property the first file is put in; a second file goes in the same name with _1, and so on',
		displayOptions: showFor('downloadFile'),
	},
];

/** Download File: reads the record, then each file of the field through a signed download URL (reads: may be retried). */
export const prepare: OperationPrepare = async function (itemIndex, options) {
	const apiName = readObjectApiName(this, itemIndex);
	const recordId = readRecordId(this, itemIndex);
	const field = await readFileField(this, itemIndex, apiName, options);
	const ref = { label: 'Put Output Files in Field', name: 'binaryPropertyName' };
	const property = String(nodeParameter(this, 'binaryPropertyName', itemIndex, 'data')).trim();
	if (!/^[A-Za-z0-9_$-]+$/.test(property)) throw inputError(this, itemIndex, ref, `is ${JSON.stringify(property)}: use letters, digits, _ or - (such as data)`);
	return async () => {
		const files = filesIn((await readRecord(this, itemIndex, apiName, recordId, options))[field.apiName]);
		const binary: IBinaryKeyData = {};
		const listed: IDataObject[] = [];
		for (const [index, file] of files.entries()) {
			const name = index === 0 ? property : `${property}_${index}`;
			const { data, contentType } = await downloadFile(this, itemIndex, file.path, options);
			binary[name] = await this.helpers.prepareBinaryData(data, file.filename, contentType?.split(';')[0]);
			listed.push({ filename: file.filename, size: data.length, ext: file.ext, path: file.path, binaryProperty: name });
		}
		// A field without files gives an item that says so, not an error: an empty field is a state, not a failure.
		return { json: { dataId: recordId, field: field.apiName, fileCount: files.length, files: listed }, binary };
	};
};
