import { randomUUID } from 'crypto';
import {
	NodeApiError,
	sleep,
	NodeOperationError,
	type ICredentialDataDecryptedObject,
	type IDataObject,
	type IExecuteFunctions,
	type IHttpRequestOptions,
	type JsonObject,
} from 'n8n-workflow';

import { InvalidBaseUrl, baseUrlOf } from './baseUrl';
import { ERROR_CODES, ERROR_HINTS, FxiaokeApiFailure, FxiaokeTransportFailure, type FxiaokeEnvelope } from './errors';
import type { NodeOptions } from '../actions/options';
import { limiterFor, resetLimiters } from './limiter';
import { toTransportFailure } from './network';
import { backoffDelay, isRetryable, RETRY } from './retry';
import { parseEnvelope, type RawResponse } from './response';
import { takeTokenFailure, tokenFingerprint } from './token';
import { acquireToken, rejectToken, resetTokens, seedToken, type TokenState } from './tokenCache';

export type { FxiaokeEnvelope } from './errors';

export const CREDENTIAL_TYPE = 'fxiaokeApi';
export const DEFAULT_TIMEOUT_MS = 30_000;
/** Fxiaoke's documented per-interface limit: 100 calls per 20 seconds. */
export const DEFAULT_RATE_LIMIT = 100;
export const DEFAULT_RATE_WINDOW_MS = 20_000;

interface Session {
	credentials: ICredentialDataDecryptedObject;
	credentialRef: { id: string; name: string };
	baseUrl: string;
	key: string;
	/** A failed token call fails the rest of this run's items too, instead of calling again per item. */
	tokenFailure?: unknown;
}

/** Credentials are read and checked once per node run, not once per item. */
const sessions = new WeakMap<IExecuteFunctions, Promise<Session>>();

async function openSession(ctx: IExecuteFunctions): Promise<Session> {
	const credentials = await ctx.getCredentials(CREDENTIAL_TYPE);
	const ref = ctx.getNode().credentials?.[CREDENTIAL_TYPE];
	const baseUrl = baseUrlOf(credentials);
	const key = `${ref?.id ?? ref?.name ?? 'credential'}:${tokenFingerprint(credentials)}`;
	seedToken(key, credentials);
	return {
		credentials,
		credentialRef: { id: ref?.id ?? '', name: ref?.name ?? '' },
		baseUrl,
		key,
	};
}

function session(ctx: IExecuteFunctions): Promise<Session> {
	let pending = sessions.get(ctx);
	if (!pending) {
		pending = openSession(ctx);
		sessions.set(ctx, pending);
	}
	return pending;
}

/** A request body: JSON for every API call, multipart for uploads. */
interface Payload {
	body: IDataObject | Buffer;
	contentType: string;
}

async function send(
	ctx: IExecuteFunctions,
	s: Session,
	path: string,
	payload: Payload,
	timeout: number,
	data: ICredentialDataDecryptedObject,
): Promise<FxiaokeEnvelope> {
	const what = `Fxiaoke ${path}`;
	const options: IHttpRequestOptions = {
		method: 'POST',
		url: `${s.baseUrl}${path}`,
		qs: { thirdTraceId: randomUUID() },
		headers: { 'Content-Type': payload.contentType },
		body: payload.body,
		encoding: 'text',
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		disableFollowRedirect: true,
		timeout,
	};
	let response: RawResponse;
	try {
		response = (await ctx.helpers.httpRequestWithAuthentication.call(ctx, CREDENTIAL_TYPE, options, {
			credentialsDecrypted: { ...s.credentialRef, type: CREDENTIAL_TYPE, data },
		})) as RawResponse;
	} catch (error) {
		throw unwrapFailure(error, s.baseUrl, what);
	}
	return parseEnvelope(response, s.baseUrl, what);
}

/** n8n wraps errors of the request and of preAuthentication; find ours or classify the client's. */
function unwrapFailure(error: unknown, baseUrl: string, what: string): Error {
	let current: unknown = error;
	for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
		if (
			current instanceof FxiaokeApiFailure ||
			current instanceof FxiaokeTransportFailure ||
			current instanceof InvalidBaseUrl
		) {
			return current;
		}
		current = current.cause;
	}
	return toTransportFailure(error, baseUrl, what);
}

