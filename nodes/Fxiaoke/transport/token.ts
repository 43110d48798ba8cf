import { randomUUID } from 'crypto';
import { sleep, type ICredentialDataDecryptedObject, type IHttpRequestHelper } from 'n8n-workflow';

import { baseUrlOf, hostOf } from './baseUrl';
import { ERROR_CODES, FxiaokeApiFailure, type FxiaokeTransportFailure } from './errors';
import { toTransportFailure } from './network';
import { parseEnvelope, type RawResponse } from './response';
import { backoffDelay, isRetryable } from './retry';
import { noteTokenCall, publishIssuedToken } from './tokenCache';
import { tokenFingerprint, type TokenFields } from './tokenFields';

export const TOKEN_TIMEOUT_MS = 30_000;

/**
 * The last failed token call per app fingerprint. n8n wraps what preAuthentication throws, and
 * n8n 1.x drops the wrapped error's cause, so the transport looks the failure up here instead.
 */
const tokenFailures = new Map<string, Error>();

export function takeTokenFailure(fingerprint: string): Error | undefined {
	const failure = tokenFailures.get(fingerprint);
	tokenFailures.delete(fingerprint);
	return failure;
}

/** Attempts of one token call: the call is safe to repeat, so transient failures are retried. */
export const TOKEN_ATTEMPTS = 3;

/**
 * The client-credentials token call (API.md §4.1). Used by the credential's preAuthentication,
 * so n8n persists the result and every execution and worker shares it. What it issues is also
 * handed to this process's token cache at once, so items waiting for it need not wait for the
 * refreshing item's own request.
 */
export async function requestToken(
	this: IHttpRequestHelper,
	credentials: ICredentialDataDecryptedObject,
): Promise<TokenFields> {
	const fingerprint = tokenFingerprint(credentials);
	tokenFailures.delete(fingerprint);
	for (let attempt = 1; ; attempt++) {
		noteTokenCall(fingerprint);
		try {
			const fields = await callTokenEndpoint.call(this, credentials, fingerprint);
			publishIssuedToken(fingerprint, fields);
			return fields;
		} catch (error) {
			const failure = error as FxiaokeApiFailure | FxiaokeTransportFailure;
			const outcome = failure instanceof FxiaokeApiFailure ? failure.response : failure;
			if (attempt >= TOKEN_ATTEMPTS || !isRetryable(outcome, true)) {
				tokenFailures.set(fingerprint, failure);
				throw failure;
			}
		}
		await sleep(backoffDelay(attempt));
	}
}

async function callTokenEndpoint(
	this: IHttpRequestHelper,
	credentials: ICredentialDataDecryptedObject,
	fingerprint: string,
): Promise<TokenFields> {
	const baseUrl = baseUrlOf(credentials);
	const what = 'Fxiaoke token request';
	let response: RawResponse;
	try {
		response = (await this.helpers.httpRequest({
			method: 'POST',
			url: `${baseUrl}/oauth2.0/token`,
			qs: { thirdTraceId: randomUUID() },
			headers: { 'Content-Type': 'application/json' },
			body: {
				appId: credentials.appId,
				appSecret: credentials.appSecret,
				permanentCode: credentials.permanentCode,
				grantType: 'app_secret',
			},
			encoding: 'text',
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			disableFollowRedirect: true,
			timeout: TOKEN_TIMEOUT_MS,
		})) as RawResponse;
	} catch (error) {
		throw toTransportFailure(error, baseUrl, what);
	}
	const envelope = parseEnvelope(response, baseUrl, what);
	if (envelope.errorCode !== 0) {
		const credentialCode = (ERROR_CODES.credentials as readonly number[]).includes(envelope.errorCode);
		throw new FxiaokeApiFailure(
			{
				errorCode: envelope.errorCode,
				errorMessage: envelope.errorMessage,
				errorDescription: envelope.errorDescription,
				traceId: envelope.traceId,
			},
			`${what} to ${hostOf(baseUrl)} failed` + (credentialCode ? ' (check App ID, App Secret and Permanent Code)' : ''),
		);
	}
	if (typeof envelope.accessToken !== 'string' || envelope.accessToken === '' || typeof envelope.ea !== 'string') {
		throw new FxiaokeApiFailure(
			{ errorCode: -1, errorDescription: 'the token response has no accessToken or ea', traceId: envelope.traceId },
			`${what} to ${hostOf(baseUrl)} failed`,
		);
	}
	const expiresIn = Number(envelope.expiresIn);
	return {
		accessToken: envelope.accessToken,
		ea: envelope.ea,
		// expiresIn is the token's remaining life in seconds; 7200 if Fxiaoke leaves it out.
		tokenExpiresAt: Date.now() + (Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : 7200) * 1000,
		tokenFingerprint: fingerprint,
	};
}
