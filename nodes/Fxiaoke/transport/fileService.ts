import { randomUUID } from 'crypto';
import type { IDataObject, IHttpRequestOptions } from 'n8n-workflow';

import type { RequestOptions } from './constants';
import { DEFAULT_TIMEOUT_MS } from './constants';
import { hostOf } from './baseUrl';
import type { FxiaokeContext } from './context';
import { FxiaokeApiFailure, FxiaokeTransportFailure } from './errors';
import { fxiaokeApiRequest } from './index';
import { toTransportFailure } from './network';
import { toNodeError } from './nodeError';

/*
 * Fxiaoke's file service (API.md §16, [S] only): an upload credential from the OpenAPI, then one
 * signed upload to the URL it names, which answers `{success, code, message, data: npath}`. A
 * download is a signed URL from the OpenAPI, read without the token.
 */

const CREDENTIAL_PATH = '/cgi/crm/v2/generatorFileUploadCredential';
const DOWNLOAD_URL_PATH = '/cgi/crm/v2/generateDownloadSignatureUrlByAuth';
/** The credential's headers the upload sends back, as §16 lists them. */
const SIGNED_HEADERS = ['acid', 'resource', 'ak', 'sign', 'expiry', 'filename', 'size', 'digest'];
/** Long enough for a slow upload of the largest file; the signature is single-use anyway. */
const CREDENTIAL_SECONDS = 600;
/** The file service's size limit (§16: fileSize 1–104857600 bytes). */
export const MAX_FILE_BYTES = 104857600;

export interface FileToUpload {
	data: Buffer;
	fileName: string;
	extension: string;
}

/** A file in Fxiaoke's file service, as file and image fields hold it. */
export interface StoredFile extends IDataObject {
	filename: string;
	path: string;
	size: number;
	ext: string;
}

/**
 * Uploads one file and returns the value a file field takes. Nothing is written into a record
 * here: a failed or unanswered upload at worst leaves a temporary file (TN_, kept 3 days), so the
 * credential call may be retried, and the upload itself is sent once (its signature is single-use).
 */
export async function uploadFile(ctx: FxiaokeContext, itemIndex: number, file: FileToUpload, options: RequestOptions): Promise<StoredFile> {
	const answer = await fxiaokeApiRequest.call(
		ctx,
		CREDENTIAL_PATH,
		{
			data: {
				expireTime: CREDENTIAL_SECONDS,
				resourceType: 'TN', // temporary until a record saves it (§16)
				isStreamUpload: true,
				filename: file.fileName,
				extension: file.extension,
				fileSize: file.data.length,
			},
		},
		itemIndex,
		{ ...options, idempotent: true },
	);
	const grant = (answer.data ?? {}) as IDataObject;
	const url = typeof grant.url === 'string' ? grant.url : '';
	const what = `Fxiaoke's file service (upload of "${file.fileName}")`;
	if (!/^https?:\/\//.test(url)) {
		throw toNodeError(ctx, new FxiaokeApiFailure({ errorCode: -1, errorMessage: 'The upload credential names no upload URL', traceId: answer.traceId }, what), itemIndex);
	}
	const headers: IDataObject = { 'Content-Type': typeof grant.contentType === 'string' ? grant.contentType : 'application/octet-stream' };
	for (const name of SIGNED_HEADERS) {
		// A header carries Latin-1 only: a name in Chinese goes URL-encoded (the credential already gives it so).
		if (grant[name] !== undefined && grant[name] !== null) headers[name] = headerSafe(String(grant[name]));
	}
	const request: IHttpRequestOptions = {
		method: 'POST',
		url,
		qs: { traceId: randomUUID(), linkId: answer.traceId ?? '' },
		headers,
		body: file.data,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		disableFollowRedirect: true,
		timeout: options.timeout ?? DEFAULT_TIMEOUT_MS,
	};
	const reply = await fileServiceCall(ctx, itemIndex, request, what);
	const body = parseJson(reply.body);
	if (body?.success !== true || typeof body.data !== 'string' || body.data === '') {
		const code = typeof body?.code === 'number' ? body.code : reply.statusCode;
		const message = typeof body?.message === 'string' ? body.message : `HTTP ${reply.statusCode}`;
		throw toNodeError(ctx, new FxiaokeApiFailure({ errorCode: code, errorMessage: message, errorDescription: message, traceId: answer.traceId }, what), itemIndex);
	}
	return { filename: file.fileName, path: body.data, size: file.data.length, ext: file.extension };
}

/** A file of a file field, read through a signed download URL (valid for an hour, §16). */
export async function downloadFile(ctx: FxiaokeContext, itemIndex: number, path: string, options: RequestOptions): Promise<{ data: Buffer; contentType?: string }> {
	const answer = await fxiaokeApiRequest.call(ctx, DOWNLOAD_URL_PATH, { data: { path } }, itemIndex, { ...options, idempotent: true });
	// §16 shows the envelope only: the URL's field name is not documented; `url` is the sandbox's choice.
	const data = answer.data;
	const url = typeof data === 'string' ? data : typeof (data as IDataObject)?.url === 'string' ? ((data as IDataObject).url as string) : '';
	const what = `Fxiaoke's file service (download of ${path})`;
	if (!/^https?:\/\//.test(url)) {
		throw toNodeError(ctx, new FxiaokeApiFailure({ errorCode: -1, errorMessage: 'The answer names no download URL', traceId: answer.traceId }, what), itemIndex);
	}
	const reply = await fileServiceCall(
		ctx,
		itemIndex,
		{ method: 'GET', url, encoding: 'arraybuffer', returnFullResponse: true, ignoreHttpStatusErrors: true, timeout: options.timeout ?? DEFAULT_TIMEOUT_MS },
		what,
	);
	const bytes = Buffer.from(reply.body as ArrayBuffer);
	if (reply.statusCode !== 200) {
		const message = parseJson(bytes.toString('utf8'))?.message;
		throw toNodeError(ctx, new FxiaokeTransportFailure(`${what}: HTTP ${reply.statusCode}${typeof message === 'string' ? ` (${message})` : ''}`, 'http-status', hostOf(url), false, reply.statusCode), itemIndex);
	}
	const type = reply.headers?.['content-type'];
	return { data: bytes, contentType: typeof type === 'string' ? type : undefined };
}

interface Reply {
	statusCode: number;
	headers?: Record<string, unknown>;
	body: unknown;
}

/** One request to the file service: no token (the URL or headers carry the signature), never repeated. */
async function fileServiceCall(ctx: FxiaokeContext, itemIndex: number, request: IHttpRequestOptions, what: string): Promise<Reply> {
	try {
		return (await ctx.helpers.httpRequest(request)) as Reply;
	} catch (error) {
		// Only the host is named: the URL's query is a signature.
		throw toNodeError(ctx, toTransportFailure(error, request.url, what), itemIndex);
	}
}

function headerSafe(value: string): string {
	return /^[\x20-\x7e]*$/.test(value) ? value : encodeURIComponent(value);
}

function parseJson(text: unknown): IDataObject | undefined {
	const raw = Buffer.isBuffer(text) ? text.toString('utf8') : text;
	if (typeof raw === 'object' && raw !== null) return raw as IDataObject;
	if (typeof raw !== 'string') return undefined;
	try {
		const value: unknown = JSON.parse(raw);
		return typeof value === 'object' && value !== null ? (value as IDataObject) : undefined;
	} catch {
		return undefined;
	}
}