/** Sends one HTTP request with a usable token, refreshing it first (single flight) when needed. */
async function attempt(
	ctx: IExecuteFunctions,
	s: Session,
	path: string,
	payload: Payload,
	timeout: number,
): Promise<{ envelope: FxiaokeEnvelope; used: TokenState }> {
	if (s.tokenFailure !== undefined) throw s.tokenFailure;
	const { state, refresh } = await acquireToken(s.key);
	if (state) {
		return { envelope: await send(ctx, s, path, payload, timeout, { ...s.credentials, ...state.fields }), used: state };
	}
	// A blank token makes n8n run the credential's preAuthentication (the token call) and persist its result.
	const data: ICredentialDataDecryptedObject = { ...s.credentials, accessToken: '' };
	let envelope: FxiaokeEnvelope | undefined;
	let failure: unknown;
	try {
		envelope = await send(ctx, s, path, payload, timeout, data);
	} catch (error) {
		failure = error;
	}
	if (typeof data.accessToken !== 'string' || data.accessToken === '') {
		s.tokenFailure = asTokenFailure(
			takeTokenFailure(tokenFingerprint(s.credentials)) ?? failure ?? new Error('Fxiaoke token refresh returned no token'),
		);
		refresh!.fail(s.tokenFailure);
		throw s.tokenFailure;
	}
	const used = refresh!.complete(data);
	if (failure !== undefined) throw failure;
	return { envelope: envelope!, used };
}

/** A failed token call never sent the item's request, so it is never ambiguous for the item. */
function asTokenFailure(error: unknown): unknown {
	if (!(error instanceof FxiaokeTransportFailure) || !error.ambiguous) return error;
	return new FxiaokeTransportFailure(error.message, error.reason, error.host, false, error.httpStatus);
}

/** What a finished exchange reports besides Fxiaoke's answer. */
interface Exchange {
	envelope: FxiaokeEnvelope;
	/** An earlier attempt got no reply after the request was written: it may have been carried out. */
	afterAmbiguousAttempt: boolean;
}

/**
 * One logical call: paced by the endpoint's rate limiter, retried once after a 20016 with a new
 * token, and retried with backoff where `isRetryable` allows it.
 */
async function exchange(
	ctx: IExecuteFunctions,
	s: Session,
	path: string,
	payload: Payload,
	options: RequestOptions,
): Promise<Exchange> {
	const limiter = limiterFor(
		`${s.key}|${path}`,
		options.rateLimit ?? DEFAULT_RATE_LIMIT,
		options.rateLimitWindowMs ?? DEFAULT_RATE_WINDOW_MS,
	);
	const timeout = options.timeout ?? DEFAULT_TIMEOUT_MS;
	const idempotent = options.idempotent === true;
	const started = Date.now();
	let retriedAfterInvalidToken = false;
	let afterAmbiguousAttempt = false;
	for (let tries = 1; ; tries++) {
		let outcome: FxiaokeEnvelope | FxiaokeTransportFailure | undefined;
		let used: TokenState | undefined;
		let caught: unknown;
		const release = await limiter.acquire();
		try {
			({ envelope: outcome, used } = await attempt(ctx, s, path, payload, timeout));
		} catch (error) {
			caught = error;
		} finally {
			release();
		}
		if (outcome === undefined) {
			// Only a transport failure of the call itself may be retried; a failed token call may not.
			if (!(caught instanceof FxiaokeTransportFailure) || caught === s.tokenFailure) throw caught;
			outcome = caught;
		} else if (
			!(outcome instanceof FxiaokeTransportFailure) &&
			outcome.errorCode === ERROR_CODES.tokenInvalid &&
			!retriedAfterInvalidToken
		) {
			// Fxiaoke rejected the token and did nothing: refresh it (once) and send again.
			retriedAfterInvalidToken = true;
			if (used !== undefined) rejectToken(s.key, used);
			tries--;
			continue;
		}
		const failed = outcome instanceof FxiaokeTransportFailure || outcome.errorCode !== ERROR_CODES.success;
		const mayRetry =
			failed &&
			isRetryable(outcome, idempotent) &&
			tries < RETRY.maxAttempts &&
			Date.now() - started < RETRY.maxElapsedMs;
		if (outcome instanceof FxiaokeTransportFailure) {
			if (!mayRetry) throw Object.assign(outcome, { afterAmbiguousAttempt });
			afterAmbiguousAttempt ||= outcome.ambiguous;
		} else if (!mayRetry) {
			return { envelope: outcome, afterAmbiguousAttempt };
		}
		await sleep(backoffDelay(tries));
	}
}

export interface RequestOptions extends Partial<NodeOptions> {
	/**
	 * True when repeating the call cannot do harm (Revoke). Sends are not idempotent: they are
	 * only retried where Fxiaoke certainly did nothing (a 20016 rejection).
	 */
	idempotent?: boolean;
}

