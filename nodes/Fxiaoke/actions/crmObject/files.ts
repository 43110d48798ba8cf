import type { IBinaryData, IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { MAX_FILE_BYTES, uploadFile, type FileToUpload, type StoredFile } from '../../transport/fileService';
import type { RequestOptions } from '../../transport';
import { detectImageFormat } from '../media/image';
import { inputError, kindOf, quoteShortened, type FieldRef } from '../validation';
import type { CrmField } from './schema';

/*
 * File and image fields (API.md §16): a field holds a list of `{filename, path, size, ext}`, each
 * path an npath of Fxiaoke's file service. The node takes files from the input item's binary
 * properties, checks them before anything is sent, uploads them when the item runs, and writes the
 * paths. A value a read gave (objects with a path) is written back as it is.
 */

export const FILE_FIELD_TYPES = new Set(['file_attachment', 'image']);

export const isFileField = (field: CrmField): boolean => FILE_FIELD_TYPES.has(field.type);

/** A file field's value once its uploads are done: what it keeps, then what the item adds. */
export interface FileValue {
	kept: StoredFile[];
	uploads: FileToUpload[];
}

const SEPARATORS = /[,，;；\r\n]+/;

/** A binary property's extension: its file name's, else n8n's fileExtension. */
function extensionOf(binary: IBinaryData): string {
	const fromName = /\.([A-Za-z0-9]{1,10})$/.exec(binary.fileName ?? '')?.[1];
	return (fromName ?? binary.fileExtension ?? '').toLowerCase();
}

/** One binary property of the item, checked for the field: there, not empty, within the size limit, an image for an image field. */
async function readUpload(ctx: IExecuteFunctions, itemIndex: number, ref: FieldRef, field: CrmField, property: string): Promise<FileToUpload> {
	let binary: IBinaryData;
	try {
		binary = ctx.helpers.assertBinaryData(itemIndex, property);
	} catch {
		throw inputError(ctx, itemIndex, ref, `refers to the binary property ${quoteShortened(property)}, which the input item does not have`, 'Nothing was sent to Fxiaoke for this item. Give the name of a binary property of the input item, such as "data".');
	}
	const data = await ctx.helpers.getBinaryDataBuffer(itemIndex, property);
	const name = binary.fileName ?? property;
	if (data.length === 0) throw inputError(ctx, itemIndex, ref, `gets an empty file from "${property}" (${name})`);
	if (data.length > MAX_FILE_BYTES) throw inputError(ctx, itemIndex, ref, `gets ${data.length} bytes from "${property}" (${name}); Fxiaoke takes at most ${MAX_FILE_BYTES} (100 MB)`);
	let extension = extensionOf(binary);
	if (field.type === 'image') {
		const format = detectImageFormat(data);
		if (!format) throw inputError(ctx, itemIndex, ref, `is an image field, and "${property}" (${name}) is not a JPG, PNG, GIF or BMP image`);
		if (!format.extensions.includes(extension)) extension = format.extensions[0];
	}
	if (extension === '') throw inputError(ctx, itemIndex, ref, `gets "${property}" without a file name extension (${name}); Fxiaoke asks for one: set the file name, e.g. contract.pdf`);
	const stem = name.replace(/\.[A-Za-z0-9]{1,10}$/, '') || 'file';
	return { data, fileName: `${stem}.${extension}`, extension };
}

/** A stored file as a read gives it (an object with an npath), kept as it is. */
function storedFile(value: IDataObject): StoredFile {
	return { ...value, filename: String(value.filename ?? value.name ?? value.path), path: String(value.path), size: Number(value.size ?? 0), ext: String(value.ext ?? '') };
}

/**
 * What the item gives for a file field: names of its binary properties (a list, or text separated
 * by commas), or stored files (objects with a path, as Get returns them), or both. Checked now;
 * nothing is uploaded yet.
 */
export async function readFileValue(ctx: IExecuteFunctions, itemIndex: number, field: CrmField, value: unknown, ref: FieldRef = { label: field.label, name: field.apiName }): Promise<FileValue> {
	const entries = (Array.isArray(value) ? value.flat() : [value]) as unknown[];
	const result: FileValue = { kept: [], uploads: [] };
	for (const entry of entries) {
		if (typeof entry === 'string') {
			for (const property of entry.split(SEPARATORS).map((p) => p.trim()).filter((p) => p !== '')) {
				result.uploads.push(await readUpload(ctx, itemIndex, ref, field, property));
			}
		} else if (typeof entry === 'object' && entry !== null && typeof (entry as IDataObject).path === 'string') {
			result.kept.push(storedFile(entry as IDataObject));
		} else {
			throw inputError(ctx, itemIndex, ref, `must name binary properties of the input item (such as "data") or be files as Get gives them, not ${kindOf(entry)},`);
		}
	}
	checkCount(ctx, itemIndex, ref, field, result.kept.length + result.uploads.length);
	return result;
}

/** The describe's limit on files per field, when it gives one. */
export function checkCount(ctx: IExecuteFunctions, itemIndex: number, ref: FieldRef, field: CrmField, count: number): void {
	if (field.maxFiles !== undefined && count > field.maxFiles) {
		throw inputError(ctx, itemIndex, ref, `would hold ${count} files; ${field.label} takes at most ${field.maxFiles}`);
	}
}

/** The record's files in a field, as a read gives them (a list of objects with a path). */
export function filesIn(value: unknown): StoredFile[] {
	if (!Array.isArray(value)) return [];
	return (value as unknown[]).filter((v): v is IDataObject => typeof v === 'object' && v !== null && typeof (v as IDataObject).path === 'string').map(storedFile);
}

/** Uploads what the item gives, one file after the other, and returns the field's value. */
export async function completeFileValue(ctx: IExecuteFunctions, itemIndex: number, value: FileValue, options: RequestOptions): Promise<StoredFile[]> {
	const uploaded: StoredFile[] = [];
	for (const file of value.uploads) uploaded.push(await uploadFile(ctx, itemIndex, file, options));
	return [...value.kept, ...uploaded];
}

/** Every file field of a write with its uploads done, written into `values`. */
export async function completeFileFields(ctx: IExecuteFunctions, itemIndex: number, values: IDataObject, files: Map<string, FileValue>, options: RequestOptions): Promise<IDataObject> {
	const complete = { ...values };
	for (const [name, value] of files) complete[name] = await completeFileValue(ctx, itemIndex, value, options);
	return complete;
}
