import type { IBinaryData, IExecuteFunctions } from 'n8n-workflow';

import { fxiaokeApiUpload, type FxiaokeEnvelope } from '../../transport';
import type { NodeOptions } from '../options';
import { inputError, type FieldRef } from '../validation';

/** Fxiaoke's limit for message images (API.md §8): 5 MB. */
export const MAX_IMAGE_BYTES = 5 * 1024 * 1024;

export const UPLOAD_PATH = '/media/upload/message';

interface ImageFormat {
	mimeType: string;
	extensions: string[];
	matches: (data: Buffer) => boolean;
}

const startsWith = (data: Buffer, bytes: number[]) => data.length >= bytes.length && bytes.every((b, i) => data[i] === b);

/** Sizes of the BMP info headers in use; "BM" alone is too weak a signature (a text file may start with it). */
const BMP_INFO_HEADER_SIZES = [12, 40, 52, 56, 64, 108, 124];

/** The formats Fxiaoke accepts for message images (API.md §8), recognised by their first bytes. */
const IMAGE_FORMATS: ImageFormat[] = [
	{ mimeType: 'image/jpeg', extensions: ['jpg', 'jpeg'], matches: (d) => startsWith(d, [0xff, 0xd8, 0xff]) },
	{
		mimeType: 'image/png',
		extensions: ['png'],
		matches: (d) => startsWith(d, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
	},
	{
		mimeType: 'image/gif',
		extensions: ['gif'],
		matches: (d) => startsWith(d, [0x47, 0x49, 0x46, 0x38, 0x37, 0x61]) || startsWith(d, [0x47, 0x49, 0x46, 0x38, 0x39, 0x61]),
	},
	{
		mimeType: 'image/bmp',
		extensions: ['bmp'],
		matches: (d) => startsWith(d, [0x42, 0x4d]) && d.length >= 18 && BMP_INFO_HEADER_SIZES.includes(d.readUInt32LE(14)),
	},
];

/** The image format of `data` by its magic bytes, or undefined when it is none Fxiaoke accepts. */
export function detectImageFormat(data: Buffer): ImageFormat | undefined {
	return IMAGE_FORMATS.find((format) => format.matches(data));
}

/** A file ready for the upload endpoint. */
export interface ImageFile {
	data: Buffer;
	fileName: string;
	mimeType: string;
}

/** Keeps the user's file name but makes its extension match the detected format. */
function fileNameFor(name: string | undefined, format: ImageFormat): string {
	const base = (name ?? '').trim() || 'image';
	const match = /\.([A-Za-z0-9]{1,5})$/.exec(base);
	if (match && format.extensions.includes(match[1].toLowerCase())) return base;
	const stem = match ? base.slice(0, -match[0].length) || 'image' : base;
	return `${stem}.${format.extensions[0]}`;
}

/**
 * Reads the binary property `propertyName` of the item and checks it is an image Fxiaoke accepts:
 * JPG, PNG, GIF or BMP by content (the declared MIME type is not trusted), 1 byte to 5 MB.
 * Throws a NodeOperationError naming `field` otherwise; nothing is sent.
 */
export async function readImage(
	ctx: IExecuteFunctions,
	itemIndex: number,
	propertyName: unknown,
	field: FieldRef,
): Promise<ImageFile> {
	if (typeof propertyName !== 'string' || propertyName.trim() === '') {
		throw inputError(ctx, itemIndex, field, 'is empty: give the name of a binary property of the input item, such as "data"');
	}
	const name = propertyName.trim();
	let binary: IBinaryData;
	try {
		binary = ctx.helpers.assertBinaryData(itemIndex, name);
	} catch (error) {
		throw inputError(
			ctx,
			itemIndex,
			field,
			`refers to a missing binary property "${name}"`,
			`${(error as Error).message}. Nothing was sent to Fxiaoke for this item.`,
		);
	}
	const declaredType = binary.mimeType || 'unknown';
	if (typeof binary.bytes === 'number' && binary.bytes > MAX_IMAGE_BYTES) {
		throw inputError(ctx, itemIndex, field, `"${name}" is ${binary.bytes} bytes (at most ${MAX_IMAGE_BYTES}, 5 MB)`);
	}
	const data = await ctx.helpers.getBinaryDataBuffer(itemIndex, name);
	if (data.length === 0) throw inputError(ctx, itemIndex, field, `"${name}" is an empty file`);
	if (data.length > MAX_IMAGE_BYTES) {
		throw inputError(ctx, itemIndex, field, `"${name}" is ${data.length} bytes (at most ${MAX_IMAGE_BYTES}, 5 MB)`);
	}
	const format = detectImageFormat(data);
	if (!format) {
		throw inputError(
			ctx,
			itemIndex,
			field,
			`"${name}" is not a JPG, PNG, GIF or BMP image (declared type ${declaredType}, ${binary.fileName ?? 'no file name'})`,
		);
	}
	return { data, fileName: fileNameFor(binary.fileName, format), mimeType: format.mimeType };
}

/**
 * Uploads one checked image to POST /media/upload/message (multipart field `media`) and returns
 * Fxiaoke's raw answer, which holds the `mediaId`. Repeating an upload can at worst leave an unused
 * file on Fxiaoke's side, so the transport may retry it.
 */
export async function uploadImage(
	ctx: IExecuteFunctions,
	itemIndex: number,
	image: ImageFile,
	options: NodeOptions,
): Promise<FxiaokeEnvelope> {
	return await fxiaokeApiUpload.call(
		ctx,
		UPLOAD_PATH,
		{ field: 'media', fileName: image.fileName, mimeType: image.mimeType, data: image.data },
		itemIndex,
		{ ...options, idempotent: true },
	);
}