async function request(
	ctx: IExecuteFunctions,
	path: string,
	payload: Payload,
	itemIndex: number,
	options: RequestOptions,
): Promise<FxiaokeEnvelope> {
	let result: Exchange;
	try {
		result = await exchange(ctx, await session(ctx), path, payload, options);
	} catch (error) {
		throw toNodeError(ctx, error, itemIndex);
	}
	const { envelope, afterAmbiguousAttempt } = result;
	if (envelope.errorCode !== ERROR_CODES.success) {
		throw toNodeError(ctx, Object.assign(new FxiaokeApiFailure(envelope, `Fxiaoke ${path}`), { afterAmbiguousAttempt }), itemIndex);
	}
	return envelope;
}

/**
 * POSTs a JSON body to a Fxiaoke OpenAPI path for one item and returns the raw envelope.
 * Any `errorCode != 0` and any transport failure becomes a NodeApiError for that item.
 */
export async function fxiaokeApiRequest(
	this: IExecuteFunctions,
	path: string,
	body: IDataObject,
	itemIndex: number,
	options: RequestOptions = {},
): Promise<FxiaokeEnvelope> {
	return await request(this, path, { body, contentType: 'application/json' }, itemIndex, options);
}

export interface UploadFile {
	/** The multipart field name Fxiaoke reads (`media`). */
	field: string;
	fileName: string;
	mimeType: string;
	data: Buffer;
}

/** POSTs one file as multipart/form-data (the upload endpoints' documented example). */
export async function fxiaokeApiUpload(
	this: IExecuteFunctions,
	path: string,
	file: UploadFile,
	itemIndex: number,
	options: RequestOptions = {},
): Promise<FxiaokeEnvelope> {
	const boundary = `----n8nFxiaoke${randomUUID().replace(/-/g, '')}`;
	const safeName = file.fileName.replace(/["\r\n]/g, '_');
	const head = Buffer.from(
		`--${boundary}\r\nContent-Disposition: form-data; name="${file.field}"; filename="${safeName}"\r\n` +
			`Content-Type: ${file.mimeType}\r\n\r\n`,
	);
	const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
	const payload = { body: Buffer.concat([head, file.data, tail]), contentType: `multipart/form-data; boundary=${boundary}` };
	return await request(this, path, payload, itemIndex, options);
}

/** Builds the error a user sees: no request data, no token, no secret; only what Fxiaoke said. */
export function toNodeError(
	ctx: IExecuteFunctions,
	error: unknown,
	itemIndex: number,
): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	if (error instanceof InvalidBaseUrl) {
		return new NodeOperationError(ctx.getNode(), `Credential field "Custom URL": ${error.message}`, { itemIndex });
	}
	if (error instanceof FxiaokeApiFailure) {
		const { errorCode, errorDescription, errorMessage, traceId } = error.response;
		const apiError = new NodeApiError(
			ctx.getNode(),
			{ errorCode, errorDescription, errorMessage, traceId } as JsonObject,
			{
				message: error.message,
				description:
					`errorCode ${errorCode}; traceId ${traceId ?? 'none'}; item ${itemIndex}` +
					(ERROR_HINTS[errorCode] ? `. ${ERROR_HINTS[errorCode]}` : ''),
				itemIndex,
			},
		);
		Object.assign(apiError.context, { errorCode, errorMessage, errorDescription, traceId, itemIndex });
		if (error.afterAmbiguousAttempt) apiError.context.afterAmbiguousAttempt = true;
		return apiError;
	}
	if (error instanceof FxiaokeTransportFailure) {
		const apiError = new NodeApiError(
			ctx.getNode(),
			{ message: error.message, reason: error.reason, host: error.host } as JsonObject,
			{
				message: error.message,
				description: `Transport failure (${error.reason}) talking to ${error.host}; item ${itemIndex}`,
				httpCode: error.httpStatus ? String(error.httpStatus) : undefined,
				itemIndex,
			},
		);
		Object.assign(apiError.context, {
			transportReason: error.reason,
			host: error.host,
			httpStatus: error.httpStatus,
			itemIndex,
		});
		if (error.afterAmbiguousAttempt || error.ambiguous) apiError.context.afterAmbiguousAttempt = true;
		return apiError;
	}
	const message = error instanceof Error ? error.message : String(error);
	return new NodeOperationError(ctx.getNode(), message, { itemIndex });
}

/** Exposed for tests: forget every token and refresh this process holds. */
export function resetTokenCache(): void {
	resetTokens();
	resetLimiters();
}

