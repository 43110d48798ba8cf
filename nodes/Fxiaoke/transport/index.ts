import type { IDataObject } from 'n8n-workflow';

import type { FxiaokeContext } from './context';
import { ERROR_CODES, FxiaokeApiFailure, type FxiaokeEnvelope } from './errors';
import { exchange } from './exchange';
import { resetLimiters } from './limiter';
import { multipartPayload, type UploadFile } from './multipart';
import { toNodeError } from './nodeError';
import type { Payload } from './send';
import { session } from './session';
import { resetTokens } from './tokenCache';
import type { RequestOptions } from './constants';

export type { FxiaokeEnvelope } from './errors';
export type { RequestOptions } from './constants';
export type { UploadFile } from './multipart';
export { toNodeError } from './nodeError';
export { ERROR_CODES } from './errors';

async function request(
	ctx: FxiaokeContext,
	path: string,
	payload: Payload,
	itemIndex: number,
	options: RequestOptions,
): Promise<FxiaokeEnvelope> {
	let result;
	try {
		result = await exchange(ctx, await session(ctx), path, payload, options);
	} catch (error) {
		throw toNodeError(ctx, error, itemIndex);
	}
	const { envelope, maybeCarriedOut } = result;
	if (envelope.errorCode !== ERROR_CODES.success) {
		const failure = new FxiaokeApiFailure(envelope, `Fxiaoke ${path}`);
		failure.maybeCarriedOut = maybeCarriedOut;
		throw toNodeError(ctx, failure, itemIndex);
	}
	return envelope;
}

/**
 * POSTs a JSON body to a Fxiaoke OpenAPI path for one item and returns the raw envelope.
 * Any `errorCode != 0` and any transport failure becomes a NodeApiError for that item.
 */
export async function fxiaokeApiRequest(
	this: FxiaokeContext,
	path: string,
	body: IDataObject,
	itemIndex: number,
	options: RequestOptions = {},
): Promise<FxiaokeEnvelope> {
	// n8n's HTTP helper sends no body for an empty object, and Fxiaoke answers an empty POST with 12004.
	const json = Object.keys(body).length === 0 ? Buffer.from('{}') : body;
	return await request(this, path, { body: json, contentType: 'application/json' }, itemIndex, options);
}

/** POSTs one file as multipart/form-data (the upload endpoints' documented example). */
export async function fxiaokeApiUpload(
	this: FxiaokeContext,
	path: string,
	file: UploadFile,
	itemIndex: number,
	options: RequestOptions = {},
): Promise<FxiaokeEnvelope> {
	return await request(this, path, multipartPayload(file), itemIndex, options);
}

/** Exposed for tests: forget every token, refresh and limiter this process holds. */
export function resetTokenCache(): void {
	resetTokens();
	resetLimiters();
}
